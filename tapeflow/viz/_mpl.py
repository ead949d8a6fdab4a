"""Import matplotlib on demand, headless, with a clear message when it is missing."""


def pyplot():
    """matplotlib.pyplot with the non-interactive Agg backend."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(
            "tapeflow.viz needs matplotlib, which is an optional extra. Install it with "
            "`pip install \"tapeflow[plot]\"` (or `pip install matplotlib`).") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def finish(fig, path):
    """Save ``fig`` to ``path`` (if given) and return it."""
    if path:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig
