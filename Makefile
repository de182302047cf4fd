# The two commands a newcomer needs: `make run` and `make test`. `make serve` is production.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app tracker
PG_DIR ?= /tmp/npq-tracker-pg
PG_PORT ?= 55432
REDIS_DIR ?= /tmp/npq-tracker-redis
REDIS_PORT ?= 56379
PYTEST_ARGS ?=

.PHONY: install assets system-deps run demo serve worker test test-sqlite test-postgres bench bench-load clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

static/css/application.css: package.json assets/scss/application.scss scripts/build-assets.sh
	scripts/build-assets.sh

assets: static/css/application.css

system-deps:
	@if [ "$$(id -u)" = 0 ]; then scripts/system-deps.sh; else echo "system-deps: not root, skipping apt"; fi

DEMO_SECRET = SECRET_KEY=$$($(PY) -m tracker.demo.secret instance)

demo: install assets
	$(DEMO_SECRET) $(FLASK) init
	$(DEMO_SECRET) TRACKER_TODAY=$${TRACKER_TODAY:-2023-03-01} $(FLASK) demo-data

# The demo's job worker runs beside the web server and stops with it (README, "Jobs").
run: demo
	$(DEMO_SECRET) TRACKER_TODAY=$${TRACKER_TODAY:-2023-03-01} $(WORKER) --workers 1 & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	  $(DEMO_SECRET) TRACKER_TODAY=$${TRACKER_TODAY:-2023-03-01} $(FLASK) run --host 127.0.0.1 --port 5000

# Production: gunicorn on 127.0.0.1:$${PORT:-8000}, DATABASE_URL, WEB_CONCURRENCY workers of
# WEB_THREADS threads (gunicorn.conf.py). Refuses to start without a real SECRET_KEY.
serve: install assets
	$(VENV)/bin/gunicorn --config gunicorn.conf.py wsgi:app

# Background jobs (README, "Jobs"): run beside `make serve`, with the same environment
# (DATABASE_URL, SECRET_KEY, JOBS_URL); JOB_WORKERS processes each, on as many machines as wanted.
WORKER = $(VENV)/bin/huey_consumer tracker.jobs.runner.huey --worker-type process
worker: install
	$(WORKER) --workers $${JOB_WORKERS:-2}

test: system-deps install assets
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite:
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# On PostgreSQL the job runner's queue is a real Redis, as in production (README, "Jobs");
# on SQLite it is the SQLite queue file `make run` uses.
test-postgres:
	@url=$$(scripts/postgres.sh start $(PG_DIR) $(PG_PORT)) && \
	  trap 'scripts/postgres.sh stop $(PG_DIR); scripts/redis.sh stop $(REDIS_DIR)' EXIT && \
	  jobs=$$(scripts/redis.sh start $(REDIS_DIR) $(REDIS_PORT)) && \
	  TEST_DATABASE_URL=$$url TEST_JOBS_URL=$$jobs $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install assets
	$(PY) -m bench

# LOAD_SECONDS, LOAD_USERS=10,50, LOAD_SERVERS=1,2, LOAD_PROFILE=1, BENCH_LOAD_URL (bench/load.py)
bench-load: install assets
	$(PY) -m bench.load

clean:
	rm -rf $(VENV) node_modules static/css static/js/govuk-frontend.min.js static/js/vendor static/assets
