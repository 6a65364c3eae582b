# Self-Attention, Built by Hand. `make help` lists the targets.
# Each target sets up what it needs the first time: a .venv with the locked
# requirements (requirements.txt, every package pinned with its hashes) and the
# selfattention package installed editable.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# PyTorch's own index serves torch's CPU build (2.13.0+cpu); used when reachable.
TORCH_INDEX := https://download.pytorch.org/whl/cpu

.DEFAULT_GOAL := help
.PHONY: help setup lock lint book test test-site check-binder lab bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(STAMP)  ## create .venv and install everything (done automatically by the others)

$(STAMP): requirements.txt requirements.in pyproject.toml $(wildcard jupyter-config/*/* jupyter-config/*/*/*)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	@# The lock is for Python 3.11; elsewhere install the direct pins of requirements.in.
	@index=$$($(BIN)/python -c 'import urllib.request as r; r.urlopen("$(TORCH_INDEX)/", timeout=5); print("--extra-index-url $(TORCH_INDEX)")' 2>/dev/null); \
	if $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
	  echo "pip install --require-hashes -r requirements.txt $$index"; \
	  $(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt $$index; \
	else \
	  echo "note: requirements.txt is locked for Python 3.11; installing requirements.in's direct pins"; \
	  $(BIN)/python -m pip install --quiet -r requirements.in $$index; \
	fi
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# JupyterLab's widget round trips without Nagle's delay (src/selfattention_lab.py)
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	cp jupyter-config/jupyter_server_config.d/selfattention.json $(VENV)/etc/jupyter/jupyter_server_config.d/
	@# Save widget state with the notebook, so a saved notebook reopens with its widgets
	@# (drawn by their front ends) instead of "Error displaying widget: model not found"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp jupyter-config/lab/settings/overrides.json $(VENV)/share/jupyter/lab/settings/
	@touch $(STAMP)

lock:  ## re-resolve requirements.in and binder/requirements.in into the hashed locks
	@test -x $(BIN)/python || $(MAKE) setup
	$(BIN)/python scripts/lock_requirements.py

lint: $(STAMP)  ## ruff on the package, tests, notebooks and scripts
	$(BIN)/ruff check .

book: $(STAMP)  ## build the website strictly into _build/html, running every notebook
	$(BIN)/python scripts/vendor_assets.py
	@# The execution cache keys on the notebooks' code only: when the package changes,
	@# its outputs (widget snapshots, figures, numbers) are stale, so start afresh.
	@hash=$$(find src -name '*.py' -o -name '*.js' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16); \
	if [ "$$(cat .jupyter_cache/.package-hash 2>/dev/null)" != "$$hash" ]; then \
	  echo "the selfattention package changed: clearing the execution cache and the built pages"; \
	  rm -rf .jupyter_cache _build/html _build/.doctrees _build/jupyter_execute; \
	  mkdir -p .jupyter_cache && echo "$$hash" > .jupyter_cache/.package-hash; \
	fi
	$(BIN)/jupyter-book build . -W -n --keep-going
	@# Sphinx copies _assets only when a page was rebuilt, and never over an existing
	@# file: copy the stylesheet ourselves so an edit to it always shows.
	cp -f _assets/*.css _build/html/_static/
	@echo
	@echo "The book is in $(CURDIR)/_build/html"
	@echo "Open _build/html/index.html in a browser, or serve it with:"
	@echo "    python3 -m http.server --directory _build/html 8000   # then visit http://localhost:8000"

test: $(STAMP)  ## unit and property tests, then every chapter notebook run headless
	$(BIN)/python -m pytest tests chapters --nbmake

CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	@echo "The browser tests need Debian's chromium (Playwright cannot download its own here)."
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

test-site: $(STAMP) $(CHROMIUM)  ## browser tests of the built site (run make book first); screenshots in _build/screenshots
	$(BIN)/python -m pytest site_tests

check-binder:  ## build a fresh venv from binder/ alone and run every notebook in it
	bash scripts/check_binder.sh

# Jupyter refuses to run as root unless told to (containers, CI machines).
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: $(STAMP)  ## open JupyterLab on the chapters, with widgets working
	$(BIN)/jupyter lab --ServerApp.root_dir=chapters $(ALLOW_ROOT)

bench: $(STAMP)  ## run the benchmarks and print their figures
	$(BIN)/python benchmarks/run.py

clean:  ## remove the built site and the execution cache (keeps .venv)
	rm -rf _build .jupyter_cache
