# Task runner. Every target creates .venv and installs the project when missing
# or when pyproject.toml changed, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv run test bench lint check cov clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## The main job: validate every bundled example, run every scenario, write reports/latest/.
run: $(STAMP)
	$(BIN)/synharness run

## Every test (PostgreSQL tests skip with a reason when it is unreachable, fail under CI=true).
test: $(STAMP)
	$(BIN)/python -m pytest

## Benchmarks: print ratios against references measured in the same run; writes bench/results.json.
bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks -m bench -q -s

lint: $(STAMP)
	$(BIN)/ruff format --check harness agents reports api tests
	$(BIN)/ruff check harness agents reports api tests
	$(BIN)/mypy

check: lint

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache reports/latest
