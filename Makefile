# digest: two commands for a newcomer, `make run` and `make test`; everything they need is here.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# The interpreter named by .python-version: python3.13 on PATH (pyenv's shim reads the file too).
BOOTSTRAP_PYTHON := $(shell command -v python$(PYTHON_VERSION) 2>/dev/null || command -v python3 2>/dev/null)

.PHONY: help install install-production run test lint bench serve migrate demo lock clean screenshots

help:
	@echo "make run    set up, migrate, load the demo issue and accounts, serve on http://$(HOST):$(PORT)"
	@echo "           (with the task worker that fetches saved pages beside it)"
	@echo "make test   set up, lint (ruff, import contracts) and run the whole test suite"
	@echo "make serve  production server (gunicorn) with the settings from the environment"
	@echo "make bench  benchmarks; results in docs/performance.md"

# Two pinned, hashed locks: requirements.lock is what production runs; requirements-dev.lock is
# the same pins plus the test and lint tools. `make run` and `make test` install the second,
# `make serve` only the first.
$(VENV)/bin/python:
	@test -n "$(BOOTSTRAP_PYTHON)" || { echo "Python $(PYTHON_VERSION) is needed (see .python-version)"; exit 1; }
	@$(BOOTSTRAP_PYTHON) -c 'import sys; v = "%d.%d" % sys.version_info[:2]; sys.exit(v != "$(PYTHON_VERSION)" and "Python $(PYTHON_VERSION) is needed, found " + v)'
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

$(VENV)/.installed-production: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

install: $(VENV)/.installed
install-production: $(VENV)/.installed-production

migrate: install
	$(MANAGE) migrate --noinput

# `make run` is for development: DEBUG on (demo accounts, full error pages, static files
# straight from static/). Production uses `make serve` with settings from the environment.
run demo: export DEBUG := 1

# The development settings for `manage.py` commands typed by hand (createsuperuser,
# export_issue, …): DEBUG on and a key of its own, written once, git-ignored; the settings read
# it when present (digest/environment.py). Production has no .env: its environment says it all.
.env: | $(VENV)/bin/python
	@printf '# Development settings written by `make run` (git-ignored). Not for production.\nDEBUG=1\nSECRET_KEY=%s\n' \
		"$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "wrote .env (DEBUG=1 and a new SECRET_KEY) for manage.py in development"

demo: migrate .env
	$(MANAGE) load_demo

# The task worker (page fetches for the inbox, link checks) runs beside the server and stops
# with it, at a lower CPU priority: parsing fetched pages must not slow the pages being served.
run: demo
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	nice -n 10 $(MANAGE) db_worker & worker=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

# lint-imports checks the contracts in pyproject.toml: a door imports the record, never another
# door, and the record never imports a door.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: install lint
	$(VENV)/bin/pytest

serve: install-production
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput >/dev/null
	$(VENV)/bin/gunicorn -c digest/gunicorn.conf.py digest.wsgi

bench: install
	$(PY) bench/run.py

# The composer's pictures in docs/ (README, "Composing"), taken again with Debian's Chromium.
screenshots: install
	$(PY) docs/screenshots.py

# Re-pin every dependency (with hashes) after a change to pyproject.toml: production first, then
# the development lock constrained to the same production pins.
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links
lock: install
	$(PY) -m piptools compile $(LOCK_FLAGS) --output-file requirements.lock pyproject.toml
	$(PY) -m piptools compile $(LOCK_FLAGS) --extra dev --constraint requirements.lock \
		--output-file requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles .pytest_cache
