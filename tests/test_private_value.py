"""House rule: outside the core, code reads a tensor's array through ``Tensor.array`` and
writes a variable in place through ``Variable.buffer`` (or ``rebind_buffer``), never
through the private ``_value`` slot, so the array module behind tensors can change in one
place (issue #13, item 5)."""
import pathlib
import re

import tapeflow

ROOT = pathlib.Path(tapeflow.__file__).parent
# The engine itself: the tensor, the ops and the machinery that records and replays them.
CORE = {"tensor.py", "tape.py", "trace.py", "function.py", "function_program.py"}
PRIVATE = re.compile(r"\._value\b|[\"']_value[\"']")


def _outside_core():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "ops" or str(rel) in CORE:
            continue
        yield rel, path


def test_no_private_value_outside_the_core():
    found = [f"tapeflow/{rel}:{n}: {line.strip()}"
             for rel, path in _outside_core()
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if PRIVATE.search(line)]
    assert not found, ("use t.array (read) / v.buffer (in-place write) instead of ._value "
                       "outside the core:\n" + "\n".join(found))


def test_the_rule_catches_a_use():
    assert PRIVATE.search("w = variable._value") and PRIVATE.search('getattr(x, "_value")')
    assert not PRIVATE.search("max_value = 3")
