"""Sections 2-2 and 2-3: tensors and tensor operations.

ndim, shape and dtype; slicing; batches; element-wise relu and add (by hand and
vectorised); broadcasting; dot products; reshaping and transposition.

    python examples/tensors.py [--quick]
"""
import time

import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0])

# --- attributes: ndim, shape, dtype -------------------------------------------------
scalar = tf.constant(12)
vector = tf.constant([12.0, 3.0, 6.0, 14.0])
matrix = tf.constant([[5, 78, 2, 34], [6, 79, 3, 35], [7, 80, 4, 36]])
cube = tf.zeros((3, 3, 5))
for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix), ("3D", cube)]:
    print(f"{name:7s} ndim={t.ndim} shape={t.shape} dtype={t.dtype.name}")

# --- slicing and batches --------------------------------------------------------------
images = tf.reshape(tf.range(60000 * 28 * 28 // 1000, dtype=tf.uint8), (60, 28, 28))
print("images[10:20].shape      =", images[10:20].shape)
print("images[:, 14:, 14:].shape =", images[:, 14:, 14:].shape)
batch_size = 16
batches = [images[i:i + batch_size] for i in range(0, len(images), batch_size)]
print("batch shapes:", [tuple(b.shape) for b in batches])


# --- element-wise operations: a Python loop versus one vectorised op -----------------
def naive_relu(x):
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x


n = 50 if args.quick else 300
x = np.random.default_rng(0).normal(size=(n, n)).astype("float32")
t0 = time.perf_counter()
slow = naive_relu(x)
t1 = time.perf_counter()
fast = tf.nn.relu(x + x)
t2 = time.perf_counter()
print(f"relu by loops: {t1 - t0:.4f} s; tf.nn.relu(x + x): {t2 - t1:.5f} s "
      f"(same values: {np.allclose(slow * 2, fast.numpy())})")

# --- broadcasting: (32, 10) + (10,) ---------------------------------------------------
a = tf.random.uniform((32, 10))
b = tf.random.uniform((10,))
print("broadcast (32, 10) + (10,) ->", (a + b).shape)
print("broadcast (64, 3, 32, 10) max (32, 10) ->",
      tf.maximum(tf.zeros((64, 3, 32, 10)), tf.ones((32, 10))).shape)

# --- dot products -------------------------------------------------------------------------
u, v = tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0, 6.0])
print("dot(u, v) =", float(tf.tensordot(u, v, axes=1)))
m1, m2 = tf.random.normal((2, 3)), tf.random.normal((3, 4))
print("matmul (2, 3) @ (3, 4) ->", tf.matmul(m1, m2).shape,
      "| reversed order (m2.T @ m1.T):", tf.matmul(m2, m1, transpose_a=True,
                                                  transpose_b=True).shape)

# --- reshaping ----------------------------------------------------------------------------
x = tf.constant([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
print("reshape (3, 2) -> (6, 1):", tf.reshape(x, (6, 1)).shape,
      "| transpose ->", tf.transpose(x).numpy().tolist())
