"""The MLP workload in a peer framework: prints one JSON line with seconds per epoch.

    python mlp_peer.py {keras_jax,torch,tf_keras} DATASET EPOCHS OPTIMIZER LOGITS HIDDEN
Runs in a scratch environment where the framework is installed; never imported by tapeflow.
"""
import importlib.util
import json
import os
import statistics
import sys
import time

from _data import load

name, dataset, epochs, optimizer, logits, hidden = sys.argv[1:7]
needed = {"keras_jax": "jax", "torch": "torch", "tf_keras": "tensorflow"}[name]
if importlib.util.find_spec(needed) is None:
    print(json.dumps({"skipped": f"{name}: {needed} is not installed in the peer environment"}))
    sys.exit(0)
epochs, logits = int(epochs), logits == "True"
hidden = [int(h) for h in hidden.split(",")]
x, y, xt, yt = load(dataset)


def keras_run(backend):
    os.environ["KERAS_BACKEND"] = backend
    if backend == "tensorflow":
        import tf_keras as keras  # noqa: F401 - TF-Keras 2.x if installed
    import keras
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,))] +
                             [keras.layers.Dense(h, activation="relu") for h in hidden] +
                             [keras.layers.Dense(10, activation=None if logits else "softmax")])
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(
        from_logits=logits), metrics=["accuracy"])
    times = []
    for e in range(epochs + 1):
        t = time.perf_counter()
        model.fit(x, y, batch_size=128, epochs=1, verbose=0)
        if e:
            times.append(time.perf_counter() - t)
    return f"Keras {keras.__version__} ({backend})", times


def torch_run():
    import torch
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count())
    mods = []
    prev = 784
    for h in hidden:
        mods += [torch.nn.Linear(prev, h), torch.nn.ReLU()]
        prev = h
    mods.append(torch.nn.Linear(prev, 10))
    model = torch.nn.Sequential(*mods)
    if optimizer == "rmsprop":   # Keras's values: alpha=rho 0.9, eps 1e-7
        opt = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    lossf = torch.nn.CrossEntropyLoss()
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    times = []
    for e in range(epochs + 1):
        t = time.perf_counter()
        perm = torch.randperm(len(X))
        for s in range(0, len(X), 128):
            idx = perm[s:s + 128]
            opt.zero_grad()
            loss = lossf(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
        if e:
            times.append(time.perf_counter() - t)
    return f"PyTorch {torch.__version__}", times


if name == "torch":
    label, times = torch_run()
else:
    label, times = keras_run({"keras_jax": "jax", "tf_keras": "tensorflow"}[name])
print(json.dumps({"label": label, "seconds_per_epoch": statistics.median(times)}))
