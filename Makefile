# The two commands: `make run` and `make test`. Both set everything up first.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PY := .venv/bin/python
PORT ?= 8000

.PHONY: run test setup lint format migrate worker bench vendor clean

run: setup
	$(PY) manage.py seed_demo
	@echo "Panel: http://localhost:$(PORT)  (worker logs below; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) -m celery -A connexcs worker --beat -l info --concurrency 2 & \
	  $(PY) manage.py runserver 0.0.0.0:$(PORT)

test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	.venv/bin/pytest

setup: .venv/.synced .env
	$(PY) scripts/ensure_db.py
	$(PY) manage.py migrate --noinput

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
