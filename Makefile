# pactsim: the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PACTSIM := $(BIN)/pactsim
OUT ?= out

.PHONY: demo test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

## demo: install pactsim and run the flagship scenario
demo: $(VENV)/.runtime
	$(PACTSIM) validate afghanistan-2023
	$(PACTSIM) show afghanistan-2023

## test: install the dev extras and what the tests need, then run the whole suite
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n 2 --timeout 900

## bench: speed benchmarks, each printing ratios against a reference run in the same script
bench: $(VENV)/.dev
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

## lint: ruff and mypy
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache
