"""Chapter 8-2: a convnet with data augmentation on Fashion-MNIST (Chollet, DLwP ch. 8).

The book's recipe on small images: the augmentation stage (RandomFlip("horizontal"),
RandomRotation(0.1), RandomZoom(0.2)) sits inside the model, so it runs on every
training batch and is the identity at inference; then Rescaling(1/255), three
Conv2D/MaxPooling2D blocks, Dropout(0.5) and a 10-way softmax. rmsprop, sparse
categorical cross-entropy, batch 64; 5 epochs by default (the published 2-conv
Fashion-MNIST CNN reaches 0.916).

    python examples/fashion_mnist_convnet.py            # full run
    python examples/fashion_mnist_convnet.py --quick    # a few seconds
"""
import time

import _course

from tapeflow import keras
from tapeflow.keras import layers

args = _course.parse_args(__doc__.splitlines()[0],
                          epochs=(None, "epochs (default: 5, 1 with --quick)", int))
epochs = args.epochs or (1 if args.quick else 5)
keras.utils.set_random_seed(0)

# 1. load Fashion-MNIST: uint8 images with a channel axis (Rescaling divides by 255)
(train_images, train_labels), (test_images, test_labels) = _course.load(
    "fashion_mnist", quick=args.quick, synthetic=args.synthetic, n_train=1000, n_test=300)
train_images = train_images.reshape((len(train_images), 28, 28, 1))
test_images = test_images.reshape((len(test_images), 28, 28, 1))

# 2. the model: augmentation, rescaling, convolution blocks, dropout, classifier
data_augmentation = keras.Sequential([
    layers.RandomFlip("horizontal"),
    layers.RandomRotation(0.1),
    layers.RandomZoom(0.2),
], name="data_augmentation")

inputs = keras.Input(shape=(28, 28, 1))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
x = layers.MaxPooling2D(pool_size=2)(x)
x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.summary()

# 3. compile, train, test (augmentation is active in fit only, not in evaluate)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
start = time.perf_counter()
model.fit(train_images, train_labels, epochs=epochs, batch_size=64,
          verbose=2 if args.quick else "auto")
seconds = time.perf_counter() - start
test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
print(f"test_acc: {test_acc:.4f}  (trained {epochs} epoch(s) in {seconds:.1f} s, "
      f"{seconds / epochs:.2f} s/epoch)")
