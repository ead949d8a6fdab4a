"""``tapeflow datasets fetch|info|preview``.

``fetch`` and ``info`` live with the datasets (``tapeflow.keras.datasets.commands``);
this module registers them and adds ``preview``, the image grids of figures 5-17
(MNIST) and 5-32 (Fashion-MNIST).

Example:
    >>> mosaic(np.ones((6, 2, 2)), rows=2, cols=3).shape  # 1-pixel gaps between tiles
    (5, 8)
"""

from __future__ import annotations


import numpy as np

from tapeflow.commands import common


def add_parser(subparsers):
    """Registers ``datasets`` (fetch, info from the datasets package; preview here)."""
    from tapeflow.keras.datasets import commands as datasets_commands
    parser = subparsers.add_parser(
        "datasets", help="provision (fetch), inspect (info) and look at (preview) datasets",
        description="Provision, inspect and preview tapeflow's datasets (MNIST and "
                    "Fashion-MNIST).")
    sub = datasets_commands.configure(parser)
    sub.metavar = "{fetch,info,preview}"
    p = sub.add_parser(
        "preview", help="draw a grid of a dataset's images (figures 5-17, 5-32)",
        description="Draw the first images of a dataset as a labelled grid (class names "
                    "for fashion_mnist) or, with --no-labels, as one tight mosaic.",
        epilog="examples:\n  tapeflow datasets preview mnist --out grid.png\n"
               "  tapeflow datasets preview mnist --rows 10 --cols 20 --no-labels\n"
               "  tapeflow datasets preview fashion_mnist --rows 5 --cols 5",
        formatter_class=common.HelpFormatter)
    p.add_argument("dataset", type=common.dataset_name, metavar="{mnist,fashion_mnist}",
                   help="the dataset to draw")
    p.add_argument("--out", metavar="PATH.png",
                   help="the PNG to write (default: <dataset>_grid.png)")
    p.add_argument("--split", choices=("train", "test"), default="train",
                   help="which split to draw from (default: train)")
    p.add_argument("--rows", type=common.positive_int, default=4,
                   help="rows of images (default: 4)")
    p.add_argument("--cols", type=common.positive_int, default=8,
                   help="images per row (default: 8)")
    p.add_argument("--start", type=int, default=0,
                   help="index of the first image drawn (default: 0)")
    p.add_argument("--no-labels", action="store_true",
                   help="no titles: one mosaic of the images, like figure 5-17")
    common.add_synthetic_flag(p)
    p.set_defaults(func=run_preview)
    return parser


def run_preview(args):
    """``tapeflow datasets preview``: write the grid, print what it shows."""
    from tapeflow.viz import show_images
    from tapeflow.viz._mpl import pyplot
    train, test = common.load_data(args.dataset, synthetic=args.synthetic)
    images, labels = train if args.split == "train" else test
    count = args.rows * args.cols
    if not 0 <= args.start < len(images):
        raise common.CommandError(f"--start must be in [0, {len(images)}), got "
                                  f"{args.start}", exit_code=2)
    images = images[args.start:args.start + count]
    labels = labels[args.start:args.start + count]
    rows = min(args.rows, -(-len(images) // args.cols))
    out = args.out or f"{args.dataset}_grid.png"
    if args.no_labels:
        fig = _draw_mosaic(mosaic(images, rows, args.cols), out)
    else:
        names = common.CLASS_NAMES[args.dataset] if args.dataset != "mnist" else None
        fig = show_images(images, labels, class_names=names, rows=rows, cols=args.cols,
                          path=out)
    pyplot().close(fig)
    print(f"{len(images)} {args.dataset} {args.split} images "
          f"[{args.start}:{args.start + len(images)}], labels "
          f"{' '.join(str(int(v)) for v in labels[:20])}{' ...' if len(labels) > 20 else ''}")
    print(f"figure written to {out}")
    return 0


def mosaic(images, rows, cols, gap=1):
    """Tile (n, h, w) images row by row into one array, ``gap`` zero pixels between."""
    n, h, w = images.shape
    canvas = np.zeros((rows * (h + gap) - gap, cols * (w + gap) - gap), images.dtype)
    for i in range(min(n, rows * cols)):
        r, c = divmod(i, cols)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = images[i]
    return canvas


def _draw_mosaic(canvas, path):
    from tapeflow.viz._mpl import finish, pyplot
    plt = pyplot()
    height, width = canvas.shape
    fig, ax = plt.subplots(figsize=(width / 40, height / 40))
    ax.imshow(canvas, cmap="gray_r", interpolation="nearest")
    ax.axis("off")
    return finish(fig, path)
