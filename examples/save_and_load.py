"""Section 5-7: save a trained network and load it back (Keras 3 `.keras` format).

Trains the Fashion-MNIST model briefly, saves it, loads it, checks the loaded model
predicts the same, and continues training it.

    python examples/save_and_load.py [--quick] [--path fashion.keras]
"""
import os
import tempfile

import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0], path=("", "where to save the .keras file"))
(x_train, y_train), (x_test, y_test) = _course.load("fashion_mnist", quick=True,
                                                    synthetic=args.synthetic,
                                                    n_train=2000 if args.quick else 20000)
x_train, x_test = x_train / 255.0, x_test / 255.0

model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(28, 28)),
                             tf.keras.layers.Dense(128, activation="relu"),
                             tf.keras.layers.Dense(10)])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, verbose=0)

folder = tempfile.TemporaryDirectory()  # removed at exit unless --path is given
path = args.path or os.path.join(folder.name, "fashion.keras")
model.save(path)
print(f"saved to {path} ({os.path.getsize(path):,} bytes)")
loaded = tf.keras.models.load_model(path)
same = np.allclose(model.predict(x_test, verbose=0), loaded.predict(x_test, verbose=0))
print("loaded model predicts the same:", same)
loss, acc = loaded.evaluate(x_test, y_test, verbose=0)
print(f"loaded model test accuracy {acc:.4f}; training it one more epoch ...")
loaded.fit(x_train, y_train, epochs=1, verbose=0)
print(f"after one more epoch: {loaded.evaluate(x_test, y_test, verbose=0)[1]:.4f}")
