# Weft — the verbs a newcomer needs: `make run`, `make test`, `make bench`, `make lint`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
MANAGE := cd core_api && $(PY) manage.py
PIP_STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/weft
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help deps run test test-sqlite test-postgres lint format bench migrate clean

help:
	@echo "make run    set up and run Weft (SQLite, no Redis) with demo data at http://127.0.0.1:8000/"
	@echo "make test   set up and run every test suite"
	@echo "make bench  run the benchmarks and write benchmarks/REPORT.md"
	@echo "make lint   ruff"

$(PIP_STAMP): requirements/*.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt -c requirements/constraints.txt
	@touch $@

deps: $(PIP_STAMP)

migrate: deps
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) ensure_demo_users

run: migrate
	$(MANAGE) collectstatic --noinput -v 0
	@echo ""
	@echo "Weft is starting:"
	@echo "  API + SPA   http://127.0.0.1:8000/   (API under /api/, docs at /api/docs/, health at /api/health/)"
	@echo "  Sign in as admin / $${WEFT_ADMIN_PASSWORD:-weft-admin}; one demo user per role with the same password."
	@echo "  Ctrl-C stops every process."
	@echo ""
	$(VENV)/bin/honcho -d . -f Procfile start

lint: deps
	$(PY) -m ruff check .

format: deps
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: deps lint test-sqlite test-postgres

test-sqlite: deps
	$(PY) -m pytest -n 2 -m "not postgres" -q

# The same API suite on PostgreSQL (concurrency tests included) whenever a server answers.
test-postgres: deps
	@if $(PY) -c "import psycopg2,sys; psycopg2.connect('dbname=postgres user=postgres host=127.0.0.1 connect_timeout=3')" 2>/dev/null; then \
		echo "PostgreSQL reachable: running the API suite on it"; \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 --create-db -q -m "not sqlite_only" core_api; \
	else \
		echo "PostgreSQL not reachable at 127.0.0.1:5432: PostgreSQL pass not run"; \
	fi

bench: deps
	@mkdir -p benchmarks
	$(PY) -m benchmarks.run

clean:
	rm -rf var
