"""Section 2-4 / 5-5: MNIST trained by a hand-written loop with GradientTape.

The training loop of section 2-4, written out: draw a batch, run the network forward,
compute the loss, take its gradient with GradientTape, and let SGD with momentum 0.9
move the weights (target: >= 0.97 test accuracy after 2 epochs).

    python examples/mnist_custom_loop.py [--quick]
"""
import numpy as np

import _course

import tapeflow as tf

args = _course.parse_args(__doc__.splitlines()[0],
                          epochs=(None, "epochs (default: 2, 1 with --quick)", int),
                          batch_size=(64, "samples per step"))
epochs = args.epochs or (1 if args.quick else 2)
tf.keras.utils.set_random_seed(0)

(x_train, y_train), (x_test, y_test) = _course.load("mnist", quick=args.quick,
                                                    synthetic=args.synthetic)
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255

model = tf.keras.Sequential([tf.keras.Input((784,)),
                             tf.keras.layers.Dense(256, activation="relu"),
                             tf.keras.layers.Dense(10)])
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)

for epoch in range(epochs):
    order = np.random.permutation(len(x_train))            # (1) shuffle, take batches
    for start in range(0, len(x_train), args.batch_size):
        idx = order[start:start + args.batch_size]
        x, y = x_train[idx], y_train[idx]
        with tf.GradientTape() as tape:
            logits = model(x, training=True)                # (2) forward pass
            loss = loss_fn(y, logits)                       # (3) batch loss
        grads = tape.gradient(loss, model.trainable_variables)   # (4) backward pass
        optimizer.apply_gradients(zip(grads, model.trainable_variables))  # (5) update
    logits = model.predict(x_test, batch_size=1000, verbose=0)
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    print(f"epoch {epoch + 1}: last batch loss {float(loss):.4f}, test accuracy {accuracy:.4f}")
