# The two commands a newcomer needs: `make run` and `make test`.
# Each sets up what it needs: Debian packages (as root), the .venv from the lock, the package.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# One lock per supported Python (Linux x86-64), exact versions with hashes.
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
LOCK := requirements/lock-py$(PYVER).txt
LOCK_PYTHONS := 3.11 3.12

.PHONY: run test bench lint check-env lock fresh-check system-test system-run clean-venv

# A changed pyproject or lock re-installs; the install is exactly the lock, then the
# project itself without dependencies (so pip cannot pull a newer release beside it).
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	@test -f $(LOCK) || { echo "No lock for Python $(PYVER): supported are $(LOCK_PYTHONS)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

system-test:
	@bash .ci/system-packages.sh test

system-run:
	@bash .ci/system-packages.sh run

run: system-run $(STAMP)
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found. On a headless machine: xvfb-run -a make run"; exit 1; fi
	$(VENV)/bin/workbench

test: system-test $(STAMP) check-env lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

# Fails loudly when the installed packages drift from the lock, or do not fit together.
check-env: $(STAMP)
	$(PY) .ci/check_env.py $(LOCK)
	@$(PY) -m pip check >/dev/null || { $(PY) -m pip check; echo "pip check failed: run make clean-venv, then make test" >&2; exit 1; }

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check workbench tests

bench: system-test $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks

# Regenerate the locks from pyproject.toml (needs the registry; commit the result).
lock: $(STAMP)
	@for v in $(LOCK_PYTHONS); do \
	  $(VENV)/bin/uv pip compile pyproject.toml --extra dev --quiet --generate-hashes \
	    --python-version $$v --python-platform x86_64-manylinux_2_34 \
	    --custom-compile-command "make lock" -o requirements/lock-py$$v.txt || exit 1; \
	done

# Clone main into a temporary folder, set up from nothing and run the whole suite.
fresh-check:
	bash .ci/fresh-check.sh

clean-venv:
	rm -rf $(VENV)
