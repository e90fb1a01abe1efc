# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest docs-check bench clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pullaway --store $(VENV)/demo-store.db analyze "samples/WhatsApp Chat with Leo.txt" --me Maya

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

pytest: $(STAMP) browser
	$(BIN)/pytest -q

docs-check: $(STAMP)
	$(BIN)/python scripts/cli_docs.py --check
	$(BIN)/python scripts/ampm_markers.py --check

test: lint typecheck pytest docs-check
	$(BIN)/pullaway --help >/dev/null

bench: $(STAMP)
	$(BIN)/python bench/import_speed.py

clean:
	rm -rf $(VENV) build dist
