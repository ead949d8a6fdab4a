"""Names tapeflow does not provide: a clear error, never a "Did you mean" pointing at an
internal module; and the table of known-missing names stays true."""
import importlib
import traceback

import pytest

import tapeflow as tf
from tapeflow._missing import NOT_YET, NotProvidedError


def _message(expr):
    with pytest.raises(AttributeError) as info:
        eval(expr, {"tf": tf})
    text = "".join(traceback.format_exception(info.value))
    assert "Did you mean" not in text
    return info.value, str(info.value)


def test_saved_model_names_its_alternative():
    err, message = _message("tf.saved_model")
    assert isinstance(err, NotProvidedError) and isinstance(err, NotImplementedError)
    assert message == ("tapeflow does not provide tf.saved_model yet. Instead: "
                       "model.save('x.keras') and tf.keras.models.load_model('x.keras').")


@pytest.mark.parametrize("expr,name", [("tf.lite", "tf.lite"),
                                       ("tf.keras.layers.LSTM", "tf.keras.layers.LSTM"),
                                       ("tf.keras.applications.ResNet50",
                                        "tf.keras.applications.ResNet50")])
def test_known_missing_names_say_not_yet(expr, name):
    err, message = _message(expr)
    assert isinstance(err, NotProvidedError)
    assert message.startswith(f"tapeflow does not provide {name} yet.")


@pytest.mark.parametrize("expr,where", [("tf.no_such_name", "tf"),
                                        ("tf.keras.layers.Dense2", "tf.keras.layers"),
                                        ("tf.keras.losses.nope", "tf.keras.losses"),
                                        ("tf.math.nope", "tf.math")])
def test_unknown_names_get_a_plain_clear_error(expr, where):
    err, message = _message(expr)
    assert not isinstance(err, NotProvidedError)
    assert f"tapeflow does not provide {expr}" in message and f"dir({where})" in message


def test_hasattr_and_getattr_default_still_work():
    assert not hasattr(tf, "saved_model")
    assert getattr(tf.keras.layers, "LSTM", None) is None


def test_no_entry_of_the_table_exists():
    stale = []
    for where, table in NOT_YET.items():
        module = importlib.import_module("tapeflow" + where[len("tf"):])
        for name in table:
            try:
                getattr(module, name)
            except AttributeError:
                continue
            stale.append(f"{where}.{name}")
    assert not stale, (f"tapeflow now provides {stale}: delete them from NOT_YET in "
                       f"tapeflow/_missing.py (and run `make docs`)")
