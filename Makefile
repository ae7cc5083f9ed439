# Two commands on a fresh machine: `make demo` and `make test`. Each sets itself up:
# a virtual environment in .venv with minigrad and its extras, and Graphviz's `dot`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-output
EXTRAS ?= dev,plot,examples

.PHONY: demo test docs bench lint setup dot clean

demo: setup
	$(BIN)/python -m minigrad demo --out $(OUT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

docs: setup
	$(BIN)/pip install -q -e '.[docs]'
	$(BIN)/python docs/make_figures.py
	$(BIN)/mkdocs build --strict

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

clean:
	rm -rf $(VENV) $(OUT) site .pytest_cache .hypothesis
