"""Tensor, Variable and dtype behaviour as TensorFlow users expect it."""
import numpy as np
import pytest

import tapeflow as tf


def test_python_scalars_follow_tensorflow_dtype_rules():
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant(3).dtype == tf.int32
    assert tf.constant([1.0, 2]).dtype == tf.float32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant(np.array([1.0])).dtype == tf.float64  # NumPy keeps its dtype
    assert tf.constant(np.arange(3)).dtype == tf.int64


def test_dtypes_compare_with_names_and_numpy():
    assert tf.float32 == np.float32 and tf.float32 == "float32"
    assert tf.float32 != tf.float64
    assert tf.as_dtype("int64").as_numpy_dtype is np.int64
    assert {tf.float32: 1}[tf.as_dtype(np.float32)] == 1
    with pytest.raises(TypeError, match="Cannot convert"):
        tf.as_dtype("no-such-type")


def test_shape_is_tuple_like():
    t = tf.zeros((2, 3))
    assert t.shape == (2, 3) and list(t.shape) == [2, 3] and t.shape[0] == 2
    assert t.shape.as_list() == [2, 3] and t.shape.rank == 2 and t.ndim == 2
    assert repr(t.shape) == "TensorShape([2, 3])"
    assert len(t) == 2 and [r.shape for r in t] == [(3,), (3,)]


def test_repr_is_tensorflow_like():
    r = repr(tf.constant([1.0, 2.0]))
    assert r.startswith("<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.]")


def test_operators_and_scalar_conversions():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert np.array_equal((a + 1).numpy(), [[2, 3], [4, 5]])
    assert np.array_equal((2 * a - a / 2).numpy(), [[1.5, 3], [4.5, 6]])
    assert np.array_equal((a @ a).numpy(), [[7, 10], [15, 22]])
    assert np.array_equal((a ** 2).numpy(), [[1, 4], [9, 16]])
    assert np.array_equal((-a).numpy(), -a.numpy())
    assert np.array_equal(abs(-a).numpy(), a.numpy())
    assert np.array_equal((a > 2).numpy(), [[False, False], [True, True]])
    assert np.array_equal((a == 2).numpy(), [[False, True], [False, False]])
    assert float(a[1, 1]) == 4.0 and int(tf.constant(7)) == 7 and bool(tf.constant(True))
    assert np.array_equal(np.asarray(a), a.numpy())
    assert (np.ones(2, np.float64) + tf.constant([1.0, 2.0])).dtype == tf.float32
    assert f"{tf.constant(0.123456):.2f}" == "0.12"
    with pytest.raises(ValueError, match="exactly one element"):
        float(a)


def test_integer_tensors_refuse_fractional_python_scalars():
    with pytest.raises(TypeError, match="int32"):
        tf.constant([1, 2]) * 2.5
    assert (tf.constant([1, 2]) * 2).dtype == tf.int32


def test_mixed_dtypes_name_both_and_suggest_cast():
    with pytest.raises(TypeError, match=r"float32.*int32.*tf\.cast"):
        tf.constant(1.0) + tf.constant(1)
    assert (tf.cast(tf.constant(1), tf.float32) + tf.constant(1.0)).numpy() == 2.0


def test_integer_division_gives_float64_like_tensorflow():
    assert (tf.constant(3) / tf.constant(2)).dtype == tf.float64


def test_variable_assign_in_place_and_shape_checked():
    v = tf.Variable([1.0, 2.0], name="w")
    buf = v._value
    before = v.numpy()
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    assert v._value is buf  # same buffer: no reallocation
    assert np.array_equal(v.numpy(), [1.5, 2.5]) and np.array_equal(before, [1, 2])
    v.assign([0.0, 0.0])
    assert v.trainable and v.name == "w" and v.dtype == tf.float32
    with pytest.raises(ValueError, match=r"shape \(3,\).*shape \(2,\)"):
        v.assign([1.0, 2.0, 3.0])
    assert "tf.Variable 'w:0' shape=(2,)" in repr(v)
    assert (v + 1).numpy().tolist() == [1.0, 1.0]  # usable wherever a tensor is


def test_constant_copies_and_convert_to_tensor_does_not():
    arr = np.ones(3, np.float32)
    c = tf.constant(arr)
    t = tf.convert_to_tensor(arr)
    arr[0] = 5
    assert c.numpy()[0] == 1 and t.numpy()[0] == 5
    assert tf.constant(0, shape=(2, 2)).numpy().tolist() == [[0, 0], [0, 0]]


def test_indexing_basic_and_integer_arrays():
    x = tf.reshape(tf.range(12), (3, 4))
    assert x[1].numpy().tolist() == [4, 5, 6, 7]
    assert x[:, 1:3].shape == (3, 2)
    assert x[tf.constant([2, 0])].numpy()[:, 0].tolist() == [8, 0]
    assert x[..., -1].numpy().tolist() == [3, 7, 11]
    assert x[None].shape == (1, 3, 4)


def test_printed_like_tensorflow():
    """The text of TensorFlow 2 on NumPy 2: scalars as NumPy scalars, several lines
    after a line break, variables printed as their repr."""
    assert str(tf.constant(0.1) + tf.constant(0.2)) == "tf.Tensor(0.3, shape=(), dtype=float32)"
    assert str(tf.constant([[1, 2], [3, 4]])) == \
        "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"
    assert repr(tf.constant(6.0)) == \
        "<tf.Tensor: shape=(), dtype=float32, numpy=np.float32(6.0)>"
    assert str(tf.Variable([1.0, 2.0], name="w")) == \
        "<tf.Variable 'w:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    assert str(tf.constant(1.0).dtype) == "<dtype: 'float32'>"
    assert repr(tf.constant(1.0).dtype) == "tf.float32"
    # format() hands the NumPy value over, as TensorFlow does
    assert "Loss: {}".format(tf.constant(0.5)) == "Loss: 0.5"
    assert f"{tf.constant(0.123456):.3f}" == "0.123"
    assert f"{tf.constant([1.5, 2.0])}" == "[1.5 2. ]"


def test_numpy_of_a_scalar_is_a_numpy_scalar():
    value = tf.constant(3.0).numpy()
    assert type(value) is np.float32 and value == 3.0
    assert type(tf.Variable(2).numpy()) is np.int32
    assert tf.constant([1.0]).numpy().shape == (1,)


def test_tf1_names_say_what_replaces_them():
    with pytest.raises(NotImplementedError, match=r"tf.keras.optimizers.RMSprop\(.*rho=decay"):
        tf.compat.v1.train.RMSPropOptimizer(learning_rate=0.01, decay=0.9, momentum=0.0,
                                            epsilon=1e-10)
    with pytest.raises(NotImplementedError, match="eager execution"):
        tf.compat.v1.Session()


def test_tensor_shape_compares_with_lists_and_concatenates():
    shape = tf.zeros((2, 3)).shape
    assert shape == [2, 3] and shape == (2, 3) and not shape != [2, 3] and shape != [3, 2]
    assert shape.concatenate([4]) == [2, 3, 4] and hash(shape) == hash((2, 3))


def test_a_variable_slice_assigns_back_into_the_variable():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    assert v[0, 0].assign(100.0) is v and v.numpy().tolist() == [[100, 2], [3, 4]]
    v[1].assign_add([1.0, 1.0])
    v[:, 1].assign_sub(tf.constant([1.0, 1.0]))
    assert v.numpy().tolist() == [[100, 1], [4, 4]]
    with pytest.raises(ValueError, match=r"shape \(3,\) to a slice of shape \(2,\)"):
        v[0].assign([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:                 # a slice is still differentiable
        y = tf.reduce_sum(v[0] * 2.0)
    assert tape.gradient(y, v).numpy().tolist() == [[2, 2], [0, 0]]
    assert not hasattr(tf.constant([1.0])[0], "assign")   # plain tensors stay read-only


def test_a_tensor_compared_with_none_is_simply_unequal():
    x = tf.constant([1.0, 2.0])
    assert (x == None) is False and (x != None) is True  # noqa: E711 - the point of the test
    assert (x == 1.0).numpy().tolist() == [True, False]


def test_device_queries_answer_cpu_only():
    assert [d.device_type for d in tf.config.list_physical_devices()] == ["CPU"]
    assert tf.config.list_physical_devices("GPU") == [] and not tf.test.is_gpu_available()
    assert tf.config.experimental.list_physical_devices("CPU")[0].name == \
        "/physical_device:CPU:0"
    tf.config.experimental.set_memory_growth(tf.config.list_physical_devices()[0], True)
    with pytest.raises(TypeError, match="device_type must be a string"):
        tf.config.list_physical_devices(0)


def test_device_scopes_run_on_the_cpu():
    with tf.device("/GPU:0"):                 # soft placement: computed on the CPU
        assert float(tf.reduce_sum(tf.ones((2, 2)))) == 4.0
    with pytest.raises(TypeError, match="device name"):
        with tf.device(0):
            pass
    assert tf.version.VERSION == tf.__version__
