# Festival of Resistance — `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
only ?=

.DEFAULT_GOAL := help
.PHONY: help install system-deps run test lint format messages bench prod-check backup restore clean
to ?=
from ?=

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv and install the pinned dependencies

system-deps: ## Install the Debian packages the tests need (Chromium, fonts, poppler)
	bash scripts/system-deps.sh

run: install ## Migrate SQLite, load the demo festival and serve it at http://HOST:PORT (127.0.0.1:8000)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py devserver --host $(HOST) --port $(PORT)

test: install system-deps ## Run lint, checks and every test on SQLite and PostgreSQL
	PY=$(PY) bash scripts/test.sh

backup: install ## Back up the database and media files into a new folder (make backup to=DIR; default backups/DATE)
	$(PY) manage.py backup $(if $(to),--to $(to))

restore: install ## Restore a backup into an empty database and media folder (make restore from=DIR)
	@test -n "$(from)" || (echo "Say which backup: make restore from=backups/2026-10-16-080000" && exit 2)
	$(PY) manage.py restore --from $(from)

prod-check: install ## Django's deployment checks under the production settings, failing on any warning
	PY=$(PY) bash scripts/prod-check.sh

lint: install ## ruff check and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install ## Format the code with ruff
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The site's own words, from templates and Python, into locale/cy/LC_MESSAGES/django.po (kept translations
# stay), then compiled to django.mo: translate the new empty entries and commit both files.
MESSAGE_IGNORES := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=media --ignore=private \
	--ignore=stripe_emulator --ignore='*/migrations/*'
messages: install system-deps ## Gather the strings to translate into locale/cy and compile the catalogue
	$(PY) manage.py makemessages -l cy --add-location=file $(MESSAGE_IGNORES)
	$(PY) manage.py compilemessages -l cy $(MESSAGE_IGNORES)

bench: install ## Run the benchmarks in bench/ (make bench only=NAME for one)
	bash scripts/system-deps.sh bench
	$(PY) bench/run.py $(only)

clean: ## Remove the virtual environment, the SQLite database, media and private files
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media private staticfiles
