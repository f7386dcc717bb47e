# The two commands: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
PORT ?= 8000

.PHONY: run test setup debs lint format migrate worker bench vendor clean

# SWITCH=1 also starts the routing API (gunicorn routing.wsgi on API_PORT) and a local Kamailio switch
# on 127.0.0.1:5060 rendered by the panel (scripts/run_switch.sh).
SWITCH ?=
API_PORT ?= 8001

run: setup
	$(PY) manage.py seed_demo
	@echo "Panel: http://localhost:$(PORT)  (worker logs below; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) -m celery -A connexcs worker --beat -l info --concurrency 2 & \
	  if [ -n "$(SWITCH)" ]; then \
	    .venv/bin/gunicorn routing.wsgi -b 127.0.0.1:$(API_PORT) -w 2 & \
	    API_PORT=$(API_PORT) scripts/run_switch.sh & \
	  fi; \
	  $(PY) manage.py runserver 0.0.0.0:$(PORT)

test: setup debs
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/vulture
	$(PY) manage.py makemigrations --check --dry-run
	.venv/bin/pytest

setup: .venv/.synced .env
	$(PY) scripts/ensure_db.py
	$(PY) manage.py migrate --noinput

# Debian packages the tests run as real processes (chromium, kamailio, sipp, caddy, dnsmasq).
debs:
	scripts/ensure_debs.sh

.tools/bin/uv:
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

.env: | .venv/.synced
	$(PY) scripts/write_env.py

format: .venv/.synced
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

worker: setup
	$(PY) -m celery -A connexcs worker --beat -l info

bench: setup
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f; done

vendor:
	scripts/vendor_static.sh

clean:
	rm -rf .venv .tools staticfiles
