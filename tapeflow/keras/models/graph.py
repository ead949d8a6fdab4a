"""The Functional graph: from output KerasTensors back to the inputs, in layers.

:func:`map_graph` finds the nodes (layer calls) between ``inputs`` and ``outputs``,
gives each a depth (outputs 0, their producers 1, ...), orders the layers as Keras
does (deepest first, ties by discovery order from the outputs) and checks that every
tensor used can be computed from the inputs. :func:`compile_plan` turns the nodes
into a flat list of steps over numbered slots, so running the model is one loop.
"""
import collections

from tapeflow.keras.layers.keras_tensor import KerasTensor
from tapeflow.tape import flatten, pack_like

__all__ = ["Graph", "map_graph", "compile_plan", "Slot"]

Graph = collections.namedtuple("Graph", ["nodes", "nodes_by_depth", "operations"])


def _node_of(t):
    hist = t._keras_history
    if hist is None:
        raise ValueError(f"{t} was not produced by a Keras layer (it has no history). Use "
                         f"tensors returned by keras.Input(...) and by layers called on them.")
    op, node_index, _ = hist
    return op._inbound_nodes[node_index]


def _walk(inputs, outputs):
    """Nodes in decreasing depth (post-order from the outputs) and discovery indices."""
    input_ids = {id(t) for t in inputs}
    finished, in_progress, order, op_index = set(), set(), [], {}

    def visit(t):
        node = _node_of(t)
        if id(t) in input_ids and not node.is_input:
            return  # an intermediate tensor used as a model input is a source
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f"The graph of layer {node.operation.name!r} has a cycle.")
        op_index.setdefault(id(node.operation), len(op_index))
        in_progress.add(id(node))
        if id(t) not in input_ids:
            for x in node.input_tensors:
                visit(x)
        in_progress.discard(id(node))
        finished.add(id(node))
        order.append(node)

    for t in outputs:
        visit(t)
    return order, op_index


def _depths(order, inputs, op_index):
    in_graph = {id(n) for n in order}
    node_depth, op_depth, nodes = {}, {}, {}
    for node in reversed(order):
        depth = max(node_depth.get(id(node), 0), op_depth.get(id(node.operation), 0))
        op_depth[id(node.operation)] = depth
        node_depth[id(node)] = depth
        nodes[id(node)] = node
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
                nodes[id(parent)] = parent
    for t in inputs:  # inputs not connected to any output still belong to the model
        node = _node_of(t)
        if node.is_input and id(node) not in node_depth:
            node_depth[id(node)] = 0
            op_depth[id(node.operation)] = 0
            op_index[id(node.operation)] = -1
            nodes[id(node)] = node
    by_depth = collections.defaultdict(list)
    for key, depth in node_depth.items():
        by_depth[depth].append(nodes[key])
    return by_depth, op_depth


def map_graph(inputs, outputs):
    """The :class:`Graph` between flat lists of input and output KerasTensors."""
    order, op_index = _walk(inputs, outputs)
    by_depth, op_depth = _depths(order, inputs, op_index)
    ops = {}
    for node in order:
        ops.setdefault(id(node.operation), node.operation)
    for t in inputs:
        node = _node_of(t)
        if node.is_input:
            ops.setdefault(id(node.operation), node.operation)
    operations = sorted(ops.values(), key=lambda op: (-op_depth[id(op)], op_index[id(op)]))
    names = collections.Counter(op.name for op in operations)
    for name, count in names.items():
        if count > 1:
            raise ValueError(f'The name "{name}" is used {count} times in the model. All '
                             f'layer names should be unique; pass name="..." to the layers.')
    nodes = _check_connected(inputs, outputs, by_depth)
    return Graph(nodes, dict(sorted(by_depth.items(), reverse=True)), operations)


def _check_connected(inputs, outputs, by_depth):
    computable = {id(t) for t in inputs}
    done, nodes = [], []
    for depth in sorted(by_depth, reverse=True):
        for node in by_depth[depth]:
            for x in node.input_tensors:
                if id(x) not in computable:
                    _disconnected(x, node.operation.name, done)
            if not node.is_input:
                computable.update(id(o) for o in node.outputs)
                nodes.append(node)
            done.append(node.operation.name)
    for t in outputs:
        if id(t) not in computable:
            _disconnected(t, "(model output)", done)
    return nodes


def _disconnected(tensor, layer_name, done):
    source = tensor._keras_history.operation.name
    raise ValueError(
        f'Graph disconnected: cannot find parent for tensor {tensor} at layer "{layer_name}". '
        f'The following previous layers were accessed without issue: {done}. The tensor '
        f'comes from layer "{source}", which is not connected to the model\'s `inputs`: pass '
        f'it in inputs=[...] too, or compute the outputs from the inputs you passed.')


class Slot:
    """A placeholder for the value in slot ``index`` while a plan runs."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def compile_plan(inputs, outputs, nodes):
    """``(steps, n_slots, output_slots)``: each step is ``(layer, single, template,
    kwargs, out_slots)`` where ``single`` is the slot of a lone tensor argument (the
    fast path) and ``template`` the argument structure with :class:`Slot` markers."""
    slot = {id(t): i for i, t in enumerate(inputs)}
    n = len(inputs)
    steps = []
    for node in nodes:
        args, kwargs = node.arguments
        if len(args) == 1 and isinstance(args[0], KerasTensor):
            single, template = slot[id(args[0])], None
        else:
            single = None
            template = pack_like(list(args), [Slot(slot[id(x)]) if isinstance(x, KerasTensor)
                                              else x for x in flatten(list(args))])
        outs = []
        for t in node.outputs:
            slot[id(t)] = n
            outs.append(n)
            n += 1
        steps.append((node.operation, single, template, dict(kwargs), tuple(outs)))
    return steps, n, [slot[id(t)] for t in outputs]


def fill(template, slots):
    """``template`` with every :class:`Slot` replaced by its value."""
    return pack_like(template, [slots[x.index] if isinstance(x, Slot) else x
                                for x in flatten(template)])
