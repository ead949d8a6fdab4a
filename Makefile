# tapeflow: two commands on a fresh machine.
#   make train   set up .venv, fetch MNIST, train the chapter-2 network, report test accuracy
#   make test    set up .venv and run the test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: train test bench figures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

train: $(STAMP)
	$(PY) -m tapeflow.keras.datasets fetch mnist
	$(PY) examples/ch2_first_network.py

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/op_dispatch.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
