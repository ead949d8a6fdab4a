# tapeflow: two commands on a fresh machine.
#   make train   set up .venv, fetch MNIST and Fashion-MNIST, train the chapter-2 network,
#                report test accuracy
#   make test    set up .venv and run the test suite
#   make figures regenerate every figure of the course into figures/
#   make bench   run the benchmarks (figures beside a reference measured in the same run)
#   make docs    API reference from the docstrings (docs/api/) and docs/what_runs.md
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: train test bench figures docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# setuptools prints a note on every editable install; the build is otherwise clean
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

train: $(STAMP)
	@$(VENV)/bin/tapeflow datasets fetch fashion_mnist || \
		echo "make train: Fashion-MNIST is not available (see above); training MNIST anyway."
	$(VENV)/bin/tapeflow datasets fetch mnist
	$(VENV)/bin/tapeflow train mnist

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	cd benchmarks && for b in op_dispatch tiny_step predict mnist_mlp mnist_floor fashion_mlp mnist_cnn dataset_pipeline custom_loop import_time; \
		do ../$(PY) $$b.py || exit 1; done

docs: $(STAMP)
	$(PY) scripts/make_docs.py --out docs

figures: $(STAMP)
	$(PY) scripts/make_figures.py --out-dir figures

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
