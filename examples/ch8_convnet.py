"""Chapter 8-1: the intro convnet — MNIST with Conv2D and MaxPooling2D (Chollet, DLwP ch. 8).

The course code, unchanged but for the import: three 3x3 convolutions (32, 64, 128
filters) with 2x2 max-pooling between them, flattened into a 10-way softmax (104,202
parameters); rmsprop, sparse categorical cross-entropy, 5 epochs of batch 64 (published:
test accuracy 0.991).

    python examples/ch8_convnet.py            # full run
    python examples/ch8_convnet.py --quick    # a few seconds
"""
import time

import _course

from tapeflow import keras
from tapeflow.keras import layers

args = _course.parse_args(__doc__.splitlines()[0],
                          epochs=(None, "epochs (default: 5, 1 with --quick)", int))
epochs = args.epochs or (1 if args.quick else 5)

# 1. load MNIST: images keep their 28x28 grid and gain a channel axis
(train_images, train_labels), (test_images, test_labels) = _course.load(
    "mnist", quick=args.quick, synthetic=args.synthetic, n_train=1000, n_test=300)
train_images = train_images.reshape((len(train_images), 28, 28, 1)).astype("float32") / 255
test_images = test_images.reshape((len(test_images), 28, 28, 1)).astype("float32") / 255

# 2. the convnet, with the Functional API as in the book
inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.summary()

# 3. compile, train, test
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
start = time.perf_counter()
model.fit(train_images, train_labels, epochs=epochs, batch_size=64)
seconds = time.perf_counter() - start
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"test_acc: {test_acc:.4f}  (trained {epochs} epoch(s) in {seconds:.1f} s, "
      f"{seconds / epochs:.2f} s/epoch)")
