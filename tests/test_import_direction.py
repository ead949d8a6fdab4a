"""The house plan, checked: every import in tapeflow points down the layer order.

``LAYERS`` below is the one written order of the house, bottom to top (docs/ARCHITECTURE.md
draws the same list). A module may import modules of its own layer or of lower
layers, never of a higher one. Imports are read from the source with ``ast``: module
level and inside functions alike (a lazy upward import is still an upward arrow), plus
``importlib.import_module("literal")``.

How a module finds its layer: an entry ``"a.b"`` names exactly the module ``a.b``; an
entry ``"a.b.*"`` names the package ``a.b`` and everything below it. The exact entry
wins, then the longest ``.*`` entry. Package ``__init__`` files that are public
namespaces (``tapeflow.keras.models`` ...) sit at the top, above what they re-export,
so code inside the house imports from the defining module, not from the namespace.

A new module lands in the layer of its nearest listed package; when it must sit
lower (because lower code imports it), add it to ``LAYERS`` and to the drawing in
docs/ARCHITECTURE.md.
"""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tapeflow"

# Bottom to top. Keep docs/ARCHITECTURE.md's drawing equal to this list.
LAYERS = [
    ("foundation", ["tapeflow._malloc", "tapeflow._missing", "tapeflow._version",
                    "tapeflow.compat", "tapeflow.config", "tapeflow.dtypes", "tapeflow.recording",
                    "tapeflow.tensor_shape", "tapeflow.test"]),
    ("tensor", ["tapeflow.tensor"]),
    ("ops", ["tapeflow.ops.*"]),
    ("engine", ["tapeflow.tape", "tapeflow.trace"]),
    ("tf modules", ["tapeflow.math", "tapeflow.nn", "tapeflow.linalg", "tapeflow.random",
                    "tapeflow.data.*", "tapeflow.summary.*", "tapeflow.function",
                    "tapeflow.function_program", "tapeflow.autograph", "tapeflow.module",
                    "tapeflow.string_arrays", "tapeflow.strings", "tapeflow.image",
                    "tapeflow.image_color", "tapeflow.io"]),
    ("keras base", ["tapeflow.keras.api_export", "tapeflow.keras.version",
                    "tapeflow.keras.build_limits",
                    "tapeflow.keras.saving.errors", "tapeflow.keras.saving.object_registration",
                    "tapeflow.keras.utils.naming", "tapeflow.keras.serialization_lib",
                    "tapeflow.keras._objects"]),
    ("file downloads", ["tapeflow.keras.datasets.download", "tapeflow.keras.datasets.idx",
                        "tapeflow.keras.datasets.registry", "tapeflow.keras.datasets.sources",
                        "tapeflow.keras.datasets.safe_pickle"]),
    ("keras functions", ["tapeflow.keras.activations", "tapeflow.keras.initializers",
                         "tapeflow.keras.regularizers", "tapeflow.keras.constraints",
                         "tapeflow.keras.utils.*", "tapeflow.keras.progbar",
                         "tapeflow.keras.backend", "tapeflow.keras.random"]),
    ("losses, metrics, optimizers", ["tapeflow.keras.losses.*", "tapeflow.keras.metrics.*",
                                     "tapeflow.keras.optimizers.*"]),
    ("layers", ["tapeflow.keras.layers.*"]),
    ("training", ["tapeflow.keras.trainer", "tapeflow.keras.compile_utils",
                  "tapeflow.keras.data_adapter", "tapeflow.keras.fit_inputs",
                  "tapeflow.keras.traced_step",
                  "tapeflow.keras.single_batch", "tapeflow.keras.trainer_metrics",
                  "tapeflow.keras.callbacks.*"]),
    ("saving formats", ["tapeflow.keras.saving.*"]),
    ("models", ["tapeflow.keras.models.*"]),
    ("pretrained models", ["tapeflow.keras.applications.*"]),
    ("keras datasets", ["tapeflow.keras.datasets.*", "tapeflow.keras.preprocessing.*"]),
    ("keras namespaces", ["tapeflow.keras", "tapeflow.keras.models", "tapeflow.keras.saving",
                          "tapeflow.keras.saving.loading", "tapeflow.keras.saving.serialization",
                          "tapeflow.keras.callbacks", "tapeflow.keras.utils",
                          "tapeflow.keras.applications"]),
    ("tf namespace", ["tapeflow"]),
    # keras.ops is written on the tf namespace (``import tapeflow as tf``), so it sits above it.
    ("keras.ops", ["tapeflow.keras.ops.*"]),
    ("applications", ["tapeflow.viz.*", "tapeflow.commands.*", "tapeflow.cli",
                      "tapeflow.__main__"]),
]


def _modules():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def layer_of(module):
    """``(index, name)`` of ``module``'s layer in :data:`LAYERS`."""
    best, best_len = None, -1
    for index, (name, entries) in enumerate(LAYERS):
        for entry in entries:
            if entry == module:
                return index, name
            if entry.endswith(".*"):
                prefix = entry[:-2]
                if (module == prefix or module.startswith(prefix + ".")) and \
                        len(prefix) > best_len:
                    best, best_len = (index, name), len(prefix)
    if best is None:  # a new module: the layer of its nearest listed ancestor package
        parent = module.rpartition(".")[0]
        return layer_of(parent) if parent else (len(LAYERS), "unlisted")
    return best


def _targets(module, node):
    """The tapeflow modules one import statement (or import_module call) names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        target = node.module if not node.level else \
            base + ("." + node.module if node.module else "")
        # "from pkg import sub" names the submodule; "from pkg import name" the package
        names = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target
                 for a in node.names]
    else:
        names = [node.args[0].value]
    out = set()
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name and name != module:
            out.add(name)
    return out


def _is_import_module(node):
    return isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
        node.func, "id", None)) == "import_module" and node.args and isinstance(
        node.args[0], ast.Constant) and isinstance(node.args[0].value, str)


def import_graph():
    """``{module: {imported module: line}}`` over every tapeflow module."""
    graph = {}
    for module, path in MODULES.items():
        edges = graph.setdefault(module, {})
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)) or _is_import_module(node):
                for target in _targets(module, node):
                    edges.setdefault(target, node.lineno)
    return graph


def upward_imports():
    """``[(module, line, target, module's layer, target's layer)]`` pointing up."""
    found = []
    for module, edges in sorted(import_graph().items()):
        here = layer_of(module)
        for target, line in sorted(edges.items()):
            there = layer_of(target)
            if there[0] > here[0]:
                found.append((module, line, target, here[1], there[1]))
    return found


def test_layer_entries_name_real_modules():
    for name, entries in LAYERS:
        for entry in entries:
            module = entry[:-2] if entry.endswith(".*") else entry
            assert module in MODULES, (
                f"LAYERS[{name!r}] lists {entry!r}, but there is no such module; "
                f"remove it or fix the name.")


def test_imports_point_down():
    found = upward_imports()
    message = "\n".join(
        f"  {module} (line {line}, layer {here!r}) imports {target} (layer {there!r})"
        for module, line, target, here, there in found)
    assert not found, (
        f"{len(found)} import(s) point up the house (tests/test_import_direction.py "
        f"LAYERS, drawn in docs/ARCHITECTURE.md):\n{message}\nMove the shared code down, "
        f"import from the module that defines the name (not a namespace package), or "
        f"look names up in tapeflow.keras.api_export instead of importing the package.")


def test_graph_sees_function_level_imports(tmp_path):
    tree = ast.parse("def f():\n    from tapeflow.keras import models\n")
    names = [t for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             for t in _targets("tapeflow.keras.layers.dense", node)]
    assert names == ["tapeflow.keras.models"]
    assert layer_of("tapeflow.keras.layers.dense") < layer_of("tapeflow.keras.models")


@pytest.mark.parametrize("module, layer", [
    ("tapeflow.tensor", "tensor"), ("tapeflow.ops.math", "ops"),
    ("tapeflow.keras.layers.dense", "layers"), ("tapeflow.keras.models", "keras namespaces"),
    ("tapeflow.keras.models.model", "models"), ("tapeflow.keras.saving", "keras namespaces"),
    ("tapeflow.keras.saving.keras_file", "saving formats"), ("tapeflow.cli", "applications")])
def test_layer_of(module, layer):
    assert layer_of(module)[1] == layer


def test_tensor_operators_are_declared_in_tensor_py():
    from tapeflow.tensor import Tensor, Variable
    for name in ("__add__", "__radd__", "__sub__", "__mul__", "__truediv__", "__matmul__",
                 "__neg__", "__eq__", "__lt__", "__getitem__", "__pow__", "__invert__"):
        assert name in vars(Tensor), f"Tensor.{name} must be written in tapeflow/tensor.py"
        assert getattr(Tensor, name).__module__ == "tapeflow.tensor"
    assert "__getitem__" in vars(Variable)


def test_module_aliases_say_what_they_are():
    """No ``K``/``M``/``m``-style module aliases: ``math_ops``, ``kernels``, not ``M``, ``K``."""
    short = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                short += [f"{module}:{node.lineno} imports {a.name} as {a.asname}"
                          for a in node.names if a.asname and
                          len(a.asname.lstrip("_")) <= 2 and a.asname not in ("np", "tf") and
                          (isinstance(node, ast.Import) or _targets(module, node) & {
                              f"{node.module}.{a.name}"})]
    assert not short, "Name imported modules for what they are:\n" + "\n".join(short)


def layers_text(width=92):
    """The layer order as docs/ARCHITECTURE.md draws it, top of the house first."""
    lines = []
    for name, entries in reversed(LAYERS):
        line, rows = f"{name:<28}", []
        for entry in entries:
            piece = entry + ", "
            if len(line) + len(piece) > width and line.strip() != name:
                rows.append(line.rstrip())
                line = " " * 28
            line += piece
        rows.append(line.rstrip().rstrip(","))
        lines.extend(rows)
        lines.append(f"{'':<12}↓")
    return "\n".join(lines[:-1])


def test_architecture_doc_draws_these_layers():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    assert layers_text() in doc, (
        "docs/ARCHITECTURE.md must draw LAYERS exactly; paste the output of "
        "tests.test_import_direction.layers_text() into its layer drawing.")
