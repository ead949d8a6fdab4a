"""The course's other figures: decision boundaries, gradient fields, activations, images."""
import numpy as np

from tapeflow.viz._mpl import finish, pyplot


def plot_decision_boundary(model, x, y, path=None, title="Decision boundary", ax=None):
    """Shade the class a 2-input ``model`` predicts over the plane, with the points on top.

    ``model`` is a Keras model or any callable mapping (n, 2) arrays to scores.
    """
    plt = pyplot()
    x = np.asarray(x, np.float32)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: x must have shape (n, 2); got {x.shape}.")
    (a0, b0), (a1, b1) = x.min(0) - 0.5, x.max(0) + 0.5
    gx, gy = np.meshgrid(np.linspace(a0, a1, 150), np.linspace(b0, b1, 150))
    grid = np.c_[gx.ravel(), gy.ravel()].astype(np.float32)
    scores = np.asarray(model.predict(grid, verbose=0) if hasattr(model, "predict")
                        else model(grid))
    klass = (scores[:, 0] > 0.5) if scores.ndim == 1 or scores.shape[-1] == 1 else \
        scores.argmax(-1)
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.contourf(gx, gy, klass.reshape(gx.shape).astype(float), alpha=0.3, cmap="coolwarm")
    ax.scatter(x[:, 0], x[:, 1], c=np.asarray(y).ravel(), cmap="coolwarm", edgecolors="k",
               s=18)
    ax.set(title=title, xlabel="x1", ylabel="x2")
    return finish(fig or ax.figure, path)


def plot_gradient_field(function, path=None, box=(-2, 2, -2, 2), title=None):
    """Contours of ``function(x, y)`` with its gradient vectors (figures 5-14, 5-15).

    Gradients come from GradientTape, so ``function`` may use any tapeflow op.
    """
    import tapeflow as tf
    plt = pyplot()
    x0, x1, y0, y1 = box
    gx, gy = np.meshgrid(np.linspace(x0, x1, 15), np.linspace(y0, y1, 15))
    vx = tf.Variable(gx.astype(np.float32))
    vy = tf.Variable(gy.astype(np.float32))
    with tf.GradientTape() as tape:
        z = function(vx, vy)
    dx, dy = tape.gradient(z, [vx, vy])
    fx, fy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    fz = np.asarray(function(tf.constant(fx.astype(np.float32)),
                             tf.constant(fy.astype(np.float32))))
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.contour(fx, fy, fz, levels=20, cmap="viridis", linewidths=0.7)
    ax.quiver(gx, gy, dx.numpy(), dy.numpy(), color="tab:red", angles="xy")
    ax.set(xlabel="x", ylabel="y", title=title or "f(x, y) and its gradient vectors")
    return finish(fig, path)


ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu",
               "softplus", "swish")


def plot_activations(names=ACTIVATIONS, path=None):
    """One panel per activation: the function and its derivative (figure 5-5)."""
    import tapeflow as tf
    from tapeflow.keras import activations
    plt = pyplot()
    x = np.linspace(-4, 4, 401).astype(np.float32)
    cols = 5
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.8 * rows), squeeze=False)
    for ax, name in zip(axes.ravel(), names):
        v = tf.Variable(x)
        with tf.GradientTape() as tape:
            y = activations.get(name)(v)
        grad = tape.gradient(y, v)
        ax.plot(x, np.asarray(y), label=name)
        ax.plot(x, np.zeros_like(x) if grad is None else grad.numpy(), "--",
                label="derivative")
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set_title(name)
        ax.legend(fontsize=7)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    fig.tight_layout()
    return finish(fig, path)


def show_images(images, labels=None, class_names=None, rows=4, cols=8, path=None,
                title=None):
    """A labelled grid of grayscale images (figures 5-17 and 5-32)."""
    plt = pyplot()
    images = np.asarray(images)
    n = min(len(images), rows * cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.5 * rows), squeeze=False)
    # one colour map for the whole grid (dark ink on white for MNIST-style data), so a
    # bright image is not drawn inverted next to the others
    cmap = "gray_r" if images[:n].mean() < 0.5 * images[:n].max() else "gray"
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap=cmap, vmin=0, vmax=255 if images.max() > 1 else 1)
        if labels is not None:
            lab = int(labels[i])
            ax.set_title(class_names[lab] if class_names else str(lab), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return finish(fig, path)
