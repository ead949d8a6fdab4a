"""Bad input gets errors a learner can act on."""
import numpy as np
import pytest

from tapeflow import keras


X = np.ones((6, 2))
Y = np.ones((6, 1))


def test_fit_before_compile():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    for call in (lambda: model.fit(X, Y), lambda: model.evaluate(X, Y),
                 lambda: model.train_on_batch(X, Y)):
        with pytest.raises(ValueError, match=r"call `compile\(\)` before"):
            call()
    assert model.predict(X, verbose=0).shape == (6, 1)  # predict needs no compile


def test_length_mismatch_names_both_lengths(linear_model):
    with pytest.raises(ValueError, match=r"x sizes: 6.*y sizes: 5"):
        linear_model().fit(X, Y[:5], verbose=0)


def test_validation_split_out_of_range(linear_model):
    for bad in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"validation_split must be a float in \[0, 1\)"):
            linear_model().fit(X, Y, validation_split=bad, verbose=0)


def test_validation_split_with_a_generator_explains(linear_model):
    gen = ((X, Y) for _ in range(2))
    with pytest.raises(ValueError, match="validation_data=\\(x_val, y_val\\)"):
        linear_model().fit(gen, validation_split=0.2, verbose=0)


def test_label_errors_from_the_loss_surface_unchanged():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    labels = np.array([0, 1, 2, 3, 1, 0])  # 3 is out of range for 3 classes
    with pytest.raises(Exception) as from_fit:
        model.fit(X, labels, verbose=0)
    with pytest.raises(Exception) as direct:
        keras.losses.get("sparse_categorical_crossentropy")(labels, model.predict(X, verbose=0))
    assert type(from_fit.value) is type(direct.value)
    assert str(from_fit.value) == str(direct.value)


def test_no_loss_to_compute():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(X, Y, verbose=0)


def test_missing_targets(linear_model):
    with pytest.raises(ValueError, match="no targets"):
        linear_model().fit(X, verbose=0)


def test_bad_verbose_and_batch_size(linear_model):
    with pytest.raises(ValueError, match="verbose"):
        linear_model().fit(X, Y, verbose=3)
    with pytest.raises(ValueError, match="batch_size"):
        linear_model().fit(X, Y, batch_size=0, verbose=0)


def test_class_weight_with_sample_weight(linear_model):
    with pytest.raises(ValueError, match="class_weight"):
        linear_model().fit(X, Y, class_weight={1: 2.0}, sample_weight=np.ones(6), verbose=0)


def test_metrics_must_be_a_list():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"metrics=\['mae'\]"):
        model.compile(loss="mse", metrics="mae")


def test_multi_output_loss_list_length():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(1)(inputs)])
    model.compile(optimizer="sgd", loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match="as many entries as the model has outputs"):
        model.fit(X, [Y, Y], verbose=0)
