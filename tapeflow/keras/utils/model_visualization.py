"""``keras.utils.plot_model`` and ``model_to_dot``: a model's layer graph in Graphviz.

The DOT source is written here (Keras 3's nodes, HTML-table labels and edges), so
``plot_model(model, "model.dot")`` needs nothing else. Drawing a PNG, SVG or PDF runs
Graphviz's ``dot`` program (Debian/Ubuntu ``apt-get install graphviz``, macOS ``brew
install graphviz``); ``model_to_dot`` returns a ``pydot.Dot`` as Keras does, so it needs
``pydot`` (``pip install pydot``).

Example:
    >>> from tapeflow import keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="out")])
    >>> source = model_to_dot_source(model, show_layer_names=True)
    >>> source.startswith("digraph G {") and "<b>out</b> (Dense)" in source
    True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

__all__ = ["model_to_dot", "model_to_dot_source", "plot_model"]

_LABEL_ARGS = ("show_shapes", "show_dtype", "show_layer_names", "show_layer_activations",
               "show_trainable")


def _structure(value, fn):
    if isinstance(value, dict):
        return {k: _structure(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_structure(v, fn) for v in value]
    return fn(value)


def _format_shape(shape):
    if shape is None:
        return "?"
    if isinstance(shape, dict):
        text = ", ".join(f"{k}: {v}" for k, v in shape.items())
    else:
        text = str(tuple(shape) if isinstance(shape, tuple) else shape)
    return text.replace("}", "").replace("{", "")


def _shapes(layer):
    try:
        return (_structure(layer.input, lambda t: tuple(t.shape)),
                _structure(layer.output, lambda t: tuple(t.shape)))
    except (ValueError, AttributeError, RuntimeError):
        return None, None


def _activation_name(layer):
    activation = layer.activation
    return getattr(activation, "name", None) or getattr(activation, "__name__", None) or str(
        activation)


def _cell(text, bgcolor="white", color=None):
    font = f' color="{color}"' if color else ""
    return f'<td bgcolor="{bgcolor}"><font point-size="14"{font}>{text}</font></td>'


def _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable):
    """Keras 3's HTML-like table label of one layer."""
    class_name = type(layer).__name__
    colspan = max(1, int(show_dtype) + int(show_trainable) + (2 if show_shapes else 0))
    title = f"<b>{layer.name}</b> ({class_name})" if show_layer_names else f"<b>{class_name}</b>"
    table = ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
             f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" '
             f'color="white">{title}</font></td></tr>')
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        table += (f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
                  f"Activation: <b>{_activation_name(layer)}</b></font></td></tr>")
    cols = []
    if show_shapes:
        input_shape, output_shape = _shapes(layer)
        if class_name != "InputLayer":
            cols.append(_cell(f"Input shape: <b>{_format_shape(input_shape)}</b>"))
        cols.append(_cell(f"Output shape: <b>{_format_shape(output_shape)}</b>"))
    if show_dtype:
        try:
            dtype = _structure(layer.output, lambda t: t.dtype)
        except (ValueError, AttributeError, RuntimeError):
            dtype = None
        cols.append(_cell(f"Output dtype: <b>{dtype or '?'}</b>"))
    if show_trainable and getattr(layer, "weights", None):
        cols.append(_cell("<b>Trainable</b>", "forestgreen", "white") if layer.trainable
                    else _cell("<b>Non-trainable</b>", "firebrick", "white"))
    if cols:
        table += f"<tr>{''.join(cols)}</tr>"
    return table + "</table>>"


def _is_model(layer):
    return type(layer).__name__ in ("Functional", "Sequential") or (
        hasattr(layer, "_operations") and hasattr(layer, "_node_ids"))


class _Dot:
    """Collects DOT statements: nodes, clusters and de-duplicated edges."""

    def __init__(self):
        self.lines, self.edges = [], set()

    def node(self, layer, label_args):
        label = _label(layer, **label_args)
        self.lines.append(f'{id(layer)} [label={label}, fontname="Helvetica", border="0", '
                          'margin="0"];')

    def edge(self, source, destination):
        key = (id(source), id(destination))
        if key not in self.edges:
            self.edges.add(key)
            self.lines.append(f'{key[0]} -> {key[1]} [penwidth="2"];')


def _resolve_source(source, output_index):
    while _is_model(source):
        history = source.outputs[output_index]._keras_history
        source, output_index = history.operation, history.tensor_index
    return source


def _resolve_destination(destination, input_index):
    while _is_model(destination):
        if type(destination).__name__ == "Sequential":
            destination = destination.layers[0]
        else:
            destination = destination.inputs[input_index]._keras_history.operation
    return destination


def _add_model(dot, model, label_args, expand_nested):
    """Adds ``model``'s layers and edges to ``dot`` (Keras 3's model_to_dot walk)."""
    sequential = type(model).__name__ == "Sequential"
    if not sequential and not hasattr(model, "_operations"):
        dot.node(model, label_args)  # a subclassed model is one box
        return
    layers = model.layers if sequential else model._operations
    for layer in layers:
        if expand_nested and _is_model(layer):
            dot.lines.append(f'subgraph "cluster_{layer.name}" {{ style="dashed"; '
                             f'label="{layer.name}"; labeljust="l";')
            _add_model(dot, layer, label_args, expand_nested)
            dot.lines.append("}")
        else:
            dot.node(layer, label_args)
    if sequential and not expand_nested:
        for first, second in zip(layers, layers[1:]):
            dot.edge(first, second)
        return
    for layer in (model.layers[1:] if sequential else layers):
        _add_inbound_edges(dot, model, layer, sequential, expand_nested)


def _add_inbound_edges(dot, model, layer, sequential, expand_nested):
    for node in layer._inbound_nodes:
        if not sequential and id(node) not in model._node_ids:
            continue
        for input_index, tensor in enumerate(node.input_tensors):
            history = tensor._keras_history
            if history is None or history.operation is None:
                continue
            source = history.operation._inbound_nodes[history.node_index].operation
            if not expand_nested:
                dot.edge(source, layer)
                continue
            dot.edge(_resolve_source(source, history.tensor_index),
                     _resolve_destination(layer, input_index))


def model_to_dot_source(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                        rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                        show_layer_activations=False, show_trainable=False, splines="ortho"):
    """The model's graph as Graphviz DOT source text (no pydot or Graphviz needed).

    Same arguments as :func:`model_to_dot`.

    Example:
        >>> from tapeflow import keras
        >>> x = keras.Input((3,), name="x")
        >>> model = keras.Model(x, keras.layers.Dense(1, name="y")(x))
        >>> print(model_to_dot_source(model).count("->"))
        1
    """
    if not getattr(model, "built", False):
        raise ValueError("This model has not yet been built. Build the model first by "
                         "calling `build()` or by calling the model on a batch of data.")
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"rankdir must be 'TB' (vertical) or 'LR' (horizontal); received "
                         f"rankdir={rankdir!r}.")
    dot = _Dot()
    label_args = dict(zip(_LABEL_ARGS, (show_shapes, show_dtype, show_layer_names,
                                        show_layer_activations, show_trainable)))
    _add_model(dot, model, label_args, expand_nested)
    if subgraph:
        head = [f'subgraph "cluster_{model.name}" {{', 'style="dashed";',
                f'label="{model.name}";', 'labeljust="l";']
    else:
        head = ["digraph G {", f"rankdir={rankdir};", "concentrate=True;", f"dpi={dpi};",
                f"splines={splines};", "node [shape=record];"]
    return "\n".join(head + dot.lines + ["}"]) + "\n"


def _check_kwargs(kwargs):
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, splines="ortho",
                 **kwargs):
    """The model's graph as a ``pydot.Dot``, as ``keras.utils.model_to_dot``.

    Args:
        model: A built Sequential or Functional model (a subclassed one is one box).
        show_shapes: Show each layer's input and output shapes.
        show_dtype: Show each layer's output dtype.
        show_layer_names: Show layer names beside class names.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: Draw nested models' layers inside dashed clusters.
        dpi: Resolution of rendered images.
        subgraph: Return a cluster (for nesting) rather than a graph.
        show_layer_activations: Show the ``activation`` of layers that have one.
        show_trainable: Mark layers with weights as trainable or not.
        splines: Graphviz's edge routing (``"ortho"``).

    Raises:
        ImportError: pydot is not installed (``model_to_dot_source`` needs nothing).

    Example:
        >>> from IPython.display import SVG  # doctest: +SKIP
        >>> SVG(model_to_dot(model).create(prog="dot", format="svg"))  # doctest: +SKIP
    """
    _check_kwargs(kwargs)
    source = model_to_dot_source(model, show_shapes, show_dtype, show_layer_names, rankdir,
                                 expand_nested, dpi, subgraph, show_layer_activations,
                                 show_trainable, splines)
    try:
        import pydot
    except ImportError:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot "
                          "to work. For the DOT text alone, use "
                          "keras.utils.model_to_dot_source(model) or "
                          "plot_model(model, to_file='model.dot').") from None
    if subgraph:
        source = "digraph G {\n" + source + "}\n"
    graph = pydot.graph_from_dot_data(source)[0]
    return graph.get_subgraph_list()[0] if subgraph else graph


def _missing_graphviz(to_file):
    message = (f"plot_model needs Graphviz's `dot` program to draw {to_file}, and it is not "
               "on PATH. Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: "
               "`brew install graphviz`; see https://graphviz.org/download/), or pass "
               "to_file='model.dot' to write the DOT source without it.")
    if "IPython.core.magics.namespace" in sys.modules:
        print(message)  # as Keras: don't crash notebooks where Graphviz is missing
        return None
    raise ImportError(message)


def _render(source, to_file, extension, dot_program):
    directory = os.path.dirname(os.path.abspath(to_file))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".plot_model.", suffix="." + extension)
    os.close(fd)
    try:
        done = subprocess.run([dot_program, f"-T{extension}", "-o", tmp],
                              input=source.encode("utf-8"), capture_output=True,
                              timeout=120, check=False)
        if done.returncode != 0:
            raise OSError(f"Graphviz `dot -T{extension}` failed for {to_file}: "
                          f"{done.stderr.decode(errors='replace').strip()}")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp's 0600 -> what a plain open() gives
        os.replace(tmp, to_file)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho",
               **kwargs):
    """Draws the model's graph into ``to_file``, as ``keras.utils.plot_model``.

    ``.dot``/``.gv`` files get the DOT source (no dependency); other extensions
    (``png``, ``svg``, ``pdf``, ``jpg`` ...; none means png) are drawn by Graphviz's
    ``dot`` program. Arguments as in :func:`model_to_dot` (``show_layer_names``
    defaults to False, as in Keras 3).

    Returns:
        An ``IPython.display.Image`` (``SVG`` for svg) of the file when IPython is
        installed and the file is not a PDF or DOT file; otherwise None.

    Raises:
        ImportError: Graphviz's ``dot`` is not installed (in a notebook, the message is
            printed and None returned instead, as Keras does).

    Example:
        >>> from tapeflow import keras
        >>> plot_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
        ...            to_file="model.png", show_shapes=True)  # doctest: +SKIP
    """
    _check_kwargs(kwargs)
    source = model_to_dot_source(model, show_shapes, show_dtype, show_layer_names, rankdir,
                                 expand_nested, dpi, False, show_layer_activations,
                                 show_trainable, splines)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension in ("dot", "gv"):
        from tapeflow.keras.datasets.download import write_atomic
        write_atomic(to_file, source.encode("utf-8"))
        return None
    dot_program = shutil.which("dot")
    if dot_program is None:
        return _missing_graphviz(to_file)
    _render(source, to_file, extension, dot_program)
    if extension == "pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.SVG(filename=to_file) if extension == "svg" else display.Image(
        filename=to_file)
