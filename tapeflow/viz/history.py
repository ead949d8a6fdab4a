"""Training curves from ``model.fit``'s History (loss and metrics, train and validation)."""
from tapeflow.viz._mpl import finish, pyplot


def plot_history(history, path=None, metrics=None):
    """Plot each metric of ``history`` (a History or its ``.history`` dict) per epoch.

    One panel per metric, with its ``val_`` counterpart on the same axes.
    """
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator
    logs = getattr(history, "history", history)
    if not logs:
        raise ValueError("plot_history: the history is empty; train with model.fit first.")
    names = metrics or [k for k in logs if not k.startswith("val_")]
    fig, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 3.8), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = range(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], "o-", label=f"train {name}")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], "s--", label=f"validation {name}")
        ax.set(xlabel="epoch", ylabel=name, title=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 2.5
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return finish(fig, path)
