"""Issue #16 items 6 and 7: Keras 3's input-rank rule, and no data gives a clear error."""
import numpy as np
import pytest

from tapeflow import keras


def _one_feature_model(functional=False):
    keras.utils.set_random_seed(0)
    if functional:
        inputs = keras.Input((1,))
        model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    else:
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    return model


@pytest.mark.parametrize("functional", [False, True])
def test_one_dimensional_x_for_input_of_shape_1(functional):
    """TF's "basic regression": x of shape (n,) for a model built on Input((1,))."""
    model = _one_feature_model(functional)
    x = np.arange(8.0)
    history = model.fit(x, 2 * x, epochs=2, batch_size=4, verbose=0)
    assert len(history.history["loss"]) == 2
    same = model.predict(x[:, None], verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), same)
    assert model(x).shape == (8, 1)
    assert model.evaluate(x, 2 * x, verbose=0) == model.evaluate(x[:, None], 2 * x, verbose=0)


def test_trailing_axis_of_one_is_squeezed():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    assert model(np.ones((2, 3, 1))).shape == (2, 1)


def test_other_rank_mismatch_is_an_error_with_both_shapes():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"expected shape \(None, 3\).*\(3,\)"):
        model(np.ones(3))


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_zero_samples(method):
    model = _one_feature_model()
    args = (np.zeros((0, 1)),) if method == "predict" else (np.zeros((0, 1)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match=r"0 samples \(x of shape \(0, 1\)\)"):
        getattr(model, method)(*args, verbose=0)


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_x_none(method):
    model = _one_feature_model()
    with pytest.raises(ValueError, match=r"No data: `x` is None"):
        getattr(model, method)(None, verbose=0)
    if method != "predict":
        with pytest.raises(ValueError, match=r"y was given, x was None"):
            getattr(model, method)(None, np.ones((3, 1)), verbose=0)


@pytest.mark.filterwarnings("ignore:Your input ran out of data")
@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_empty_generator(method):
    model = _one_feature_model()
    with pytest.raises(ValueError, match=f"given to `{method}` produced no batches"):
        getattr(model, method)(iter([]), verbose=0)
