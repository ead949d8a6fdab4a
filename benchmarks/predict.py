"""Images per second for ``model.predict`` on the 10,000 MNIST test images.

    python benchmarks/predict.py
"""
import numpy as np

from _common import Timer, load_flat, machine, median, row


def main():
    import tapeflow as tf
    tf.keras.utils.set_random_seed(0)
    _, _, xt, _ = load_flat("mnist")
    model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(512, "relu"),
                                 tf.keras.layers.Dense(10, "softmax")])
    w1, b1, w2, b2 = model.get_weights()

    def numpy_predict():
        out = []
        for s in range(0, len(xt), 32):
            h = np.maximum(xt[s:s + 32] @ w1 + b1, 0) @ w2 + b2
            e = np.exp(h - h.max(1, keepdims=True))
            out.append(e / e.sum(1, keepdims=True))
        return np.concatenate(out)

    tf_rates, np_rates = [], []
    for _ in range(5):
        with Timer() as t:
            model.predict(xt, verbose=0)
        with Timer() as r:
            numpy_predict()
        tf_rates.append(len(xt) / t.seconds)
        np_rates.append(len(xt) / r.seconds)
    print(f"predict: 784-512-10 on 10,000 images, batch 32 — {machine()}")
    row("plain NumPy loop", median(np_rates), "img/s")
    row("tapeflow model.predict", median(tf_rates), "img/s")
    print(f"  ratio tapeflow / NumPy: {median(tf_rates) / median(np_rates):.2f}")


if __name__ == "__main__":
    main()
