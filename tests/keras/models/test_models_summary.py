"""summary(): Keras 3's table, column widths, wrapping and options."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras.models import summary as S

L = keras.layers


@pytest.fixture(autouse=True)
def _terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # Keras caps the table at the terminal width - 4
    keras.backend.clear_session()


def _text(model, **kwargs):
    captured = []
    model.summary(print_fn=captured.append, **kwargs)
    assert len(captured) == 1  # Keras 3 hands print_fn the whole table at once
    return captured[0]


def test_rich_column_widths():
    # 76 columns: positions .45/.80/1 -> widths 34, 26, 16 (+2 padding each = 82), then
    # rich takes the 10 extra cells off in turn: round(10/3)=3, round(7/2)=4, 3
    assert S.column_widths(76, [0.45, 0.80, 1.0]) == [33, 24, 15]
    assert S.column_widths(76, [0.3, 0.56, 0.74, 1.0]) == [21, 19, 12, 19]
    assert S.column_widths(88, [0.45, 0.80, 1.0]) == [38, 29, 17]
    with pytest.raises(ValueError, match="Insufficient console width"):
        S.column_widths(10, [0.3, 0.56, 0.74, 1.0])


def test_wrap_and_ellipsis():
    assert S.wrap("batch_normalization (BatchNormalization)", 19) == [
        "batch_normalization", "(BatchNormalizatio…"]
    assert S.wrap("(None, 224, 224, 3)", 17) == ["(None, 224, 224,", "3)"]
    assert S.wrap("short", 10) == ["short"]


def test_memory_sizes():
    assert S.readable_memory_size(0) == "0.00 B"
    assert S.readable_memory_size(407050 * 4) == "1.55 MB"
    assert S.readable_memory_size(2048) == "2.00 KB"


def test_functional_table_with_connections():
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    model = keras.Model([a, b], L.Add(name="add")([L.Dense(3, name="d")(a), b]), name="m")
    assert _text(model) == (
        'Model: "m"\n'
        "┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩\n"
        "│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ d (Dense)           │ (None, 3)         │         12 │ a[0][0]           │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ b (InputLayer)      │ (None, 3)         │          0 │ -                 │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ add (Add)           │ (None, 3)         │          0 │ d[0][0], b[0][0]  │\n"
        "└─────────────────────┴───────────────────┴────────────┴───────────────────┘\n"
        " Total params: 12 (48.00 B)\n"
        " Trainable params: 12 (48.00 B)\n"
        " Non-trainable params: 0 (0.00 B)\n")


def test_chain_functional_is_sequential_like_with_input_row():
    x = keras.Input((4,))
    model = keras.Model(x, L.Dense(2)(x))
    text = _text(model)
    assert "Connected to" not in text
    assert "│ input_layer (InputLayer)        │ (None, 4)              │             0 │" in text


def test_unbuilt_sequential_shows_question_marks():
    model = keras.Sequential([L.Dense(3)])
    text = _text(model)
    assert "│ dense (Dense)                   │ ?                      │   0 (unbuilt) │" in text
    assert " Total params: 0 (0.00 B)" in text


def test_frozen_layers_show_trainable_column_and_counts():
    model = keras.Sequential([keras.Input((2,)), L.Dense(2, name="frozen"), L.Flatten(),
                              L.Dense(1, name="live")])
    model.get_layer("frozen").trainable = False
    assert "Trai… ┃" in _text(model, show_trainable=True)  # 76 columns: cut like rich
    text = _text(model, show_trainable=True, line_length=120)
    assert "┃ Trainable ┃" in text.splitlines()[2]
    rows = [ln for ln in text.splitlines() if ln.startswith("│")]
    assert rows[0].rstrip("│ ").endswith("N") and rows[2].rstrip("│ ").endswith("Y")
    assert rows[1].rstrip("│ ").endswith("-")
    assert " Trainable params: 3 (12.00 B)" in text
    assert " Non-trainable params: 6 (24.00 B)" in text


def test_expand_nested_and_line_length():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(3, name="inner_dense")], name="inner")
    outer = keras.Sequential([inner, L.Dense(1, name="top")], name="outer")
    text = _text(outer, expand_nested=True)
    assert "│ inner (Sequential)" in text and "│    └ inner_dense (Dense)" in text
    wide = _text(outer, line_length=100)
    assert len(wide.splitlines()[1]) == 100
    assert _text(outer, layer_range=["top", "top"]).count("(Dense)") == 1


def test_summary_prints_to_stdout(capsys):
    keras.Sequential([keras.Input((2,)), L.Dense(1)]).summary()
    out = capsys.readouterr().out
    assert out.startswith('Model: "sequential"\n┏') and out.endswith("(0.00 B)\n")


def test_layer_with_wrapped_long_name():
    x = keras.Input((2,))
    model = keras.Model(x, L.Dense(1, name="a_really_long_layer_name_that_wraps")(x))
    text = _text(model)
    assert "│ a_really_long_layer_name_that_… │" in text
    assert "│ (Dense)                         │" in text
    assert np.all([len(ln) == 76 for ln in text.splitlines()[1:-3]])
