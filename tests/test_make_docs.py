"""make docs: the API pages and the "What runs, what does not yet" page are generated."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _make_docs():
    spec = importlib.util.spec_from_file_location(
        "make_docs", os.path.join(ROOT, "scripts", "make_docs.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_docs_writes_api_pages_and_what_runs(tmp_path):
    _make_docs().main(["--out", str(tmp_path)])
    index = (tmp_path / "api" / "index.html").read_text()
    assert 'href="tf.keras.layers.html"' in index
    layers = (tmp_path / "api" / "tf.keras.layers.html").read_text()
    assert "<b>Dense</b>" in layers and "units" in layers  # signature and docstring
    assert "<b>dense</b>" not in layers                    # internal modules left out
    page = (tmp_path / "what_runs.md").read_text()
    assert "## `tf.keras.layers`" in page and "`Dense`" in page
    assert "- `tf.saved_model`: instead, model.save('x.keras')" in page
    assert "- `tf.keras.layers.LSTM`" in page
