"""TensorFlow's "Basic text classification" tutorial, unchanged but for the data: a tiny
folder of reviews written by the test, then text_dataset_from_directory -> adapt ->
map -> Embedding / GlobalAveragePooling1D / Dense -> fit -> the export model on raw
strings."""
import re
import string

import numpy as np

import tapeflow as tf
from tapeflow.keras import layers, losses

GOOD = ["great", "wonderful", "loved", "best"]
BAD = ["terrible", "awful", "hated", "worst"]


def _write_reviews(root):
    rng = np.random.RandomState(0)
    for label, words in (("pos", GOOD), ("neg", BAD)):
        folder = root / "train" / label
        folder.mkdir(parents=True)
        for i in range(12):
            tokens = list(rng.choice(["the", "movie", "was", "plot", "a"], 5)) + \
                list(rng.choice(words, 2))
            text = " ".join(tokens).capitalize() + ".<br />Really, " + words[i % 4] + "!"
            (folder / f"{i}.txt").write_text(text)


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, '<br />', ' ')
    return tf.strings.regex_replace(stripped_html, '[%s]' % re.escape(string.punctuation), '')


def test_basic_text_classification_tutorial(tmp_path):
    _write_reviews(tmp_path)
    raw_train_ds = tf.keras.utils.text_dataset_from_directory(
        str(tmp_path / "train"), batch_size=8, validation_split=0.25, subset='training',
        seed=42)
    raw_val_ds = tf.keras.utils.text_dataset_from_directory(
        str(tmp_path / "train"), batch_size=8, validation_split=0.25, subset='validation',
        seed=42)
    max_features, sequence_length = 100, 20
    vectorize_layer = layers.TextVectorization(
        standardize=custom_standardization, max_tokens=max_features, output_mode='int',
        output_sequence_length=sequence_length)
    train_text = raw_train_ds.map(lambda x, y: x)
    vectorize_layer.adapt(train_text)

    def vectorize_text(text, label):
        text = tf.expand_dims(text, -1)
        return vectorize_layer(text), label

    text_batch, label_batch = next(iter(raw_train_ds))
    first_review, first_label = text_batch[0], label_batch[0]
    vectorized, _ = vectorize_text(first_review, first_label)
    assert vectorized.shape == (1, sequence_length) and vectorized.dtype == tf.int64
    vocabulary = vectorize_layer.get_vocabulary()
    assert vocabulary[:2] == ["", "[UNK]"] and "really" in vocabulary
    assert "<br" not in " ".join(vocabulary)
    words = first_review.numpy().decode().lower().replace("<br />", " ")
    first_word = re.sub("[%s]" % re.escape(string.punctuation), "", words).split()[0]
    assert vocabulary[int(vectorized[0, 0])] == first_word

    train_ds = raw_train_ds.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)
    val_ds = raw_val_ds.map(vectorize_text).cache().prefetch(buffer_size=tf.data.AUTOTUNE)
    model = tf.keras.Sequential([
        layers.Embedding(max_features, 16), layers.Dropout(0.2),
        layers.GlobalAveragePooling1D(), layers.Dropout(0.2),
        layers.Dense(1, activation='sigmoid')])
    model.compile(loss=losses.BinaryCrossentropy(), optimizer='adam',
                  metrics=[tf.metrics.BinaryAccuracy(threshold=0.5)])
    history = model.fit(train_ds, validation_data=val_ds, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "binary_accuracy", "val_loss",
                                    "val_binary_accuracy"}

    export_model = tf.keras.Sequential([vectorize_layer, model, layers.Activation('sigmoid')])
    export_model.compile(loss=losses.BinaryCrossentropy(from_logits=False), optimizer="adam",
                         metrics=['accuracy'])
    metrics = export_model.evaluate(raw_val_ds, return_dict=True, verbose=0)
    assert set(metrics) == {"loss", "accuracy"}
    examples = tf.constant(["The movie was great!", "The movie was okay.",
                            "The movie was terrible..."])
    predictions = export_model.predict(examples, verbose=0)
    assert predictions.shape == (3, 1) and ((predictions > 0) & (predictions < 1)).all()
