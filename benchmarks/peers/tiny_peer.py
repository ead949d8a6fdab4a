"""The tiny 2-16-1 step in a peer framework: prints one JSON line with us per step."""
import importlib.util
import json
import os
import statistics
import sys
import time

import numpy as np

name = sys.argv[1]
needed = {"keras_jax": "jax", "torch": "torch", "tf_keras": "tensorflow"}[name]
if importlib.util.find_spec(needed) is None:
    print(json.dumps({"skipped": f"{name}: {needed} is not installed in the peer environment"}))
    sys.exit(0)
x = np.random.default_rng(0).normal(size=(4, 2)).astype(np.float32)
y = np.random.default_rng(1).normal(size=(4, 1)).astype(np.float32)
n = 500

if name == "torch":
    import torch
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    X, Y = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
    label = f"PyTorch {torch.__version__}"
else:
    os.environ["KERAS_BACKEND"] = {"keras_jax": "jax", "tf_keras": "tensorflow"}[name]
    import keras
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")

    if len(sys.argv) > 2 and sys.argv[2] == "fit":
        fx = np.random.default_rng(2).normal(size=(4 * n, 2)).astype(np.float32)
        fy = np.random.default_rng(3).normal(size=(4 * n, 1)).astype(np.float32)
        model.fit(fx, fy, batch_size=4, epochs=1, verbose=0)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            model.fit(fx, fy, batch_size=4, epochs=1, verbose=0)
            times.append((time.perf_counter() - t) / n * 1e6)
        print(json.dumps({"label": f"Keras {keras.__version__} ({os.environ['KERAS_BACKEND']}) "
                                   f"fit (per batch)", "us_per_step": statistics.median(times)}))
        sys.exit(0)

    def step():
        model.train_on_batch(x, y)
    label = f"Keras {keras.__version__} ({os.environ['KERAS_BACKEND']}) train_on_batch"

for _ in range(50):
    step()
times = []
for _ in range(5):
    t = time.perf_counter()
    for _ in range(n):
        step()
    times.append((time.perf_counter() - t) / n * 1e6)
print(json.dumps({"label": label, "us_per_step": statistics.median(times)}))
