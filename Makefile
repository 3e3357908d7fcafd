# Task runner. Every target creates .venv and installs the project when missing
# or when pyproject.toml changed, so each works on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv typecheck-tree run test bench lint check cov clean

# The Tone.js renderer of `synharness render` (issue 12): Node packages pinned by the
# lock file, installed into the package folder (never shipped: .gitignore, package-data).
TONE_DIR   := harness/render/tone
TONE_STAMP := $(TONE_DIR)/node_modules/.installed-stamp

# The link tree build/typecheck/synharness mirrors the installed package names
# (synharness -> harness/, synharness.agents -> agents/, ...) for mypy and
# editors, which cannot follow setuptools' editable finder (see pyproject.toml).
TYPECHECK := build/typecheck/synharness

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[all,dev]'
	@touch $(STAMP)

$(TONE_STAMP): $(TONE_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(TONE_DIR) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed-stamp; \
	else \
		echo "npm not found: the Tone.js renderer is not installed (audio renders report SYN-RENDER-005/006)."; \
		echo "Install Node.js >= 20 with npm and run make again."; \
	fi

typecheck-tree:
	@rm -rf build/typecheck && mkdir -p $(TYPECHECK)
	@for f in harness/*; do case "$$f" in */__pycache__) ;; *) ln -s "$(CURDIR)/$$f" $(TYPECHECK)/ ;; esac; done
	@for d in agents api reports; do ln -s "$(CURDIR)/$$d" $(TYPECHECK)/$$d; done

venv: $(STAMP) $(TONE_STAMP) typecheck-tree

## The main job: validate every bundled example, run every scenario, write reports/latest/.
run: $(STAMP) $(TONE_STAMP)
	$(BIN)/synharness run

## Every test (PostgreSQL tests skip with a reason when it is unreachable, fail under CI=true).
test: $(STAMP) $(TONE_STAMP)
	$(BIN)/python -m pytest

## Benchmarks: print ratios against references measured in the same run; writes bench/results.json.
bench: $(STAMP) $(TONE_STAMP)
	$(BIN)/python -m pytest tests/benchmarks -m bench -q -s

lint: $(STAMP) typecheck-tree
	$(BIN)/ruff format --check harness agents reports api tests
	$(BIN)/ruff check harness agents reports api tests
	$(BIN)/mypy

check: lint

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache reports/latest
