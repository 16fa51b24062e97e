# The two commands a newcomer needs: `make run` and `make test`.
# Each sets up what it needs: Debian packages (as root), the .venv, the package.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint system-test system-run clean-venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

system-test:
	@bash .ci/system-packages.sh test

system-run:
	@bash .ci/system-packages.sh run

run: system-run $(STAMP)
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found. On a headless machine: xvfb-run -a make run"; exit 1; fi
	$(VENV)/bin/workbench

test: system-test $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check workbench tests

bench: system-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks

clean-venv:
	rm -rf $(VENV)
