"""Patterns of TensorFlow's tutorials that failed before (tutorials/keras/regression,
overfit_and_underfit, save_and_load; guide/data's CSV sections), on small stand-in data
of the same format."""
import gzip

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import layers

MISSING_CSV = "1,2,3,4\n,2,3,4\n1,,3,4\n1,2,,4\n1,2,3,\n,,,\n"


def test_guide_csv_dataset_defaults_and_select_cols(tmp_path):
    path = tmp_path / "missing.csv"
    path.write_text(MISSING_CSV)
    dataset = tf.data.experimental.CsvDataset(str(path), [999, 999, 999, 999])
    dataset = dataset.map(lambda *items: tf.stack(items))
    assert [line.numpy().tolist() for line in dataset] == [
        [1, 2, 3, 4], [999, 2, 3, 4], [1, 999, 3, 4], [1, 2, 999, 4], [1, 2, 3, 999],
        [999, 999, 999, 999]]
    dataset = tf.data.experimental.CsvDataset(str(path), [999, 999], select_cols=[1, 3])
    assert [[int(v) for v in line] for line in dataset] == [
        [2, 4], [2, 4], [999, 4], [2, 4], [2, 999], [999, 999]]
    required = tf.data.experimental.CsvDataset(str(path), [tf.int32] * 4)
    with pytest.raises(ValueError, match="empty"):
        list(required)


def _titanic(tmp_path):
    path = tmp_path / "train.csv"
    rows = ["0,male,22.0,1,7.25,Third", "1,female,38.0,1,71.2833,First",
            "1,female,26.0,0,7.925,Third"]
    path.write_text("survived,sex,age,n_siblings_spouses,fare,class\n" + "\n".join(rows))
    return str(path)


def test_guide_make_csv_dataset_and_typed_csv_dataset(tmp_path):
    titanic_file = _titanic(tmp_path)
    batches = tf.data.experimental.make_csv_dataset(titanic_file, batch_size=4,
                                                    label_name="survived", num_epochs=1,
                                                    shuffle=False)
    feature_batch, label_batch = next(iter(batches))
    assert label_batch.numpy().tolist() == [0, 1, 1] and label_batch.dtype == tf.int32
    assert sorted(feature_batch) == ["age", "class", "fare", "n_siblings_spouses", "sex"]
    assert feature_batch["age"].dtype == tf.float32
    assert feature_batch["n_siblings_spouses"].numpy().tolist() == [1, 1, 0]
    selected = tf.data.experimental.make_csv_dataset(
        titanic_file, batch_size=4, label_name="survived",
        select_columns=['class', 'fare', 'survived'], num_epochs=1)
    assert sorted(next(iter(selected))[0]) == ["class", "fare"]
    types = [tf.int32, tf.string, tf.float32, tf.int32, tf.float32, tf.string]
    first = next(iter(tf.data.experimental.CsvDataset(titanic_file, types, header=True)))
    assert [v.dtype for v in first] == types and float(first[4]) == 7.25


def test_overfit_tutorial_gzip_csv_pack_row_and_schedule(tmp_path):
    gz = str(tmp_path / "HIGGS.csv.gz")
    rows = np.arange(40, dtype=np.float32).reshape(10, 4)
    with gzip.open(gz, "wt") as f:
        f.write("\n".join(",".join(str(v) for v in r) for r in rows) + "\n")
    FEATURES = 3
    ds = tf.data.experimental.CsvDataset(gz, [float(), ] * (FEATURES + 1),
                                         compression_type="GZIP")

    def pack_row(*row):
        label = row[0]
        features = tf.stack(row[1:], 1)
        return features, label

    packed_ds = ds.batch(4).map(pack_row).unbatch()
    features, label = next(iter(packed_ds.skip(2)))
    assert features.numpy().tolist() == [9.0, 10.0, 11.0] and float(label) == 8.0
    lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
        0.001, decay_steps=1000, decay_rate=1, staircase=False)
    lr = lr_schedule(np.linspace(0, 3000, 4))  # the tutorial plots lr against the steps
    np.testing.assert_allclose(lr.numpy(), [0.001, 0.0005, 0.001 / 3, 0.00025], rtol=1e-6)
    staircase = tf.keras.optimizers.schedules.ExponentialDecay(1.0, 10, 0.5, staircase=True)
    assert staircase(np.array([0, 9, 10, 25])).numpy().tolist() == [1.0, 1.0, 0.5, 0.25]
    pieces = tf.keras.optimizers.schedules.PiecewiseConstantDecay([5, 10], [1.0, 0.5, 0.1])
    np.testing.assert_allclose(pieces(np.array([0, 5, 6, 11])).numpy(), [1, 1, 0.5, 0.1])


def test_normalization_mean_and_variance_after_adapt():
    x = np.array([[1.0, 10.0], [3.0, 30.0]], np.float32)
    normalizer = tf.keras.layers.Normalization(axis=-1)
    with pytest.raises(AttributeError):
        normalizer.mean
    normalizer.adapt(x)
    assert normalizer.mean.numpy().tolist() == [[2.0, 20.0]]   # shape (1, features)
    assert normalizer.variance.numpy().tolist() == [[1.0, 100.0]]
    scalar = layers.Normalization(input_shape=[1, ], axis=None)
    scalar.adapt(np.array([1.0, 2.0, 3.0]))
    assert scalar.mean.numpy().tolist() == [2.0]  # Keras 3.15.1: shape (1,)
    given = layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    given.build((None, 2))
    assert given.mean.numpy().tolist() == [[1.0, 2.0]]


def test_object_arrays_of_numbers_are_model_data():
    # np.array(DataFrame) of int, float and bool columns is an object array (regression)
    x = np.array([[4, 90.0, False], [8, 150.0, True], [6, 100.0, False]], dtype=object)
    y = np.array([30.0, 15.0, 22.0])
    model = tf.keras.Sequential([layers.Dense(1)])
    model.compile(loss="mean_absolute_error", optimizer="adam")
    model.fit(x, y, epochs=1, verbose=0)
    assert model.predict(x, verbose=0).shape == (3, 1)
    with pytest.raises(TypeError, match="Python objects"):
        model.predict(np.array([[object()]], dtype=object), verbose=0)


def test_regression_tutorial_with_pandas():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n = 40
    dataset = pd.DataFrame({"MPG": rng.uniform(10, 40, n), "Cylinders": rng.choice([4, 6, 8], n),
                            "Horsepower": rng.uniform(50, 200, n),
                            "Origin": rng.choice([1, 2, 3], n)})
    dataset['Origin'] = dataset['Origin'].map({1: 'USA', 2: 'Europe', 3: 'Japan'})
    dataset = pd.get_dummies(dataset, columns=['Origin'], prefix='', prefix_sep='')
    train_dataset = dataset.sample(frac=0.8, random_state=0)
    test_dataset = dataset.drop(train_dataset.index)
    train_features, test_features = train_dataset.copy(), test_dataset.copy()
    train_labels = train_features.pop('MPG')
    test_labels = test_features.pop('MPG')
    normalizer = tf.keras.layers.Normalization(axis=-1)
    normalizer.adapt(np.array(train_features))
    np.testing.assert_allclose(normalizer.mean.numpy()[0],
                               train_features.astype(float).mean().to_numpy(), rtol=1e-5)
    horsepower = np.array(train_features['Horsepower'])
    horsepower_normalizer = layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
    horsepower_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
                             loss='mean_absolute_error')
    history = horsepower_model.fit(train_features['Horsepower'], train_labels, epochs=2,
                                   verbose=0, validation_split=0.2)
    assert sorted(pd.DataFrame(history.history)) == ["loss", "val_loss"]
    linear_model = tf.keras.Sequential([normalizer, layers.Dense(units=1)])
    linear_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
                         loss='mean_absolute_error')
    linear_model.fit(train_features, train_labels, epochs=2, verbose=0,
                     validation_split=0.2)
    assert linear_model.predict(test_features, verbose=0).shape == (len(test_features), 1)
    assert np.isfinite(linear_model.evaluate(test_features, test_labels, verbose=0))


def test_save_and_load_h5_restores_compiled_loss_and_metric_objects(tmp_path):
    model = tf.keras.Sequential([layers.Dense(8, activation='relu', input_shape=(4,)),
                                 layers.Dense(3)])
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy()])
    x = np.random.default_rng(0).random((16, 4)).astype(np.float32)
    y = np.arange(16) % 3
    model.fit(x, y, epochs=1, verbose=0)
    with pytest.warns(UserWarning, match="legacy"):
        model.save(str(tmp_path / 'my_model.h5'))
    new_model = tf.keras.models.load_model(str(tmp_path / 'my_model.h5'))
    loss, acc = new_model.evaluate(x, y, verbose=0)
    ref_loss, ref_acc = model.evaluate(x, y, verbose=0)
    assert loss == pytest.approx(ref_loss, rel=1e-6) and acc == pytest.approx(ref_acc)
    assert isinstance(new_model.loss, tf.keras.losses.SparseCategoricalCrossentropy)


def test_serialization_guide_registered_function_in_activation(tmp_path):
    from tapeflow import keras

    @keras.saving.register_keras_serializable(package="my_package", name="custom_fn")
    def custom_fn(x):
        return x ** 2

    layer = keras.layers.Activation(custom_fn)
    # Keras 3.15.1's config for a (registered) function
    assert layer.get_config()["activation"] == {
        "module": "builtins", "class_name": "function", "config": "my_package>custom_fn",
        "registered_name": "function"}
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, layer(inputs))
    model.save(str(tmp_path / "custom_model.keras"))
    del custom_fn
    reconstructed = keras.models.load_model(str(tmp_path / "custom_model.keras"))
    assert reconstructed.predict(np.full((1, 4), 3.0), verbose=0).tolist() == [[9.0] * 4]


def test_training_guide_metric_reads_variable_value_property():
    from tapeflow import keras
    from tapeflow.keras import ops

    class Total(keras.metrics.Metric):
        def __init__(self, name="total", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), name="total", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.total.assign_add(ops.cast(ops.shape(y_pred)[0], "float32"))

        def result(self):
            return self.total.value  # Keras 3: a property

        def reset_state(self):
            self.total.assign(0.0)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=[Total()])
    history = model.fit(np.zeros((10, 2)), np.zeros((10, 1)), batch_size=4, epochs=2,
                        verbose=0)
    assert history.history["total"] == [10.0, 10.0]
    v = tf.Variable(2.0)
    assert float(v.value) == 2.0 and float(v.value()) == 2.0  # TF's method form too


def test_training_guide_endpoint_layer_and_py_dataset():
    from tapeflow import keras
    from tapeflow.keras import ops

    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits, sample_weights=None):
            self.add_loss(self.loss_fn(targets, logits, sample_weights))
            return ops.softmax(logits)

    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)  # two KerasTensors
    assert predictions.shape == (None, 10)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")
    data = {"inputs": np.random.random((3, 3)), "targets": np.random.random((3, 10))}
    assert np.isfinite(model.fit(data, verbose=0).history["loss"][0])

    class ExamplePyDataset(keras.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.batch_size = x, y, batch_size
            self.epochs_ended = 0

        def __len__(self):
            return int(np.ceil(len(self.x) / float(self.batch_size)))

        def __getitem__(self, idx):
            s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
            return self.x[s], self.y[s]

        def on_epoch_end(self):
            self.epochs_ended += 1

    data = ExamplePyDataset(np.zeros((10, 2)), np.zeros((10, 1)), batch_size=4, workers=2,
                            use_multiprocessing=False)
    assert (data.workers, data.num_batches) == (2, 3)
    dense = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    dense.compile(optimizer="sgd", loss="mse")
    dense.fit(data, validation_data=data, epochs=2, verbose=0)
    assert data.epochs_ended >= 2 and keras.utils.Sequence is keras.utils.PyDataset
