"""Section 5-6: Fashion-MNIST with compile/fit, a history plot and a probability model.

The TensorFlow "basic classification" tutorial model: Flatten, Dense(128, relu),
Dense(10) logits, adam, SparseCategoricalCrossentropy(from_logits=True), 10 epochs
(published: about 0.91 train and 0.88 test accuracy).

    python examples/fashion_mnist.py [--quick] [--plot history.png]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0],
                          epochs=(None, "epochs (default: 10, 1 with --quick)", int),
                          validation_split=(0.0, "fraction held out for val_ curves"),
                          plot=("", "write the history plot to this PNG"))
epochs = args.epochs or (1 if args.quick else 10)
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

(train_images, train_labels), (test_images, test_labels) = _course.load(
    "fashion_mnist", quick=args.quick, synthetic=args.synthetic)
train_images, test_images = train_images / 255.0, test_images / 255.0

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_images, train_labels, epochs=epochs,
                    validation_split=args.validation_split)

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print(f"train_acc: {history.history['accuracy'][-1]:.4f}  test_acc: {test_acc:.4f}")

# attach a softmax to turn logits into probabilities, then predict
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(test_images[:5], verbose=0)
for p, label in zip(predictions, test_labels[:5]):
    print(f"predicted {class_names[int(np.argmax(p))]:12s} ({p.max():.0%})  "
          f"true {class_names[label]}")

if args.plot:
    from tapeflow.viz import plot_history
    plot_history(history, path=args.plot)
    print(f"history plot written to {args.plot}")
