"""Turn an image file into what an MNIST model expects: 28x28, bright ink on black, [0, 1].

Steps: read (Pillow when installed, else tapeflow's own PNG reader), to grayscale
(transparent pixels count as white paper), pad to a square with the background
colour, shrink by area averaging, invert a light background, stretch to [0, 1].

Example:
    >>> paper = np.ones((56, 56)); paper[20:36, 26:30] = 0.0  # a dark "1" on white
    >>> digit, inverted = to_mnist(paper)
    >>> digit.shape, inverted, float(digit[14, 14]), float(digit[0, 0])
    ((28, 28), True, 1.0, 0.0)
"""

from __future__ import annotations

import os

import numpy as np

from tapeflow.commands.common import CommandError

LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R 601 weights, as Pillow's "L" mode


def read_image(path):
    """The image at ``path`` as a 2-D float array in [0, 1] (0 = black).

    Raises:
        CommandError: (exit code 2) the file is missing or is not an image.
    """
    if not os.path.isfile(path):
        raise CommandError(f"no image file {path!r}", exit_code=2)
    try:
        pixels = _read_pixels(path)
    except (OSError, ValueError, SyntaxError) as err:
        raise CommandError(f"cannot read {path!r} as an image ({type(err).__name__}: "
                           f"{err}); pass a PNG (or any format Pillow reads)",
                           exit_code=2) from None
    return to_gray(pixels)


def _read_pixels(path):
    """Pixels scaled to [0, 1] with shape (h, w), (h, w, 3) or (h, w, 4)."""
    try:
        from PIL import Image
    except ImportError:  # tapeflow's own PNG reader; other formats need Pillow
        from tapeflow.commands import png
        try:
            return png.read_png(path)
        except png.PNGError as err:
            raise CommandError(f"cannot read {path!r}: {err}", exit_code=2) from None
    else:
        with Image.open(path) as img:
            img = img.convert("LA" if img.mode in ("1", "L", "LA", "I", "I;16", "F")
                              else "RGBA")
            pixels = np.asarray(img)
    if pixels.dtype.kind in "ui":
        pixels = pixels / float(np.iinfo(pixels.dtype).max)
    return np.asarray(pixels, np.float64)


def to_gray(pixels):
    """(h, w[, channels]) pixels in [0, 1] -> (h, w) luminance, alpha over white paper.

    Example:
        >>> to_gray(np.array([[[1.0, 0.0, 0.0, 0.0]]])).tolist()  # transparent red
        [[1.0]]
    """
    if pixels.ndim == 2:
        return pixels
    if pixels.ndim != 3 or pixels.shape[-1] not in (2, 3, 4):
        raise CommandError(f"unsupported image layout {pixels.shape}", exit_code=2)
    alpha = pixels[..., -1] if pixels.shape[-1] in (2, 4) else None
    color = pixels[..., :-1] if alpha is not None else pixels
    gray = color[..., 0] if color.shape[-1] == 1 else color @ LUMA
    return gray if alpha is None else gray * alpha + (1.0 - alpha)


def area_matrix(n_in, n_out):
    """(n_out, n_in) weights: row i averages the input pixels under output pixel i.

    Output pixel i covers input span [i * n_in / n_out, (i + 1) * n_in / n_out); each
    input pixel contributes the length of its overlap, so 56 -> 28 averages pairs.

    Example:
        >>> area_matrix(4, 2).tolist()
        [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    """
    edges_out = np.linspace(0.0, n_in, n_out + 1)
    pixel = np.arange(n_in + 1, dtype=np.float64)
    lo = np.maximum(edges_out[:-1, None], pixel[None, :-1])
    hi = np.minimum(edges_out[1:, None], pixel[None, 1:])
    weights = np.clip(hi - lo, 0.0, None)
    return weights / weights.sum(axis=1, keepdims=True)


def area_resize(gray, size=28):
    """Shrink (or stretch) a 2-D array to ``size`` x ``size`` by area averaging."""
    rows, cols = area_matrix(gray.shape[0], size), area_matrix(gray.shape[1], size)
    return rows @ gray @ cols.T


def to_mnist(gray, invert="auto", size=28):
    """A grayscale image as an MNIST sample: (size, size) float32 in [0, 1], ink bright.

    Args:
        gray: 2-D array in [0, 1].
        invert: ``"auto"`` inverts when the border is mostly light (dark ink on white
            paper); ``"yes"`` / ``"no"`` force it.
        size: output side length.

    Returns:
        (image, whether it was inverted).
    """
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    h, w = gray.shape
    if h != w:  # pad to a square so the digit keeps its proportions
        side = max(h, w)
        top, left = (side - h) // 2, (side - w) // 2
        gray = np.pad(gray, ((top, side - h - top), (left, side - w - left)),
                      constant_values=background)
    small = area_resize(gray, size)
    inverted = background > 0.5 if invert == "auto" else invert == "yes"
    if inverted:
        small = 1.0 - small
    lo, hi = small.min(), small.max()
    if hi - lo > 1e-6:  # stretch the contrast: black background, full-white ink
        small = (small - lo) / (hi - lo)
    return small.astype(np.float32), bool(inverted)
