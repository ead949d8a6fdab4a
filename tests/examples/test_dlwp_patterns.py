"""Chollet's *Deep Learning with Python* (2nd edition) notebooks, chapters 2-8, in compact
form: each test runs a chapter's cells as written (``tensorflow`` -> ``tapeflow`` in the
imports only) on tiny data, with golden values from the book or checkable by hand.

The notebooks were run cell by cell on the real datasets (or, where they cannot be
downloaded here, same-format stand-ins); the patterns that broke are pinned here:
``Metric.add_weight`` (ch. 7's RootMeanSquaredError), a custom ``train_step`` whose
``metrics`` property lists its own trackers (ch. 7: the epoch logs were the unused
built-in tracker's 0.0), and Keras 3's metric names for a subclassed multi-output model.
"""
import math
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers

LN10 = math.log(10.0)  # cross-entropy of a uniform 10-way softmax


# --- chapter 2: the first network, then the same one from scratch -------------------------
class NaiveDense:
    def __init__(self, input_size, output_size, activation):
        self.activation = activation
        w_initial_value = tf.random.uniform((input_size, output_size), minval=0, maxval=1e-1)
        self.W = tf.Variable(w_initial_value)
        self.b = tf.Variable(tf.zeros((output_size,)))

    def __call__(self, inputs):
        return self.activation(tf.matmul(inputs, self.W) + self.b)

    @property
    def weights(self):
        return [self.W, self.b]


def test_ch2_training_step_from_scratch():
    """One step of the book's ``one_training_step`` with hand-checkable numbers: zero
    weights give a uniform softmax (loss ln 10) and d(loss)/db_k = 0.1 - freq(k)."""
    layer = NaiveDense(input_size=6, output_size=10, activation=tf.nn.softmax)
    assert 0 <= float(tf.reduce_min(layer.W)) and float(tf.reduce_max(layer.W)) < 0.1
    layer.W.assign(tf.zeros((6, 10)))
    images = np.random.default_rng(0).random((8, 6)).astype("float32")
    labels = np.array([0, 1, 2, 3, 4, 5, 6, 0])
    with tf.GradientTape() as tape:
        predictions = layer(images)
        per_sample_losses = tf.keras.losses.sparse_categorical_crossentropy(labels, predictions)
        average_loss = tf.reduce_mean(per_sample_losses)
    gradients = tape.gradient(average_loss, layer.weights)
    assert f"{average_loss:.5f}" == f"{LN10:.5f}"
    freq = np.bincount(labels, minlength=10) / 8
    np.testing.assert_allclose(gradients[1].numpy(), 0.1 - freq, atol=1e-6)
    for g, w in zip(gradients, layer.weights):      # update_weights, by hand
        w.assign_sub(g * 1e-3)
    np.testing.assert_allclose(layer.b.numpy(), -1e-3 * (0.1 - freq), atol=1e-9)
    optimizer = keras.optimizers.SGD(learning_rate=1e-3)   # ... then with an optimizer
    optimizer.apply_gradients(zip(gradients, layer.weights))
    np.testing.assert_allclose(layer.b.numpy(), -2e-3 * (0.1 - freq), atol=1e-9)
    predicted_labels = np.argmax(layer(images).numpy(), axis=1)
    assert predicted_labels.shape == (8,)


# --- chapter 3: TensorFlow and Keras basics ------------------------------------------------
def test_ch3_variables_and_tapes():
    v = tf.Variable(initial_value=tf.random.normal(shape=(3, 1)))
    v.assign(tf.ones((3, 1)))
    v[0, 0].assign(3.)
    v.assign_add(tf.ones((3, 1)))
    assert v.numpy().ravel().tolist() == [4.0, 2.0, 2.0]
    input_const = tf.constant(3.)
    with tf.GradientTape() as tape:
        tape.watch(input_const)
        result = tf.square(input_const)
    assert float(tape.gradient(result, input_const)) == 6.0
    # the nested tapes (acceleration 9.8) are tests/function/test_autodiff_guide.py's


def test_ch3_linear_classifier_step():
    """The book's ``training_step``: from W = 0, b = 0 the MSE gradient is
    -2/N X^T t for W and -2 mean(t) for b."""
    inputs = np.array([[0., 3.], [1., 2.], [3., 0.], [2., 1.]], np.float32)
    targets = np.array([[0.], [0.], [1.], [1.]], np.float32)
    W = tf.Variable(initial_value=tf.zeros(shape=(2, 1)))
    b = tf.Variable(initial_value=tf.zeros(shape=(1,)))
    with tf.GradientTape() as tape:
        predictions = tf.matmul(inputs, W) + b
        loss = tf.reduce_mean(tf.square(targets - predictions))
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * 0.1)
    b.assign_sub(grad_loss_wrt_b * 0.1)
    assert f"{loss:.4f}" == "0.5000"
    np.testing.assert_allclose(W.numpy(), 0.1 * 2 / 4 * inputs.T @ targets)
    np.testing.assert_allclose(b.numpy(), [0.1 * 2 * 0.5])


def test_ch3_simple_dense_and_compile_by_name():
    class SimpleDense(keras.layers.Layer):
        def __init__(self, units, activation=None):
            super().__init__()
            self.units = units
            self.activation = activation

        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            y = tf.matmul(inputs, self.W) + self.b
            return y if self.activation is None else self.activation(y)

    assert SimpleDense(units=32, activation=tf.nn.relu)(tf.ones(shape=(2, 784))).shape == (2, 32)
    x = np.random.default_rng(1).random((40, 2)).astype("float32")
    y = (x[:, :1] > 0.5).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mean_squared_error", metrics=["accuracy"])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
                  loss=keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.BinaryAccuracy()])
    history = model.fit(x[:28], y[:28], epochs=2, batch_size=16, verbose=0,
                        validation_data=(x[28:], y[28:]))
    assert sorted(history.history) == ["binary_accuracy", "loss", "val_binary_accuracy",
                                       "val_loss"]
    assert model.predict(x[28:], batch_size=128, verbose=0).shape == (12, 1)


# --- chapters 4 and 5: classification, regression, regularization --------------------------
def test_ch4_ch5_patterns():
    rng = np.random.default_rng(2)
    sequences = [list(rng.integers(1, 100, rng.integers(3, 9))) for _ in range(60)]
    x_train = np.zeros((len(sequences), 100))
    for i, sequence in enumerate(sequences):     # vectorize_sequences
        x_train[i, sequence] = 1.
    labels = np.arange(60) % 3
    one_hot = keras.utils.to_categorical(labels)
    assert one_hot.shape == (60, 3) and one_hot[4].tolist() == [0., 1., 0.]
    model = keras.Sequential([
        layers.Dense(16, kernel_regularizer=keras.regularizers.l2(0.002), activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, one_hot, epochs=1, batch_size=16, validation_split=0.4,
                        verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    kernel = model.layers[0].kernel.numpy()
    assert float(sum(model.losses)) == pytest.approx(0.002 * np.sum(kernel ** 2), rel=1e-5)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    loss, acc = model.evaluate(x_train, labels, verbose=0)
    predictions = model.predict(x_train, verbose=0)
    assert predictions.shape == (60, 3)
    assert np.sum(predictions[0]) == pytest.approx(1.0, abs=1e-5)
    assert acc == pytest.approx(np.mean(predictions.argmax(1) == labels))
    assert str(keras.regularizers.l1_l2(l1=0.001, l2=0.001)) == "L1L2(l1=0.001, l2=0.001)"


# --- chapter 7: working with Keras ---------------------------------------------------------
class RootMeanSquaredError(keras.metrics.Metric):
    """The book's custom metric, state made with ``add_weight``."""

    def __init__(self, name="rmse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
        self.total_samples = self.add_weight(
            name="total_samples", initializer="zeros", dtype="int32")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.one_hot(y_true, depth=tf.shape(y_pred)[1])
        mse = tf.reduce_sum(tf.square(y_true - y_pred))
        self.mse_sum.assign_add(mse)
        self.total_samples.assign_add(tf.shape(y_pred)[0])

    def result(self):
        return tf.sqrt(self.mse_sum / tf.cast(self.total_samples, tf.float32))

    def reset_state(self):
        self.mse_sum.assign(0.)
        self.total_samples.assign(0)


def test_ch7_metric_add_weight():
    m = RootMeanSquaredError()
    assert [v.path for v in m.variables] == ["rmse/mse_sum", "rmse/total_samples"]
    assert m.total_samples.dtype == tf.int32 and m.mse_sum.shape == ()
    # squared errors: 0 + (0.5^2 + 0.5^2) over 2 samples -> sqrt(0.25)
    m.update_state(np.array([0, 1]), np.array([[1., 0.], [0.5, 0.5]], np.float32))
    assert float(m.result()) == pytest.approx(0.5)
    m.reset_state()
    assert int(m.total_samples.numpy()) == 0
    with pytest.raises(ValueError, match="initializer=None"):
        m.add_weight(name="unset")
    model = keras.Sequential([layers.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", RootMeanSquaredError()])
    x, y = np.random.default_rng(3).random((20, 4)), np.arange(20) % 3
    history = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert sorted(history.history) == ["accuracy", "loss", "rmse", "val_accuracy",
                                       "val_loss", "val_rmse"]
    probs = model.predict(x, verbose=0)
    rmse = model.evaluate(x, y, verbose=0, return_dict=True)["rmse"]
    assert rmse == pytest.approx(np.sqrt(np.sum((np.eye(3)[y] - probs) ** 2) / 20), rel=1e-5)


def test_ch7_custom_train_step_with_its_own_metrics():
    """Epoch logs are the overridden ``metrics`` property's results (they were the unused
    built-in loss tracker's 0.0). Zero weights and learning rate 0: every loss is ln 10."""
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    loss_tracker = keras.metrics.Mean(name="loss")
    optimizer = keras.optimizers.SGD(learning_rate=0.0)

    class CustomModel(keras.Model):
        def train_step(self, data):
            inputs, targets = data
            with tf.GradientTape() as tape:
                predictions = self(inputs, training=True)
                loss = loss_fn(targets, predictions)
            gradients = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(gradients, model.trainable_weights))
            loss_tracker.update_state(loss)
            return {"loss": loss_tracker.result()}

        @property
        def metrics(self):
            return [loss_tracker]

    inputs = keras.Input(shape=(5,))
    outputs = layers.Dense(10, activation="softmax", kernel_initializer="zeros")(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop())
    x, y = np.random.default_rng(4).random((64, 5)), np.arange(64) % 10
    history = model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [LN10, LN10], rtol=1e-6)
    assert {k: float(v) for k, v in model.get_metrics_result().items()} == \
        {"loss": pytest.approx(LN10)}


def test_ch7_compiled_loss_and_compiled_metrics():
    class CustomModel(keras.Model):
        def train_step(self, data):
            inputs, targets = data
            with tf.GradientTape() as tape:
                predictions = self(inputs, training=True)
                loss = self.compiled_loss(targets, predictions)
            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
            self.compiled_metrics.update_state(targets, predictions)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(5,))
    outputs = layers.Dense(10, activation="softmax")(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer=keras.optimizers.RMSprop(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(np.random.default_rng(5).random((64, 5)), np.arange(64) % 10,
                        epochs=1, verbose=0)
    assert "sparse_categorical_accuracy" in history.history


def ticket_data(n=32, vocabulary_size=20, num_tags=6, num_departments=4):
    rng = np.random.default_rng(6)
    inputs = {"title": rng.integers(0, 2, (n, vocabulary_size)),
              "text_body": rng.integers(0, 2, (n, vocabulary_size)),
              "tags": rng.integers(0, 2, (n, num_tags))}
    targets = [rng.random((n, 1)), rng.integers(0, 2, (n, num_departments))]
    return inputs, targets


def test_ch7_multi_output_metric_names_follow_keras_3():
    """Names from Keras 3.15.1: a functional model prefixes its output names; a subclassed
    model (no output names) names per-output losses after the loss and keeps metrics'
    own names (it printed output_1_loss, output_2_accuracy, ...)."""
    data, targets = ticket_data()
    title = keras.Input(shape=(20,), name="title")
    text_body = keras.Input(shape=(20,), name="text_body")
    tags = keras.Input(shape=(6,), name="tags")
    features = layers.Dense(8, activation="relu")(layers.Concatenate()([title, text_body, tags]))
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(4, activation="softmax", name="department")(features)
    functional = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])

    class CustomerTicketModel(keras.Model):
        def __init__(self, num_departments):
            super().__init__()
            self.concat_layer = layers.Concatenate()
            self.mixing_layer = layers.Dense(8, activation="relu")
            self.priority_scorer = layers.Dense(1, activation="sigmoid")
            self.department_classifier = layers.Dense(num_departments, activation="softmax")

        def call(self, inputs):
            features = self.concat_layer([inputs["title"], inputs["text_body"],
                                          inputs["tags"]])
            features = self.mixing_layer(features)
            return self.priority_scorer(features), self.department_classifier(features)

    expected = {
        "functional": ["department_accuracy", "department_loss", "loss", "priority_loss",
                       "priority_mean_absolute_error"],
        "subclassed": ["accuracy", "categorical_crossentropy_loss", "loss",
                       "mean_absolute_error", "mean_squared_error_loss"]}
    for kind, model in (("functional", functional), ("subclassed", CustomerTicketModel(4))):
        model.compile(optimizer="rmsprop",
                      loss=["mean_squared_error", "categorical_crossentropy"],
                      metrics=[["mean_absolute_error"], ["accuracy"]])
        history = model.fit(data, targets, epochs=1, verbose=0)
        assert sorted(history.history) == expected[kind], kind
        logs = model.evaluate(data, targets, verbose=0, return_dict=True)
        as_list = model.evaluate(data, targets, verbose=0)
        order = {"functional": ["loss", "priority_loss", "department_loss",
                                "department_accuracy", "priority_mean_absolute_error"],
                 "subclassed": ["loss", "mean_absolute_error", "accuracy",
                                "mean_squared_error_loss", "categorical_crossentropy_loss"]}
        assert as_list == pytest.approx([logs[k] for k in order[kind]]), kind
        priority_preds, department_preds = model.predict(data, verbose=0)
        assert priority_preds.shape == (32, 1) and department_preds.shape == (32, 4)


def test_ch7_callbacks_and_low_level_loops(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x = np.random.default_rng(7).random((96, 8)).astype("float32")
    y = np.arange(96) % 10

    def get_mnist_model():
        inputs = keras.Input(shape=(8,))
        features = layers.Dropout(0.5)(layers.Dense(16, activation="relu")(inputs))
        return keras.Model(inputs, layers.Dense(10, activation="softmax")(features))

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses, self.epochs = [], []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

        def on_epoch_end(self, epoch, logs):
            self.epochs.append(len(self.per_batch_losses))
            self.per_batch_losses = []

    history_cb = LossHistory()
    callbacks_list = [
        keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2),
        keras.callbacks.ModelCheckpoint(filepath="checkpoint_path.keras", monitor="val_loss",
                                        save_best_only=True),
        history_cb]
    model = get_mnist_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[:64], y[:64], epochs=2, callbacks=callbacks_list, verbose=0,
              validation_data=(x[64:], y[64:]))
    assert history_cb.epochs == [2, 2]       # 64 samples in batches of 32
    model = keras.models.load_model("checkpoint_path.keras")

    metric = keras.metrics.SparseCategoricalAccuracy()
    metric.update_state([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert f"result: {metric.result():.2f}" == "result: 1.00"
    mean_tracker = keras.metrics.Mean()
    for value in [0, 1, 2, 3, 4]:
        mean_tracker.update_state(value)
    assert f"Mean of values: {mean_tracker.result():.2f}" == "Mean of values: 2.00"

    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    metrics = [keras.metrics.SparseCategoricalAccuracy()]
    loss_tracking_metric = keras.metrics.Mean()

    @tf.function
    def test_step(inputs, targets):
        predictions = model(inputs, training=False)
        loss = loss_fn(targets, predictions)
        logs = {}
        for metric in metrics:
            metric.update_state(targets, predictions)
            logs["val_" + metric.name] = metric.result()
        loss_tracking_metric.update_state(loss)
        logs["val_loss"] = loss_tracking_metric.result()
        return logs

    val_dataset = tf.data.Dataset.from_tensor_slices((x[64:], y[64:])).batch(8)
    for inputs_batch, targets_batch in val_dataset:
        logs = test_step(inputs_batch, targets_batch)
    loss, acc = model.evaluate(x[64:], y[64:], verbose=0)
    assert float(logs["val_loss"]) == pytest.approx(loss, rel=1e-5)
    assert float(logs["val_sparse_categorical_accuracy"]) == pytest.approx(acc)


# --- chapter 8: convnets and a small image dataset on disk -------------------------------
def test_ch8_parameter_counts_match_the_book():
    inputs = keras.Input(shape=(180, 180, 3))
    x = layers.Rescaling(1./255)(inputs)
    for filters in (32, 64, 128, 256):
        x = layers.Conv2D(filters=filters, kernel_size=3, activation="relu")(x)
        x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
    assert keras.Model(inputs=inputs, outputs=outputs).count_params() == 991_041
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(x))
    assert keras.Model(inputs=inputs, outputs=outputs).count_params() == 712_202


def test_ch8_cats_vs_dogs_layout(tmp_path, monkeypatch, capsys):
    """The book's make_subset layout (train/validation/test with cat/ and dog/) of random
    JPEGs of assorted sizes, read by image_dataset_from_directory, augmented, trained on,
    checkpointed and reloaded."""
    from PIL import Image
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(8)
    for subset, count in (("train", 6), ("validation", 2), ("test", 2)):
        for category in ("cat", "dog"):
            os.makedirs(f"cats_vs_dogs_small/{subset}/{category}")
            for i in range(count):
                h, w = rng.integers(20, 50, 2)
                Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).save(
                    f"cats_vs_dogs_small/{subset}/{category}/{category}.{i}.jpg")
    datasets = [keras.utils.image_dataset_from_directory(
        f"cats_vs_dogs_small/{subset}", image_size=(24, 24), batch_size=8)
        for subset in ("train", "validation", "test")]
    train_dataset, validation_dataset, test_dataset = datasets
    assert "Found 12 files belonging to 2 classes." in capsys.readouterr().out
    assert train_dataset.class_names == ["cat", "dog"]
    for data_batch, labels_batch in train_dataset:
        assert data_batch.shape == (8, 24, 24, 3) and labels_batch.shape == (8,)
        break
    data_augmentation = keras.Sequential([layers.RandomFlip("horizontal"),
                                          layers.RandomRotation(0.1), layers.RandomZoom(0.2)])
    for images, _ in train_dataset.take(1):
        assert data_augmentation(images)[0].numpy().astype("uint8").shape == (24, 24, 3)
    inputs = keras.Input(shape=(24, 24, 3))
    x = layers.Rescaling(1./255)(data_augmentation(inputs))
    x = layers.MaxPooling2D(pool_size=2)(layers.Conv2D(4, 3, activation="relu")(x))
    x = layers.Dropout(0.5)(layers.Flatten()(x))
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    callbacks = [keras.callbacks.ModelCheckpoint(filepath="convnet_from_scratch.keras",
                                                 save_best_only=True, monitor="val_loss")]
    history = model.fit(train_dataset, epochs=1, validation_data=validation_dataset,
                        callbacks=callbacks, verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    test_model = keras.models.load_model("convnet_from_scratch.keras")
    test_loss, test_acc = test_model.evaluate(test_dataset, verbose=0)
    assert test_acc in (0.0, 0.25, 0.5, 0.75, 1.0)
    dataset = tf.data.Dataset.from_tensor_slices(np.random.normal(size=(40, 16)))
    assert [e.shape for e in dataset.map(lambda x: tf.reshape(x, (4, 4))).take(2)] == \
        [(4, 4), (4, 4)]


def test_ch8_pretrained_vgg16_conv_base():
    # weights=None: the ImageNet file is a download (tests/keras/applications serve one)
    conv_base = keras.applications.vgg16.VGG16(weights=None, include_top=False,
                                               input_shape=(180, 180, 3))
    assert conv_base.count_params() == 14_714_688  # Chollet's summary
    assert conv_base.output.shape == (None, 5, 5, 512)
