"""Chapter 2-1: the first neural network — MNIST with two Dense layers (Chollet, DLwP ch. 2).

The course code, unchanged but for the import: load MNIST, build the network, compile it
with rmsprop and categorical cross-entropy, preprocess, fit 5 epochs of batch 128, and
evaluate on the test set (published: test accuracy 0.978).

    python examples/ch2_first_network.py            # full run
    python examples/ch2_first_network.py --quick    # a few seconds
"""
import time

import _course

import tapeflow as tf
from tapeflow.keras.utils import to_categorical

args = _course.parse_args(__doc__.splitlines()[0],
                          epochs=(None, "epochs (default: 5, 1 with --quick)", int))
epochs = args.epochs or (1 if args.quick else 5)

# 1. load MNIST
(train_images, train_labels), (test_images, test_labels) = _course.load(
    "mnist", quick=args.quick, synthetic=args.synthetic)

# 2. the network: 784 -> 512 relu -> 10 softmax
network = tf.keras.models.Sequential()
network.add(tf.keras.layers.Dense(512, activation="relu", input_shape=(28 * 28,)))
network.add(tf.keras.layers.Dense(10, activation="softmax"))

# 3. loss, optimizer and metric
network.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])

# 4. preprocessing: flatten, scale to [0, 1], one-hot labels
train_images = train_images.reshape((len(train_images), 28 * 28)).astype("float32") / 255
test_images = test_images.reshape((len(test_images), 28 * 28)).astype("float32") / 255
train_labels = to_categorical(train_labels)
test_labels = to_categorical(test_labels)

# 5. train, then test
start = time.perf_counter()
network.fit(train_images, train_labels, epochs=epochs, batch_size=128)
seconds = time.perf_counter() - start
test_loss, test_acc = network.evaluate(test_images, test_labels, verbose=0)
print(f"test_acc: {test_acc:.4f}  (trained {epochs} epoch(s) in {seconds:.1f} s, "
      f"{seconds / epochs:.2f} s/epoch)")
