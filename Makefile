# Weft — the verbs a newcomer needs: `make run`, `make test`, `make bench`, `make lint`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
MANAGE := cd core_api && $(PY) manage.py
PIP_STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/weft
# Years of demo-mill history `make run` seeds on its first start (`make run DEMO_YEARS=3` for the full mill).
DEMO_YEARS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 2

NPM_STAMP := frontend/node_modules/.installed
SPA_INDEX := frontend/dist/index.html

.PHONY: help deps run test test-sqlite test-postgres test-frontend lint format bench migrate clean chromium spa deploy-tools

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

# `npm install --no-save` installs exactly what the lock file pins without rewriting it. (`npm ci`
# refuses this lock: the registry mirror here does not list rollup's other-platform optional builds.)
$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm install --no-save --no-audit --no-fund
	@touch $@

# The SPA is rebuilt when its sources change; Django serves frontend/dist (so build before collectstatic).
$(SPA_INDEX): $(NPM_STAMP) $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm run build

spa: $(SPA_INDEX)

# docker-compose.yml is validated offline by the docker-compose binary (Debian package); no engine needed.
deploy-tools:
	@command -v docker-compose >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; }

# Browser tests drive Debian's Chromium (no browser downloads).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

migrate: deps
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) ensure_demo_users

run: spa migrate
	$(MANAGE) seed_demo --if-empty --years $(DEMO_YEARS)
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) bootstrap_models
	@echo ""
	@echo "Weft is starting (Ctrl-C stops every process):"
	@echo "  API + SPA   http://127.0.0.1:8000/          (sign in: admin / $${WEFT_ADMIN_PASSWORD:-weft-admin})"
	@echo "  API docs    http://127.0.0.1:8000/api/docs/ (schema /api/schema/, health /api/health/)"
	@echo "  Workbench   http://127.0.0.1:8501/"
	@echo "  Demo users: admin, planner, purchaser, purchase_manager, storekeeper, production, quality, sales,"
	@echo "  viewer; all with the password $${WEFT_ADMIN_PASSWORD:-weft-admin}."
	@echo "  First models train in the background on the worker: see /api/v1/ml/jobs/."
	@echo ""
	$(VENV)/bin/honcho -d . -f Procfile start

lint: deps
	$(PY) -m ruff check .

format: deps
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: deps lint deploy-tools test-sqlite test-postgres test-frontend

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

test-frontend: $(NPM_STAMP) chromium deps
	cd frontend && npm test
	cd frontend && npm run e2e

bench: deps
	@mkdir -p benchmarks
	$(PY) -m benchmarks.run $(BENCH)

clean:
	rm -rf var
