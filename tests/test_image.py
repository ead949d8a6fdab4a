"""tf.image and tf.io: golden values by hand (half-pixel resampling weights, TensorFlow's
dtype-scaling rules, its docstring examples), float64 gradient checks of the composed
functions, and the cells of TensorFlow's "Data augmentation" tutorial on a small
random image."""
import numpy as np
import pytest

import tapeflow as tf

RNG = np.random.default_rng(7)


def _numeric_gradient(fn, x):
    out = fn(tf.constant(x))
    h = 1e-6 if out.dtype == tf.float64 else 1e-3      # a float32 result: a wider step
    w = RNG.uniform(0.5, 1.5, out.shape)
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (np.sum(fn(tf.constant(plus)).numpy() * w) -
                     np.sum(fn(tf.constant(minus)).numpy() * w)) / (2 * h)
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = fn(v)
        loss = tf.reduce_sum(y * tf.cast(tf.constant(w), y.dtype))
    return tape.gradient(loss, v).numpy(), grad


@pytest.mark.parametrize("fn", [
    lambda x: tf.image.resize(x, (5, 3)),
    lambda x: tf.image.resize(x, (2, 7), method="bicubic"),
    lambda x: tf.image.resize(x, (2, 2), method="area"),
    lambda x: tf.image.central_crop(tf.image.rot90(x, k=3), 0.5),
    lambda x: tf.image.resize_with_crop_or_pad(tf.image.flip_up_down(x), 6, 2),
    lambda x: tf.image.adjust_saturation(x, 1.7),
    lambda x: tf.image.adjust_contrast(tf.image.adjust_brightness(x, 0.1), 0.6),
    lambda x: tf.image.adjust_gamma(x, 2.0, gain=1.5),
    lambda x: tf.image.per_image_standardization(x),
    lambda x: tf.image.rgb_to_grayscale(tf.image.transpose(x)),
], ids=["bilinear", "bicubic", "area", "rot90-crop", "crop-or-pad", "saturation",
        "contrast", "gamma", "standardize", "grayscale"])
def test_gradients_match_central_differences(fn):
    x = RNG.uniform(0.1, 0.9, (2, 4, 4, 3))
    got, numeric = _numeric_gradient(fn, x)
    tol = 2e-3 if fn(tf.constant(x)).dtype == tf.float32 else 1e-5
    np.testing.assert_allclose(got, numeric, rtol=tol, atol=tol)


def test_resize_methods_golden_values():
    column = tf.constant([[[0.0]], [[1.0]]])                    # (2, 1, 1)
    up = lambda m: tf.image.resize(column, (4, 1), method=m).numpy()[:, 0, 0]  # noqa: E731
    np.testing.assert_allclose(up("bilinear"), [0.0, 0.25, 0.75, 1.0])
    np.testing.assert_allclose(up("nearest"), [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(up("bicubic"), [-0.0882353, 0.2071429, 0.7928571, 1.0882353],
                               atol=1e-6)                     # Keys a=-0.5, renormalized
    four = tf.constant(np.arange(4.0).reshape(4, 1, 1))
    np.testing.assert_allclose(tf.image.resize(four, (2, 1), method="area").numpy().ravel(),
                               [0.5, 2.5])
    pixels = tf.constant(np.arange(12, dtype=np.uint8).reshape(1, 2, 2, 3))
    near = tf.image.resize(pixels, (4, 4), method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    assert near.dtype == tf.uint8 and near.shape == (1, 4, 4, 3)
    assert tf.image.resize(pixels, (3, 3)).dtype == tf.float32
    wide = tf.zeros((10, 20, 3))
    assert tf.image.resize(wide, (8, 8), preserve_aspect_ratio=True).shape == (4, 8, 3)
    with pytest.raises(ValueError, match="tf.image.resize: method 'lanczos3'"):
        tf.image.resize(wide, (2, 2), method="lanczos3")
    with pytest.raises(ValueError, match=r"expected an image .*received shape \(10, 20\)"):
        tf.image.resize(tf.zeros((10, 20)), (2, 2))


def test_crops_pads_flips_rotations():
    x = tf.constant(np.arange(16.0).reshape(4, 4, 1))
    grid = lambda t: t.numpy()[..., 0].tolist()  # noqa: E731
    assert grid(tf.image.central_crop(x, 0.5)) == [[5.0, 6.0], [9.0, 10.0]]
    assert grid(tf.image.crop_to_bounding_box(x, 1, 2, 2, 1)) == [[6.0], [10.0]]
    padded = tf.image.pad_to_bounding_box(x[:2, :2], 1, 0, 3, 3)
    assert grid(padded) == [[0, 0, 0], [0, 1, 0], [4, 5, 0]]
    assert grid(tf.image.resize_with_crop_or_pad(x, 2, 2)) == [[5.0, 6.0], [9.0, 10.0]]
    assert tf.image.resize_with_crop_or_pad(x, 6, 3).shape == (6, 3, 1)
    small = tf.constant([[[1.0], [2.0]], [[3.0], [4.0]]])
    assert grid(tf.image.rot90(small)) == [[2.0, 4.0], [1.0, 3.0]]     # np.rot90
    assert grid(tf.image.rot90(small, k=2)) == [[4.0, 3.0], [2.0, 1.0]]
    assert grid(tf.image.rot90(small, k=3)) == [[3.0, 1.0], [4.0, 2.0]]
    assert grid(tf.image.flip_up_down(small)) == [[3.0, 4.0], [1.0, 2.0]]
    assert grid(tf.image.transpose(small)) == [[1.0, 3.0], [2.0, 4.0]]
    batch = tf.stack([small, small])
    assert tf.image.flip_left_right(batch).numpy()[1, :, :, 0].tolist() == [[2, 1], [4, 3]]
    with pytest.raises(ValueError, match="crop_to_bounding_box: the window"):
        tf.image.crop_to_bounding_box(x, 3, 3, 2, 2)


def test_dtype_conversion_follows_tensorflows_scaling():
    u8 = tf.constant([0, 128, 255], tf.uint8)
    np.testing.assert_allclose(tf.image.convert_image_dtype(u8, tf.float32).numpy(),
                               [0.0, 128 / 255, 1.0])
    back = tf.image.convert_image_dtype(tf.constant([0.0, 0.5, 1.0]), tf.uint8)
    assert back.numpy().tolist() == [0, 127, 255]             # x * 255.5, truncated
    assert tf.image.convert_image_dtype(u8, tf.int16).numpy().tolist() == [0, 16384, 32640]
    big = tf.constant([2 ** 31 - 1], tf.int32)
    assert tf.image.convert_image_dtype(big, tf.uint8).numpy().tolist() == [255]
    over = tf.image.convert_image_dtype(tf.constant([1.5]), tf.uint8, saturate=True)
    assert over.numpy().tolist() == [255]


def test_colour_adjustments_golden_values():
    pixel = tf.constant([[[0.5, 0.25, 0.25]]])
    np.testing.assert_allclose(tf.image.adjust_saturation(pixel, 2.0).numpy().ravel(),
                               [0.5, 0.0, 0.0])
    np.testing.assert_allclose(tf.image.adjust_saturation(pixel, 0.0).numpy().ravel(),
                               [0.5, 0.5, 0.5])
    np.testing.assert_allclose(tf.image.adjust_saturation(pixel, 0.5).numpy().ravel(),
                               [0.5, 0.375, 0.375])
    hsv = tf.image.rgb_to_hsv(tf.constant([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.25, 0.25]]))
    np.testing.assert_allclose(hsv.numpy(), [[0, 1, 1], [1 / 3, 1, 1], [0, 0.5, 0.5]],
                               atol=1e-6)
    np.testing.assert_allclose(tf.image.hsv_to_rgb(hsv).numpy(),
                               [[1, 0, 0], [0, 1, 0], [0.5, 0.25, 0.25]], atol=1e-6)
    column = tf.constant([[[1.0], [3.0]]])
    assert tf.image.adjust_contrast(column, 2.0).numpy().ravel().tolist() == [0.0, 4.0]
    assert tf.image.per_image_standardization(column).numpy().ravel().tolist() == [-1.0, 1.0]
    assert tf.image.adjust_gamma(tf.constant([[[0.5]]]), 2).numpy().item() == 0.25
    bright = tf.image.adjust_brightness(tf.constant([[[200]]], tf.uint8), 0.5)
    assert bright.dtype == tf.uint8 and bright.numpy().item() == 255   # saturated
    gray = tf.image.rgb_to_grayscale(tf.constant([[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]]))
    np.testing.assert_allclose(gray.numpy().ravel(), [0.2989, 0.7010], rtol=1e-6)
    assert tf.image.grayscale_to_rgb(gray).shape == (1, 2, 3)
    with pytest.raises(ValueError, match="adjust_saturation: expected RGB images"):
        tf.image.adjust_saturation(gray, 2.0)


def test_random_and_stateless_random_versions():
    image = tf.constant(RNG.uniform(size=(6, 8, 3)))
    for fn in (lambda s: tf.image.stateless_random_brightness(image, 0.5, seed=s),
               lambda s: tf.image.stateless_random_contrast(image, 0.2, 0.9, seed=s),
               lambda s: tf.image.stateless_random_saturation(image, 0.2, 0.9, seed=s),
               lambda s: tf.image.stateless_random_crop(image, [3, 4, 3], seed=s),
               lambda s: tf.image.stateless_random_flip_left_right(image, seed=s)):
        np.testing.assert_array_equal(fn((1, 2)).numpy(), fn((1, 2)).numpy())
    crops = {tf.image.stateless_random_crop(image, [3, 4, 3], seed=(i, 0)).numpy().tobytes()
             for i in range(8)}
    assert len(crops) > 1
    batch = tf.stack([image] * 16)
    flipped = tf.image.random_flip_left_right(batch, seed=3).numpy()
    is_flipped = [np.array_equal(f, image.numpy()[:, ::-1]) for f in flipped]
    assert 0 < sum(is_flipped) < 16                             # each image on its own
    delta = tf.image.random_brightness(image, 0.2).numpy() - image.numpy()
    assert np.ptp(delta) < 1e-12 and abs(delta.flat[0]) <= 0.2
    assert tf.image.random_crop(batch, [2, 3, 3, 3]).shape == (2, 3, 3, 3)
    with pytest.raises(ValueError, match=r"stateless_random_crop: expected seed=\(a, b\)"):
        tf.image.stateless_random_crop(image, [3, 4, 3], seed=1)


def test_data_augmentation_tutorial_cells():
    # tensorflow/docs site/en/tutorials/images/data_augmentation.ipynb, on a random image
    image = tf.constant(RNG.integers(0, 256, (20, 24, 3)).astype(np.uint8))
    image = tf.image.convert_image_dtype(image, tf.float32)
    assert tf.image.flip_left_right(image).shape == (20, 24, 3)
    assert tf.image.rgb_to_grayscale(image).shape == (20, 24, 1)
    assert tf.image.adjust_saturation(image, 3).shape == (20, 24, 3)
    assert tf.image.adjust_brightness(image, 0.4).shape == (20, 24, 3)
    assert tf.image.central_crop(image, central_fraction=0.5).shape == (10, 12, 3)
    assert tf.image.rot90(image).shape == (24, 20, 3)
    for i in range(3):
        seed = (i, 0)
        bright = tf.image.stateless_random_brightness(image, max_delta=0.95, seed=seed)
        contrast = tf.image.stateless_random_contrast(image, lower=0.1, upper=0.9, seed=seed)
        cropped = tf.image.stateless_random_crop(value=image, size=[10, 12, 3], seed=seed)
        assert bright.shape == contrast.shape == (20, 24, 3) and cropped.shape == (10, 12, 3)
    IMG_SIZE = 16  # noqa: N806 - the tutorial's name

    def resize_and_rescale(image, label):
        image = tf.cast(image, tf.float32)
        image = tf.image.resize(image, [IMG_SIZE, IMG_SIZE])
        image = (image / 255.0)
        return image, label

    def augment(image_label, seed):
        image, label = image_label
        image, label = resize_and_rescale(image, label)
        image = tf.image.resize_with_crop_or_pad(image, IMG_SIZE + 6, IMG_SIZE + 6)
        new_seed = tf.random.split(seed, num=1)[0, :]
        image = tf.image.stateless_random_crop(
            image, size=[IMG_SIZE, IMG_SIZE, 3], seed=seed)
        image = tf.image.stateless_random_brightness(image, max_delta=0.5, seed=new_seed)
        image = tf.clip_by_value(image, 0, 1)
        return image, label

    rng = tf.random.Generator.from_seed(123, alg="philox")

    def f(x, y):
        seed = rng.make_seeds(2)[0]
        image, label = augment((x, y), seed)
        return image, label

    out, label = f(image * 255.0, 3)
    assert out.shape == (IMG_SIZE, IMG_SIZE, 3) and label == 3
    assert 0.0 <= float(tf.reduce_min(out)) and float(tf.reduce_max(out)) <= 1.0
    again, _ = augment((image * 255.0, 3), tf.constant([5, 6]))
    np.testing.assert_array_equal(again.numpy(),
                                  augment((image * 255.0, 3), tf.constant([5, 6]))[0].numpy())


def test_seed_splitting_is_deterministic():
    seeds = tf.random.split([1, 2], num=3)
    assert seeds.shape == (3, 2) and seeds.dtype == tf.int32
    np.testing.assert_array_equal(seeds.numpy(),
                                  tf.random.experimental.stateless_split([1, 2], 3).numpy())
    assert not np.array_equal(seeds.numpy(), tf.random.split([1, 3], num=3).numpy())
    a, b = tf.random.Generator.from_seed(5), tf.random.Generator.from_seed(5)
    np.testing.assert_array_equal(a.make_seeds(2).numpy(), b.make_seeds(2).numpy())
    assert a.normal((2, 3)).shape == (2, 3) and a.uniform((4,), 0, 10, tf.int32).dtype == tf.int32
    with pytest.raises(ValueError, match=r"tf.random.split: expected a seed of shape \[2\]"):
        tf.random.split(7)


def test_io_reads_and_decodes_images(tmp_path):
    pil = pytest.importorskip("PIL.Image")
    pixels = RNG.integers(0, 256, (5, 7, 3)).astype(np.uint8)
    pil.fromarray(pixels).save(tmp_path / "a.png")
    flat = np.broadcast_to(np.uint8([200, 100, 50]), (5, 7, 3)).copy()
    pil.fromarray(flat).save(tmp_path / "a.jpg", quality=95)   # flat: JPEG keeps it
    data = tf.io.read_file(str(tmp_path / "a.png"))
    assert data.dtype == tf.string
    np.testing.assert_array_equal(tf.io.decode_png(data).numpy(), pixels)
    np.testing.assert_array_equal(tf.io.decode_image(data).numpy(), pixels)
    assert tf.io.decode_png(data, channels=1).shape == (5, 7, 1)
    as_float = tf.io.decode_image(data, dtype=tf.float32)
    np.testing.assert_allclose(as_float.numpy(), pixels / 255.0, rtol=1e-6)
    jpeg = tf.io.decode_jpeg(tf.io.read_file(str(tmp_path / "a.jpg")), channels=3)
    assert jpeg.dtype == tf.uint8 and jpeg.shape == (5, 7, 3)
    assert np.abs(jpeg.numpy().astype(int) - flat).max() <= 3
    with pytest.raises(ValueError, match="tf.io.decode_jpeg: expected JPEG or MPO data"):
        tf.io.decode_jpeg(data)
    with pytest.raises(TypeError, match="tf.io.decode_png: expected the encoded bytes"):
        tf.io.decode_png(tf.constant([1, 2]))
