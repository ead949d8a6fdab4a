"""The intro convnet in a peer framework: prints one JSON line with seconds per epoch,
peak RSS and test accuracy.

    python cnn_peer.py {keras_jax,torch} EPOCHS
Conv2D(32, 3, relu) -> MaxPool 2 -> Conv2D(64, 3, relu) -> MaxPool 2 -> Conv2D(128, 3,
relu) -> Flatten -> Dense(10, softmax); RMSprop with Keras's values (rho 0.9, eps 1e-7
inside the root), batch 64, full MNIST. Runs in a scratch environment where the framework
is installed; never imported by tapeflow.
"""
import importlib.util
import json
import os
import resource
import statistics
import sys
import time

from _data import load

name, epochs = sys.argv[1], int(sys.argv[2])
needed = {"keras_jax": "jax", "torch": "torch"}[name]
if importlib.util.find_spec(needed) is None:
    print(json.dumps({"skipped": f"{name}: {needed} is not installed in the peer environment"}))
    sys.exit(0)
x, y, xt, yt = load("mnist")
x, xt = x.reshape(-1, 28, 28, 1), xt.reshape(-1, 28, 28, 1)


def keras_run():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras
    L = keras.layers
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(128, 3, activation="relu"), L.Flatten(), L.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        times.append(time.perf_counter() - t)
    acc = model.evaluate(xt, yt, batch_size=1000, verbose=0)[1]
    return f"Keras {keras.__version__} (jax)", times, acc


def torch_run():
    import torch
    nn = torch.nn
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count())
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(64, 128, 3), nn.ReLU(), nn.Flatten(),
                          nn.Linear(1152, 10))
    opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    lossf = nn.CrossEntropyLoss()   # softmax + cross-entropy, as the Keras model computes
    X = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    Y = torch.from_numpy(y)
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        perm = torch.randperm(len(X))
        for s in range(0, len(X), 64):
            idx = perm[s:s + 64]
            opt.zero_grad()
            lossf(model(X[idx]), Y[idx]).backward()
            opt.step()
        times.append(time.perf_counter() - t)
    with torch.no_grad():
        pred = model(torch.from_numpy(xt.transpose(0, 3, 1, 2).copy())).argmax(1).numpy()
    return f"PyTorch {torch.__version__}", times, float((pred == yt).mean())


label, times, acc = torch_run() if name == "torch" else keras_run()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"label": label, "seconds_per_epoch": statistics.median(times[1:] or times),
                  "epochs": times, "test_accuracy": acc, "peak_rss_mb": rss}))
