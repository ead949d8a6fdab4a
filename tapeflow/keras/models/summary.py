"""``model.summary()`` in Keras 3's table format.

Keras 3 draws the table with the ``rich`` library; this module reproduces its
layout without the dependency: the same default widths (88 characters for
sequential-like models, 108 with the "Connected to" column, capped at the
terminal width minus 4), the same column positions, rich's rule for shrinking
columns to fit, word wrapping with ``…`` for words that do not fit, and the
parameter totals with their memory size::

    Model: "sequential"
    ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
    ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
    ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
    │ dense (Dense)                   │ (None, 512)            │       401,920 │
    ├─────────────────────────────────┼────────────────────────┼───────────────┤
    │ dense_1 (Dense)                 │ (None, 10)             │         5,130 │
    └─────────────────────────────────┴────────────────────────┴───────────────┘
     Total params: 407,050 (1.55 MB)
     Trainable params: 407,050 (1.55 MB)
     Non-trainable params: 0 (0.00 B)
"""
import re
import shutil

import numpy as np

__all__ = ["print_summary", "readable_memory_size", "column_widths", "wrap"]


def readable_memory_size(size):
    """Bytes as Keras prints them: ``1628200`` -> ``"1.55 MB"``."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _ratio_reduce(total, values):
    """rich's ``ratio_reduce`` with equal ratios: take ``total`` cells off ``values``."""
    result, remaining, ratio = [], total, len(values)
    for value in values:
        cut = min(value, round(remaining / ratio))
        result.append(value - cut)
        remaining -= cut
        ratio -= 1
    return result


def column_widths(line_length, positions):
    """Cell widths (padding included) of the table rich draws for Keras."""
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    cells = [w + 2 for w in widths]
    excess = sum(cells) - (line_length - len(cells) - 1)
    return _ratio_reduce(excess, cells) if excess > 0 else cells


def wrap(text, width):
    """Word-wrap ``text`` to ``width`` columns; a word too long is cut with ``…``."""
    lines = []
    for paragraph in text.split("\n"):
        words = re.findall(r"\s*\S+\s*", paragraph) or [""]
        line = ""
        for word in words:
            if line and len(line) + len(word.rstrip()) > width:
                lines.append(line.rstrip())
                line = word.lstrip()
            else:
                line += word
        lines.append(line.rstrip())
    return [ln if len(ln) <= width else ln[:width - 1] + "…" for ln in lines]


def _cell_lines(text, width, justify):
    inner = width - 2
    out = []
    for line in wrap(text, inner):
        if justify == "right":
            line = line.rjust(inner)
        elif justify == "center":
            line = line.center(inner)
        else:
            line = line.ljust(inner)
        out.append(" " + line + " ")
    return out


def _row(fields, widths, justify, edge):
    cells = [_cell_lines(str(f), w, j) for f, w, j in zip(fields, widths, justify)]
    height = max(len(c) for c in cells)
    lines = []
    for i in range(height):
        parts = [c[i] if i < len(c) else " " * w for c, w in zip(cells, widths)]
        lines.append(edge + edge.join(parts) + edge)
    return lines


def _rule(widths, left, mid, right, fill):
    return left + mid.join(fill * w for w in widths) + right


def _format_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _format_shapes(shapes):
    if len(shapes) == 1:
        return _format_shape(shapes[0])
    return "[" + ", ".join(_format_shape(s) for s in shapes) + "]"


def _output_shape(layer):
    nodes = layer._inbound_nodes
    if nodes:
        return _format_shapes([t.shape for t in nodes[-1].outputs])
    shapes = layer.__dict__.get("_build_shapes")
    if not layer.built or shapes is None:
        return "?"
    try:
        out = layer.compute_output_shape(shapes)
    except (NotImplementedError, ValueError, TypeError):
        return "?"
    if isinstance(out, list) and out and isinstance(out[0], (list, tuple)):
        return _format_shapes(out)
    return _format_shape(out)


def _params(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def _size(weights):
    return sum(int(np.prod(w.shape, dtype=np.int64)) * w.array.dtype.itemsize
               for w in {id(w): w for w in weights}.values())


def _count(weights):
    return sum(int(np.prod(w.shape, dtype=np.int64)) for w in weights)


def _is_sequential_like(model):
    from tapeflow.keras.models.functional import Functional
    if not isinstance(model, Functional):
        return True
    seen = set()
    for nodes in model._graph.nodes_by_depth.values():
        if len(nodes) > 1 or (nodes and len(nodes[0].input_tensors) > 1):
            return False
        for node in nodes:
            if id(node.operation) in seen:
                return False
            seen.add(id(node.operation))
    return True


def _connections(layer, own):
    parts = []
    for node in layer._inbound_nodes:
        if own is not None and id(node) not in own:
            continue
        for t in node.input_tensors:
            op, node_index, tensor_index = t._keras_history
            parts.append(f"{op.name}[{node_index}][{tensor_index}]")
    return ", ".join(parts) or "-"


def _layer_range(layers, layer_range):
    if layer_range is None:
        return layers
    if len(layer_range) != 2 or not all(isinstance(x, str) for x in layer_range):
        raise ValueError(f"layer_range must be a list or tuple of 2 strings (layer names or "
                         f"regexes). Received: {layer_range}")
    lo = [i for i, lay in enumerate(layers) if re.match(layer_range[0], lay.name)]
    hi = [i for i, lay in enumerate(layers) if re.match(layer_range[1], lay.name)]
    if not lo or not hi:
        raise ValueError(f"Passed layer_names do not match the layer names in the model. "
                         f"Received: {layer_range}")
    return layers[min(lo):max(hi) + 1]


def _check_built(model):
    from tapeflow.keras.models.functional import Functional
    from tapeflow.keras.models.sequential import Sequential
    if model.built or isinstance(model, (Functional, Sequential)):
        return
    raise ValueError(
        f'This model ("{model.name}") has not yet been built, so summary() cannot show its '
        f'layers\' output shapes and parameter counts. Build the model first by calling it on '
        f'a batch of data, e.g. model(x_train[:1]), or with '
        f'model.build(input_shape=(None, <number of features>)).')


def _layout(model, line_length, positions, show_trainable):
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        default, positions = 88, positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        justify = ["left", "left", "right"]
    else:
        default, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        justify = ["left", "left", "right", "left"]
    if show_trainable:
        default += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        justify.append("center")
    default = min(default, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default
    if positions[-1] <= 1:
        positions = list(positions)
    else:
        positions = [p / line_length for p in positions]
    return sequential_like, header, justify, column_widths(line_length, positions)


def _rows(model, layers, sequential_like, expand_nested, show_trainable):
    own = getattr(model, "_node_ids", None)
    rows = []

    def add(layer, level):
        prefix = "   " * level + "└ " if level else ""
        fields = [f"{prefix}{layer.name} ({type(layer).__name__})", _output_shape(layer),
                  _params(layer)]
        if not sequential_like:
            fields.append(_connections(layer, own if level == 0 else None))
        if show_trainable:
            fields.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        rows.append(fields)
        if expand_nested and hasattr(layer, "layers") and layer.layers:
            for sub in layer.layers:
                add(sub, level + 1)
    for layer in layers:
        add(layer, 0)
    return rows


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print (or pass to ``print_fn`` as one string) the summary table of ``model``."""
    from tapeflow.keras.models.functional import Functional
    _check_built(model)
    sequential_like, header, justify, widths = _layout(model, line_length, positions,
                                                       show_trainable)
    layers = model._operations if isinstance(model, Functional) else model.layers
    rows = _rows(model, _layer_range(list(layers), layer_range), sequential_like,
                 expand_nested, show_trainable)
    lines = [f'Model: "{model.name}"', _rule(widths, "┏", "┳", "┓", "━")]
    lines += _row(header, widths, justify, "┃")
    lines.append(_rule(widths, "┡", "╇", "┩", "━"))
    for i, fields in enumerate(rows):
        if i:
            lines.append(_rule(widths, "├", "┼", "┤", "─"))
        lines += _row(fields, widths, justify, "│")
    lines.append(_rule(widths, "└", "┴", "┘", "─"))
    lines += _totals(model)
    text = "\n".join(lines) + "\n"
    if print_fn is None:
        print(text, end="")
    else:
        print_fn(text)


def _totals(model):
    trainable, non_trainable = model.trainable_weights, model.non_trainable_weights
    t_count, n_count = _count(trainable), _count(non_trainable)
    t_size, n_size = _size(trainable), _size(non_trainable)
    total, size = t_count + n_count, t_size + n_size
    opt_lines = []
    optimizer = getattr(model, "optimizer", None)
    if getattr(model, "compiled", False) and optimizer is not None and \
            getattr(optimizer, "built", False):
        variables = list(getattr(optimizer, "variables", []))
        o_count, o_size = _count(variables), _size(variables)
        total, size = total + o_count, size + o_size
        opt_lines.append(f" Optimizer params: {o_count:,} ({readable_memory_size(o_size)})")
    return [f" Total params: {total:,} ({readable_memory_size(size)})",
            f" Trainable params: {t_count:,} ({readable_memory_size(t_size)})",
            f" Non-trainable params: {n_count:,} ({readable_memory_size(n_size)})"] + opt_lines
