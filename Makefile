# The two commands a newcomer needs: `make demo` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := out/demo

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	rm -rf $(DEMO)
	$(BIN)/sra init $(DEMO)/sra --example
	$(BIN)/sra validate --workspace $(DEMO)/sra
	@# The example has deliberate gaps, so lint exits 1; only 2 (a broken run) stops the demo.
	$(BIN)/sra lint --workspace $(DEMO)/sra --output $(DEMO)/lint.txt; test $$? -le 1
	$(BIN)/sra lint --workspace $(DEMO)/sra --format sarif --output $(DEMO)/lint.sarif; test $$? -le 1
	$(BIN)/sra report --workspace $(DEMO)/sra --format html --out $(DEMO)/report.html
	$(BIN)/sra report --workspace $(DEMO)/sra --format pdf --out $(DEMO)/report.pdf
	$(BIN)/sra report --workspace $(DEMO)/sra --format docx --out $(DEMO)/report.docx
	$(BIN)/sra quantify --workspace $(DEMO)/sra --out $(DEMO)/quantify.txt
	@echo
	@tail -n 1 $(DEMO)/lint.txt
	@echo "Example workspace: $(DEMO)/sra"
	@echo "Lint report:       $(DEMO)/lint.txt (SARIF: $(DEMO)/lint.sarif)"
	@echo "SRA report:        $(DEMO)/report.html"
	@echo "SRA report (PDF):  $(DEMO)/report.pdf"
	@echo "SRA report (Word): $(DEMO)/report.docx"
	@echo "Annual loss:       $(DEMO)/quantify.txt"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench docs scripts
	$(BIN)/ruff format --check src tests bench docs scripts
	$(BIN)/mypy

# The database tests need the PostgreSQL server on 127.0.0.1:5432; the script starts it (and
# on a fresh root machine installs it) or says why the tests marked `postgres` will skip.
# The web app's browser tests drive Debian's chromium, installed the same way when missing.
test: lint
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest -n auto

# The peers the benchmarks compare with (pyfair, Presidio) are the `bench` extra, not dev's.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py --size enterprise

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

docs: $(VENV)/.installed-dev
	$(BIN)/python docs/generate.py
