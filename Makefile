# PeerCircle: `make run` to use the site, `make test` to check it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2
# Branch coverage of the project's code, failing under 95 % (pyproject.toml [tool.coverage]);
# `make test PYTEST_ARGS="-k waitlist" COV_ARGS=` runs a subset without it.
COV_ARGS ?= --cov --cov-report=term:skip-covered
# Extra arguments for pip-compile, e.g. `make lock LOCK_ARGS=--upgrade` or
# `make lock LOCK_ARGS="--upgrade-package django"`.
LOCK_ARGS ?=

# The lock files (pip-tools, compiled from pyproject.toml by `make lock`): what running needs,
# and what running and testing need.
BASE_LOCK := requirements/base.txt
DEV_LOCK := requirements/dev.txt
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run test lint format migrate seed clean bench lock var-dirs messages

# One stamp per lock file: each is remade (and the lock installed again) when its lock changes.
$(VENV)/.installed-base: $(BASE_LOCK)
	@bash scripts/ensure-venv.sh $(VENV) $(BASE_LOCK)
	@touch $@

$(VENV)/.installed-dev: $(DEV_LOCK)
	@bash scripts/ensure-venv.sh $(VENV) $(DEV_LOCK)
	@touch $@

# Local runtime data: SQLite database, file cache, the filesystem broker's folders, beat's
# schedule. Importing the settings creates nothing; this does, for the targets that use them.
var-dirs:
	@mkdir -p var/cache var/uploads var/broker/queue var/broker/processed var/broker/control

# Every step reads the same HOST and PORT: unless SITE_URL is set (environment or .env), the
# settings (config/settings/local.py) make it http://HOST:PORT, so the site record written by
# migrate, the web server, the worker and beat all put that address into links.
RUN_ENV := HOST=$(HOST) PORT=$(PORT)

run: $(VENV)/.installed-base var-dirs
	$(PY) scripts/compile_translations.py
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@$(RUN_ENV) bash scripts/run-dev.sh

# var-dirs: the migrations check opens the default SQLite database (pytest makes its own).
test: $(VENV)/.installed-dev var-dirs
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(PY) scripts/compile_translations.py
	$(VENV)/bin/pytest $(PYTEST_ARGS) $(COV_ARGS)

# messages: collect the marked strings into locale/es/LC_MESSAGES/django.po (needs GNU gettext's
# xgettext and msgmerge); translate the new entries there (docs/translations.md).
messages: $(VENV)/.installed-dev var-dirs
	$(PY) manage.py makemessages --locale es --no-obsolete --add-location file \
		--ignore 'static/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*' \
		--ignore 'scripts/*' --ignore 'var/*' --ignore 'node_modules/*'
	$(PY) scripts/compile_translations.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: $(VENV)/.installed-base var-dirs
	$(PY) manage.py migrate --noinput

seed: $(VENV)/.installed-base var-dirs
	$(PY) manage.py seed_demo

bench: $(VENV)/.installed-dev
	$(PY) bench/web.py $(BENCH_ARGS)

# Recompile both lock files from pyproject.toml (base first: dev is constrained to its pins).
# Existing pins are kept unless LOCK_ARGS asks for upgrades.
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) -o $(BASE_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev -c $(BASE_LOCK) -o $(DEV_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) var staticfiles
