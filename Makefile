# pactsim: the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PACTSIM := $(BIN)/pactsim
OUT ?= out

.PHONY: demo test bench lint clean bytecode mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.runtime

# byte-compile pactsim's sources, as pip does for a regular install: an editable install
# otherwise compiles every module from source in each new process (worker processes, the
# CLI) wherever bytecode writing is off (PYTHONDONTWRITEBYTECODE)
bytecode: | $(BIN)/python
	$(BIN)/python -m compileall -q src

DEMO_SAMPLES ?= 60
DEMO_REPLICATIONS ?= 1

## demo: install pactsim, run the flagship scenario's policies, an ensemble and the report
demo: $(VENV)/.runtime bytecode
	$(PACTSIM) validate afghanistan-2023
	$(PACTSIM) run afghanistan-2023 --policy all --seed 1 --out $(OUT)/runs --plot
	$(PACTSIM) check-calibration afghanistan-2023 --seeds 4
	$(PACTSIM) ensemble afghanistan-2023 --samples $(DEMO_SAMPLES) \
		--replications $(DEMO_REPLICATIONS) --seed 1 --store $(OUT)/afghanistan-2023.duckdb
	$(PACTSIM) compare $(OUT)/afghanistan-2023.duckdb --plot $(OUT)/compare.png
	$(PACTSIM) report $(OUT)/afghanistan-2023.duckdb --out $(OUT)/report.html
	@echo "report written to $(OUT)/report.html"

## test: install the dev extras and what the tests need, then run the whole suite
test: $(VENV)/.dev bytecode
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n 2 --timeout 900 --durations 15

MUTATION_CHILDREN ?= 2
# mutmut's mutant names (shell patterns) to run and count, e.g. 'pactsim.models.region*';
# empty: every mutant
MUTANTS ?=

## mutation: mutation testing (mutmut) of the engagement loop, its two models and the outputs,
## against their own tests (pyproject.toml, [tool.mutmut]; docs/testing.md). Always from a
## clean mutants/: mutmut's cache does not notice a changed test. One numba thread per
## mutant: the parallelism is across mutants.
mutation: $(VENV)/.dev
	rm -rf mutants
	set -f; env -u PYTHONPATH NUMBA_NUM_THREADS=1 \
		$(BIN)/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS)
	@set -f; $(BIN)/python scripts/mutation_score.py $(MUTANTS)

## bench: speed benchmarks, each printing ratios against a reference run in the same script
bench: $(VENV)/.dev
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

## lint: ruff and mypy
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .mypy_cache mutants
