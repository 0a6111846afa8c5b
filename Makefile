# Passerelle: `make run` serves the app on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HTMX_VERSION := 2.0.11
HTMX_SHA256 := d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717
HTMX := app/static/vendor/htmx.min.js

.PHONY: run test install install-test lint migrate demo bench clean

run: install $(HTMX) migrate
	$(BIN)/passerelle demo load --if-empty
	PORT=$(PORT) $(BIN)/passerelle run --port $(PORT)

test: install-test $(HTMX)
	$(BIN)/ruff check app basics providers scrapers tests bench migrations/env.py
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Passerelle needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-install: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-install-test: pyproject.toml $(VENV)/.stamp-install
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.stamp-install
install-test: $(VENV)/.stamp-install-test

# htmx comes from the npm package, pinned and checksum-verified, into a git-ignored folder.
$(HTMX):
	mkdir -p var/npm app/static/vendor
	cd var/npm && npm pack --silent htmx.org@$(HTMX_VERSION) > /dev/null
	tar -xzf var/npm/htmx.org-$(HTMX_VERSION).tgz -C var/npm package/dist/htmx.min.js
	echo "$(HTMX_SHA256)  var/npm/package/dist/htmx.min.js" | sha256sum -c --quiet -
	cp var/npm/package/dist/htmx.min.js $@

migrate: install
	$(BIN)/passerelle db upgrade

bench: install-test
	$(BIN)/python bench/rpw_import.py
	$(BIN)/python bench/collect_cycle.py
	$(BIN)/python bench/browse.py

clean:
	rm -rf $(VENV) var app/static/vendor
