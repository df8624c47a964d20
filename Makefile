# greencert — make demo · make test · make bench
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
GREENCERT := $(BIN)/greencert
DEMO_CERTIFICATES ?= 5000
# Test processes per database engine (pytest-xdist), two on a 2-core machine, with the SQLite and
# PostgreSQL passes side by side (scripts/test-engines.sh): measured on a clean clone by .ci/run,
# both passes 8 min 25 s and .ci/run 9 min 10 s in all, on the 2-core machine with a registry
# seeding beside it. `make test PYTEST_WORKERS=1` runs each pass in one process.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest $(if $(filter-out 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile)
export GREENCERT_HOME := $(CURDIR)
# The node's secret key for everything run from here (the demo, the tools): made once, kept in
# var/secret-key readable by its owner only. A server started otherwise needs GREENCERT_SECRET_KEY
# or GREENCERT_SECRET_KEY_FILE (docs/security.md).
export GREENCERT_SECRET_KEY_FILE ?= $(CURDIR)/var/secret-key

.PHONY: soak fuzz demo federation-demo test bench install system-deps lint typecheck migrations-check pytest lock clean messages openapi screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "greencert needs Python 3.11 (Django 5.2 LTS); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

install: system-deps $(VENV)/.installed

system-deps:
	@bash scripts/system-deps.sh

demo: install
	@mkdir -p var
	$(GREENCERT) migrate --no-input -v 0
	$(GREENCERT) seal_keys
	$(GREENCERT) seed --certificates $(DEMO_CERTIFICATES) --seed 2021 --if-empty
	$(GREENCERT) collectstatic --no-input -v 0
	$(GREENCERT) expire_certificates
	$(GREENCERT) export_open_data
	@$(GREENCERT) demo_setup --port $(PORT)
	@$(GREENCERT) seed_supervision --port $(PORT)
	@$(GREENCERT) seed_workflow | tail -n 1
	@$(GREENCERT) seed_announcements --port $(PORT)
	@$(GREENCERT) seed_links --port $(PORT)
	@$(GREENCERT) seed_institutions --port $(PORT)
	@echo "  Worker (webhooks, mail, daily jobs) runs beside the server; its log: var/worker.log"
	@$(GREENCERT) worker > var/worker.log 2>&1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn greencert.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --worker-class gthread --access-logfile -

# Four provincial nodes on 127.0.0.1:8001-8004, each with its own database, keys, server and
# worker, following each other's logs; prints where one node shows another's certificates.
federation-demo: install
	$(BIN)/python -m greencert.exchange.replication.federation --root var/federation

lint: $(VENV)/.installed
	$(BIN)/ruff check src bench conftest.py
	$(BIN)/ruff format --check src bench conftest.py
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.installed
	$(BIN)/mypy src

migrations-check: $(VENV)/.installed
	GREENCERT_DATABASE_URL=sqlite:///:memory: $(GREENCERT) makemigrations --check --dry-run

pytest: $(VENV)/.installed
	@scripts/test-engines.sh $(PYTEST)

test: install lint typecheck migrations-check pytest

# Schemathesis against the published OpenAPI document, in-process (WSGI, no server), with 1,000
# generated cases per operation on SQLite; `make test` runs the same test with 25 per operation
# on each engine. FUZZ_EXAMPLES=N changes the count. `make fuzz FUZZ_EXAMPLES=1000` on
# 2026-12-06, on the 2-core machine shared with other test runs (load average 4 to 9): all 41
# operations passed in 18 min 34 s wall, 35,006 cases (1,000 for each of 35 operations, 1 for
# each of the 6 that take no input); no failure (docs/security.md, "Fuzzing the API").
FUZZ_EXAMPLES ?= 1000
fuzz: $(VENV)/.installed
	env -u GREENCERT_DATABASE_URL GREENCERT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) \
		src/greencert/api/tests/test_openapi_contract.py

bench: install
	$(BIN)/python bench/run.py

# Mixed load against gunicorn on a PostgreSQL of its own while a worker is killed, the master and
# PostgreSQL restarted (bench/bench_soak.py); SOAK_SECONDS=600 by default.
soak: install
	$(BIN)/python bench/run.py --only soak

# Full-page screenshots of every public and office page at 375 and 1,366 px, in Chinese and
# English, into var/screenshots/: of a seeded server of its own, or of URL=http://… if given.
screenshots: install
	$(BIN)/python scripts/screenshots.py $(if $(URL),--url $(URL))

# The published API contract: rewrite it after an API change, review the diff and commit it.
openapi: $(VENV)/.installed
	$(GREENCERT) export_openapi_schema --api greencert.api.api.api --sorted --indent 2 \
		--output src/greencert/api/openapi.json

messages: $(VENV)/.installed
	cd src/greencert && ../../$(GREENCERT) makemessages -l zh_Hans -l en --no-obsolete && ../../$(GREENCERT) compilemessages

lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
