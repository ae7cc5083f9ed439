# Two commands on a fresh machine: `make demo` and `make test`. Each sets itself up:
# a virtual environment in .venv with minigrad and its extras, and Graphviz's `dot`;
# `make test` also PyTorch (the CPU build, the oracle of the conformance suite), numba (so
# the optional compiled BatchNorm kernels are tested against the NumPy ones) and headless
# Chromium for the explorer's browser tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-output
EXTRAS ?= dev,plot,examples

.PHONY: demo test docs notebooks dist bench lint setup dot browser clean

demo: setup
	$(BIN)/python -m minigrad demo --out $(OUT)

test: setup browser
	$(BIN)/pip install -q -e '.[parity,fast]'
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The site in site/: figures and measured numbers into docs/figures/ (ignored by git), then
# MkDocs, which executes the notebooks and copies MathJax into the site (works offline).
docs: setup browser
	$(BIN)/pip install -q -e '.[docs]'
	$(BIN)/python docs/make_figures.py
	NO_MKDOCS_2_WARNING=1 PYTHONPATH=$(CURDIR) $(BIN)/mkdocs build --strict

# Open the notebooks of docs/notebooks/ in Jupyter.
notebooks: setup
	$(BIN)/pip install -q -e '.[docs,notebooks]'
	$(BIN)/jupyter lab docs/notebooks

# The sdist and the wheel in dist/, their metadata checked as PyPI would.
dist: setup
	$(BIN)/pip install -q -e '.[release]'
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

bench: setup
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/run.py

lint: setup
	$(BIN)/ruff check minigrad tests examples benchmarks

setup: $(VENV)/.installed dot

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[$(EXTRAS)]'
	touch $@

dot:
	@sh scripts/ensure-dot.sh

browser:
	@sh scripts/ensure-browser.sh

clean:
	rm -rf $(VENV) $(OUT) site dist docs/figures .cache .pytest_cache .hypothesis
