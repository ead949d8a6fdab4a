"""plot_model / model_to_dot on Chollet's multi-input functional model (Deep Learning with
Python, ch. 7): the nodes, labels and edges Keras 3 draws (checked identical to Keras
3.15.1's model_to_dot when written), DOT files without Graphviz, PNG/SVG with it."""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys

import pytest

from tapeflow import keras
from tapeflow.keras import layers
from tapeflow.keras.utils import model_visualization as viz


def ticket_model():
    keras.backend.clear_session()
    title = keras.Input(shape=(10000,), name="title")
    text_body = keras.Input(shape=(10000,), name="text_body")
    tags = keras.Input(shape=(100,), name="tags")
    features = layers.Concatenate()([title, text_body, tags])
    features = layers.Dense(64, activation="relu")(features)
    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(4, activation="softmax", name="department")(features)
    return keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])


def graph_of(model, source):
    names = {str(id(layer)): layer.name for layer in model.layers}
    nodes = [names[i] for i in re.findall(r"^(\d+) \[label=", source, re.M)]
    edges = {(names[a], names[b]) for a, b in re.findall(r"^(\d+) -> (\d+)", source, re.M)}
    return nodes, edges


TICKET_EDGES = {("title", "concatenate"), ("text_body", "concatenate"),
                ("tags", "concatenate"), ("concatenate", "dense"), ("dense", "priority"),
                ("dense", "department")}


def test_multi_input_model_nodes_and_edges():
    model = ticket_model()
    source = viz.model_to_dot_source(model)
    nodes, edges = graph_of(model, source)
    assert nodes == ["title", "text_body", "tags", "concatenate", "dense", "priority",
                     "department"]
    assert edges == TICKET_EDGES
    assert source.count("->") == 6
    assert "rankdir=TB;" in source and "splines=ortho;" in source and "dpi=200;" in source


def test_labels_follow_keras():
    model = ticket_model()
    source = viz.model_to_dot_source(model, show_shapes=True, show_dtype=True,
                                     show_layer_names=True, show_layer_activations=True)
    dense = re.search(r"label=(<<table.*?<b>priority</b>.*?</table>>)", source).group(1)
    assert dense == (
        '<<table border="0" cellborder="1" bgcolor="black" cellpadding="10"><tr><td '
        'colspan="3" bgcolor="black"><font point-size="16" color="white"><b>priority</b> '
        '(Dense)</font></td></tr><tr><td bgcolor="white" colspan="3"><font point-size="14">'
        'Activation: <b>sigmoid</b></font></td></tr><tr><td bgcolor="white"><font '
        'point-size="14">Input shape: <b>(None, 64)</b></font></td><td bgcolor="white">'
        '<font point-size="14">Output shape: <b>(None, 1)</b></font></td><td bgcolor="white">'
        '<font point-size="14">Output dtype: <b>float32</b></font></td></tr></table>>')
    assert "Input shape: <b>[(None, 10000), (None, 10000), (None, 100)]</b>" in source
    plain = viz.model_to_dot_source(model, show_layer_names=False, rankdir="LR")
    assert "<b>Dense</b>" in plain and "<b>priority</b>" not in plain and "rankdir=LR;" in plain


def test_dot_file_needs_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    model = ticket_model()
    assert keras.utils.plot_model(model, tmp_path / "ticket.dot") is None
    text = (tmp_path / "ticket.dot").read_text()
    assert text.startswith("digraph G {") and graph_of(model, text)[1] == TICKET_EDGES
    with pytest.raises(ImportError, match="apt-get install graphviz"):
        keras.utils.plot_model(model, str(tmp_path / "ticket.png"))
    assert not (tmp_path / "ticket.png").exists()


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="Graphviz's `dot` is not installed (apt-get install graphviz)")
def test_png_and_svg_with_graphviz(tmp_path):
    model = ticket_model()
    keras.utils.plot_model(model, str(tmp_path / "ticket.png"), show_shapes=True)
    assert (tmp_path / "ticket.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keras.utils.plot_model(model, str(tmp_path / "ticket.svg"), show_layer_names=True)
    svg = (tmp_path / "ticket.svg").read_text()
    assert "<svg" in svg and all(name in svg for name in ("title", "text_body", "tags",
                                                          "priority", "department"))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # the image is readable like any file written with open(): 0666 less the umask (the
    # temporary file was created 0600)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "ticket.png").st_mode) == 0o666 & ~mask


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's own pyparsing calls
def test_model_to_dot_returns_pydot(monkeypatch):
    pytest.importorskip("pydot", reason="pydot is not installed (pip install pydot)")
    model = ticket_model()
    dot = keras.utils.model_to_dot(model)
    assert len(dot.get_edges()) == 6
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match=r"pip install pydot"):
        keras.utils.model_to_dot(model)


def test_sequential_and_nested_models():
    keras.backend.clear_session()
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="a"),
                              layers.Dense(2, name="b")], name="inner")
    _, edges = graph_of(inner, viz.model_to_dot_source(inner))
    assert edges == {("a", "b")}
    x = keras.Input((4,), name="x")
    outer = keras.Model(x, layers.Dense(1, name="head")(inner(x)))
    flat_nodes, flat_edges = graph_of(outer, viz.model_to_dot_source(outer))
    assert flat_nodes == ["x", "inner", "head"] and flat_edges == {("x", "inner"),
                                                                   ("inner", "head")}
    nested = viz.model_to_dot_source(outer, expand_nested=True)
    assert 'subgraph "cluster_inner"' in nested
    ids = {str(id(layer)): layer.name for layer in [*outer.layers, *inner.layers]}
    edges = {(ids[a], ids[b]) for a, b in re.findall(r"^(\d+) -> (\d+)", nested, re.M)}
    assert edges == {("x", "a"), ("a", "b"), ("b", "head")}


def test_errors():
    model = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="has not yet been built"):
        keras.utils.plot_model(model, "m.dot")
    with pytest.raises(ValueError, match="rankdir must be 'TB'"):
        viz.model_to_dot_source(ticket_model(), rankdir="BT")
    with pytest.raises(ValueError, match="layer_range"):
        keras.utils.plot_model(ticket_model(), "m.dot", layer_range=["a", "b"])
