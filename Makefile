# PeerCircle: `make run` to use the site, `make test` to check it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test lint format migrate seed clean bench

$(VENV)/.installed: pyproject.toml
	@bash scripts/ensure-venv.sh $(VENV)
	@touch $@

run: $(VENV)/.installed
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run-dev.sh

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

seed: $(VENV)/.installed
	$(PY) manage.py seed_demo

bench: $(VENV)/.installed
	$(PY) bench/web.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
