# Safekeep — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := $(VENV)/bin/python
SAFEKEEP := $(VENV)/bin/safekeep
export SAFEKEEP_DATA_DIR ?= $(CURDIR)/var
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Compiled bytecode is kept (in __pycache__, ignored by git; `make install` writes it for
# every module the service imports): without it every `safekeep` command compiles ~1,000
# modules again, about 3 s of CPU before it does anything.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run test lint fuzz-api bench bench-smoke bench-scale soak clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==0.13.9"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# Collected (hashed and compressed: about half a minute of CPU) only when a static file,
# a package or the settings changed; --clear drops files an older version collected.
STATIC_SOURCES := $(shell find src -path '*/static/*' -type f) src/safekeep/settings.py \
	src/safekeep/web/staticfiles.py
staticfiles/staticfiles.json: $(VENV)/.installed node_modules/.installed $(STATIC_SOURCES)
	$(SAFEKEEP) collectstatic --noinput --clear --verbosity 0
	@touch $@

install: staticfiles/staticfiles.json

# umask 077: whatever the service creates in the data directory is its owner's only.
run: install
	umask 077 && $(SAFEKEEP) migrate --noinput --verbosity 0 && \
		$(SAFEKEEP) demo --if-empty && $(SAFEKEEP) run-jobs && $(SAFEKEEP) serve

test: install
	$(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy --strict src
	$(VENV)/bin/mypy tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -r src -c pyproject.toml --quiet

# Schemathesis against the real server, signed in on an enrolled laptop, for a bounded time
# (SAFEKEEP_FUZZ_SECONDS, default 75; under three minutes in all): tests/fuzz/run.py.
fuzz-api: install
	$(PY) -m tests.fuzz.run

# The peers (pycasbin, django-guardian, django-auditlog) are in the `bench` group, not the service.
bench: install
	$(UV) sync --frozen --quiet --group bench
	$(PY) bench/run.py

# Every benchmark at a small size (two to seven minutes, as loaded as the machine is): proves
# they run, the peers too; figures are not kept.
bench-smoke: install
	$(UV) sync --frozen --quiet --group bench
	SAFEKEEP_BENCH_POLICY_SIZE=500 SAFEKEEP_BENCH_POLICY_ROUNDS=60 SAFEKEEP_BENCH_PEERS_SIZE=300 SAFEKEEP_BENCH_PEERS_AUDIT_WRITES=200 SAFEKEEP_BENCH_AUDIT_VERIFY_SIZE=2000 \
	SAFEKEEP_BENCH_AUDIT_SQLITE_VERIFY_SIZE=2000 SAFEKEEP_BENCH_AUDIT_READS=50 \
	SAFEKEEP_BENCH_CRYPTO_KEYS=500 $(PY) bench/run.py

# On demand, never by `make bench` nor CI: a council of 1,000,000 cases, 30,000 staff and
# 10,000,000 audit entries on a PostgreSQL primary and streaming replica of its own (two
# clusters on ports 55432-55433 under /tmp, as the postgres user); the knobs are in
# bench/scale.py. Figures in bench/results/scale.json.
bench-scale: install
	$(PY) bench/run.py scale

# On demand, not CI (CI runs the bounded versions in tests/operations: one kill, a 4,000-row
# import, a small council's jobs, one failover): the crash test on SQLite, then on PostgreSQL
# (a database of its own on SAFEKEEP_SOAK_POSTGRES_URL's server, default
# safekeep_owner@127.0.0.1:5432) when it answers; figures in bench/results/. A bounded locust
# load run (bench/soak/load.py: SAFEKEEP_SOAK_USERS, default 200, for SAFEKEEP_SOAK_SECONDS,
# default 60, loopback only) on each; locust is in the `bench` group. The 200,000-row import
# lock, the long jobs (backup, run-jobs, key rotation) against case reads, and failover.
SOAK_PG := $(PY) -c "import os, psycopg; psycopg.connect(os.environ.get('SAFEKEEP_SOAK_POSTGRES_URL', 'postgres://safekeep_owner@127.0.0.1:5432/postgres'), connect_timeout=3).close()"
SOAK_LOAD := $(PY) bench/soak/load.py --users $${SAFEKEEP_SOAK_USERS:-200} --seconds $${SAFEKEEP_SOAK_SECONDS:-60}
soak: install
	$(UV) sync --frozen --quiet --group bench
	$(PY) bench/soak/crash.py --json bench/results/soak-crash-sqlite.json
	$(SOAK_LOAD)
	@if $(SOAK_PG) 2>/dev/null; then \
		$(PY) bench/soak/crash.py --postgres --json bench/results/soak-crash-postgresql.json && \
		$(SOAK_LOAD) --postgres && \
		$(PY) bench/soak/import_lock.py --postgres --json bench/results/soak-import-lock-postgresql.json && \
		$(PY) bench/soak/long_jobs.py --postgres --json bench/results/soak-long-jobs-postgresql.json; \
	else echo "soak: PostgreSQL does not answer; its crash test and load run were skipped"; fi
	$(PY) bench/soak/import_lock.py --json bench/results/soak-import-lock-sqlite.json
	$(PY) bench/soak/long_jobs.py --json bench/results/soak-long-jobs-sqlite.json
	$(SOAK_LOAD) --during import
	$(PY) bench/soak/failover.py --json bench/results/soak-failover.json

clean:
	rm -rf $(VENV) $(TOOLS) node_modules staticfiles
