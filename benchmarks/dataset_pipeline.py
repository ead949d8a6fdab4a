"""Seconds per epoch of the chapter-2 network fed by tf.data beside the same fit on arrays.

784 -> 512 relu -> 10 softmax, RMSprop, sparse categorical cross-entropy, batch 128,
MNIST. The dataset is ``from_tensor_slices((x, y)).shuffle(60000).batch(128)
.prefetch(tf.data.AUTOTUNE)`` (a fresh permutation per epoch, batches gathered by
fancy indexing in the prefetch thread); the reference is ``fit(x, y, batch_size=128)``
on the arrays. Epochs alternate between the two in one process, the first of each is
a warm-up, figures are medians. Target: the dataset adds at most 10 %.
Also timed: iterating the pipeline alone (no training), per epoch.

    python benchmarks/dataset_pipeline.py [--epochs 4] [--dataset mnist] [--synthetic]

``--synthetic`` (or MNIST not provisioned) uses random arrays of MNIST's shapes: the
timing does not depend on the pixel values.
"""
import argparse

import numpy as np

from _common import Timer, load_flat, machine, median, row


def data(dataset, synthetic):
    if not synthetic:
        try:
            return load_flat(dataset)[:2], dataset
        except Exception as err:  # not provisioned on this machine
            print(f"  [{dataset} unavailable ({type(err).__name__}); random arrays of its "
                  f"shapes instead]")
    rng = np.random.default_rng(0)
    return (rng.random((60000, 784), dtype=np.float32), rng.integers(0, 10, 60000)), \
        f"synthetic {dataset}-shaped"


def model_for(tf):
    model = tf.keras.Sequential([tf.keras.Input((784,)),
                                 tf.keras.layers.Dense(512, activation="relu"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def run(dataset, epochs, synthetic=False):
    import tapeflow as tf
    tf.keras.utils.set_random_seed(0)
    (x, y), dataset = data(dataset, synthetic)
    arrays_model, dataset_model = model_for(tf), model_for(tf)
    train_ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x)).batch(128) \
        .prefetch(tf.data.AUTOTUNE)
    array_times, dataset_times, pipeline_times = [], [], []
    for epoch in range(epochs + 1):
        with Timer() as a:
            arrays_model.fit(x, y, batch_size=128, epochs=1, verbose=0)
        with Timer() as d:
            dataset_model.fit(train_ds, epochs=1, verbose=0)
        with Timer() as p:
            for _ in train_ds:
                pass
        if epoch:  # the first of each is a warm-up
            array_times.append(a.seconds)
            dataset_times.append(d.seconds)
            pipeline_times.append(p.seconds)
    print(f"{dataset} MLP [784, 512, 10], rmsprop, batch 128, tf.data pipeline — {machine()}")
    print(f"  epochs timed: {epochs} (after one warm-up each), medians")
    ref = median(array_times)
    row("fit(x, y) on arrays", ref, "s/epoch", ref)
    row("fit(dataset) shuffle.batch.prefetch", median(dataset_times), "s/epoch", ref)
    row("iterating the dataset alone", median(pipeline_times), "s/epoch", ref)
    return ref, median(dataset_times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--synthetic", action="store_true")
    a = p.parse_args()
    run(a.dataset, a.epochs, a.synthetic)


if __name__ == "__main__":
    main()
