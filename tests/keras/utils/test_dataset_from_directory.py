"""keras.utils.image_dataset_from_directory / text_dataset_from_directory: the load-images
tutorial's and Chollet's patterns on small files written by the test."""
import builtins
import os

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.utils.image_dataset import resize_bilinear

PIL = pytest.importorskip("PIL.Image", reason="Pillow is not installed: pip install "
                                              "'tapeflow[image]' to run the image tests")


def write_images(root, counts=(("daisy", 4), ("roses", 3)), size=(12, 9)):
    """PNG and JPEG files in one folder per class; pixel value = 20 * class + index."""
    for c, (name, n) in enumerate(counts):
        os.makedirs(root / name)
        for i in range(n):
            pixels = np.full((size[0], size[1], 3), 20 * c + i, np.uint8)
            ext = "png" if i % 2 == 0 else "jpg"
            PIL.fromarray(pixels).save(root / name / f"img{i}.{ext}")
    (root / "LICENSE.txt").write_text("not an image")
    return root


def test_load_images_tutorial_pattern(tmp_path, capsys):
    data_dir = write_images(tmp_path / "flower_photos")
    batch_size, img_height, img_width = 4, 6, 5
    train_ds = tf.keras.utils.image_dataset_from_directory(
        data_dir, validation_split=0.3, subset="training", seed=123,
        image_size=(img_height, img_width), batch_size=batch_size)
    val_ds = tf.keras.utils.image_dataset_from_directory(
        data_dir, validation_split=0.3, subset="validation", seed=123,
        image_size=(img_height, img_width), batch_size=batch_size)
    out = capsys.readouterr().out.splitlines()
    assert out == ["Found 7 files belonging to 2 classes.", "Using 5 files for training.",
                   "Found 7 files belonging to 2 classes.", "Using 2 files for validation."]
    class_names = train_ds.class_names
    assert class_names == ["daisy", "roses"]
    assert not set(train_ds.file_paths) & set(val_ds.file_paths)
    for image_batch, labels_batch in train_ds:
        assert image_batch.shape == (4, 6, 5, 3) and labels_batch.shape == (4,)
        assert image_batch.dtype == tf.float32 and labels_batch.dtype == tf.int32
        break
    normalization_layer = tf.keras.layers.Rescaling(1. / 255)
    normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
    image_batch, labels_batch = next(iter(normalized_ds))
    assert 0.0 <= float(np.min(image_batch)) and float(np.max(image_batch)) <= 1.0
    AUTOTUNE = tf.data.AUTOTUNE
    train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)
    images, labels = next(iter(train_ds))
    assert class_names[labels[0]] in class_names
    assert images[0].numpy().astype("uint8").shape == (6, 5, 3)
    num_classes = len(class_names)
    model = tf.keras.Sequential([
        tf.keras.layers.Rescaling(1. / 255),
        tf.keras.layers.Conv2D(4, 3, activation='relu'),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(8, activation='relu'),
        tf.keras.layers.Dense(num_classes)
    ])
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['accuracy'])
    history = model.fit(train_ds, validation_data=val_ds, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2


def test_labels_follow_the_files_and_pixels_survive(tmp_path):
    data_dir = write_images(tmp_path / "d", size=(6, 5))
    ds = keras.utils.image_dataset_from_directory(data_dir, image_size=(6, 5), batch_size=3,
                                                  shuffle=False, verbose=False)
    images, labels = zip(*[(x.numpy(), y.numpy()) for x, y in ds])
    images, labels = np.concatenate(images), np.concatenate(labels)
    assert labels.tolist() == [0, 0, 0, 0, 1, 1, 1]
    expected = [0, 1, 2, 3, 20, 21, 22]  # PNG exact; JPEG of a flat color within 2
    np.testing.assert_allclose(images[:, 2, 2, 0], expected, atol=2)
    assert [os.path.basename(p) for p in ds.file_paths][:2] == ["img0.png", "img1.jpg"]


def test_label_modes_color_modes_and_both_subsets(tmp_path):
    data_dir = write_images(tmp_path / "d")
    kwargs = dict(image_size=(4, 4), batch_size=8, verbose=False)
    _, y = next(iter(keras.utils.image_dataset_from_directory(
        data_dir, label_mode="categorical", **kwargs)))
    assert y.shape == (7, 2) and y.dtype == tf.float32
    x, y = next(iter(keras.utils.image_dataset_from_directory(
        data_dir, label_mode="binary", color_mode="grayscale", **kwargs)))
    assert y.shape == (7, 1) and x.shape == (7, 4, 4, 1)
    x = next(iter(keras.utils.image_dataset_from_directory(data_dir, label_mode=None,
                                                           **kwargs)))
    assert x.shape == (7, 4, 4, 3)
    train, val = keras.utils.image_dataset_from_directory(
        data_dir, validation_split=0.25, subset="both", seed=1, **kwargs)
    assert len(train.file_paths) == 6 and len(val.file_paths) == 1
    with pytest.raises(ValueError, match="you must provide a `seed`"):
        keras.utils.image_dataset_from_directory(data_dir, validation_split=0.2,
                                                 subset="training")


def test_bilinear_resize_is_tensorflows_half_pixel_formula():
    image = np.array([[0.0, 10.0], [20.0, 30.0]])[..., None]
    out = resize_bilinear(image, (4, 4))[..., 0]
    # TF: source coordinate (i + 0.5) * 2 / 4 - 0.5 = -0.25, 0.25, 0.75, 1.25 (clamped).
    np.testing.assert_allclose(out[0], [0.0, 2.5, 7.5, 10.0])
    np.testing.assert_allclose(out[:, 0], [0.0, 5.0, 15.0, 20.0])
    np.testing.assert_allclose(resize_bilinear(image, (1, 1))[0, 0, 0], 15.0)


def test_missing_pillow_names_the_extra_before_any_work(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match=r'pip install "tapeflow\[image\]"'):
        keras.utils.image_dataset_from_directory(tmp_path / "does-not-exist")


def test_text_dataset_chollet_pattern(tmp_path, capsys):
    for split, texts in [("neg", ["awful film", "boring", "bad plot"]),
                         ("pos", ["great", "loved it", "superb acting", "fine"])]:
        os.makedirs(tmp_path / "train" / split)
        for i, text in enumerate(texts):
            (tmp_path / "train" / split / f"{i}.txt").write_text(text)
    train_ds = keras.utils.text_dataset_from_directory(tmp_path / "train", batch_size=4,
                                                       max_length=5, seed=2)
    for inputs, targets in train_ds:
        assert inputs.shape == (4,) and inputs.dtype == tf.string
        assert targets.shape == (4,) and targets.dtype == tf.int32
        assert all(len(t) <= 5 for t in inputs.numpy())
        break
    text_only_train_ds = train_ds.map(lambda x, y: x)
    assert sum(int(x.shape[0]) for x in text_only_train_ds) == 7
    assert capsys.readouterr().out.startswith("Found 7 files belonging to 2 classes.")
    train, val = keras.utils.text_dataset_from_directory(
        tmp_path / "train", validation_split=0.3, subset="both", seed=5, verbose=False)
    assert len(train.file_paths) == 5 and len(val.file_paths) == 2
