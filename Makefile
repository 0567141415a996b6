# The two commands of the README: `make demo` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_HOUSEHOLDS ?= 2000
# The suite runs on this many processes (pytest-xdist; each has its own test database).
TEST_WORKERS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo serve test quality pytest test-sqlite test-postgres smoke-prod restore-check bench guide-screenshots clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## demo: install, create the demo database (SQLite) and serve it on http://127.0.0.1:$(PORT), with the
## task worker beside the server (scripts/serve_demo.sh: both stop on Ctrl-C)
demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input -v0
	DEBUG=1 $(BIN)/python manage.py load_referential
	DEBUG=1 $(BIN)/python manage.py load_demo --households $(DEMO_HOUSEHOLDS) --if-empty
	BIN=$(BIN) PORT=$(PORT) DEBUG=1 scripts/serve_demo.sh

## test: install, then the quality gate and the whole suite on SQLite and (when reachable) PostgreSQL
test: install quality test-sqlite test-postgres

quality:
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings_test $(BIN)/python manage.py check
	SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-key-value-0123456789 ALLOWED_HOSTS=relogement.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

test-sqlite:
	@echo "== Suite sur SQLite"
	env -u DATABASE_URL $(BIN)/pytest -n $(TEST_WORKERS)

test-postgres:
	@$(BIN)/python scripts/postgres_test_url.py > /tmp/relogement-pg-url || { \
		if [ "$$CI" = "true" ]; then echo "PostgreSQL injoignable : obligatoire sous CI"; exit 1; fi; \
		echo "== PostgreSQL injoignable sur 127.0.0.1:5432 : suite PostgreSQL sautée"; exit 0; }; \
	echo "== Suite sur PostgreSQL"; \
	DATABASE_URL=$$(cat /tmp/relogement-pg-url) $(BIN)/pytest -n $(TEST_WORKERS) --create-db

## smoke-prod: two gunicorn instances and a task worker on PostgreSQL and Redis, without containers
## (scripts/smoke_prod.sh; .ci/run runs it after the tests)
smoke-prod: install
	BIN=$(BIN) scripts/smoke_prod.sh

## restore-check: dump a PostgreSQL database (RESTORE_SOURCE, by default DATABASE_URL) and a media
## folder (RESTORE_MEDIA, optional), restore them into fresh ones and check them (docs/operations.md)
RESTORE_SOURCE ?= $(DATABASE_URL)
restore-check:
	@test -n "$(RESTORE_SOURCE)" || { echo "RESTORE_SOURCE (ou DATABASE_URL) : l'adresse de la base PostgreSQL à sauvegarder"; exit 1; }
	BIN=$(BIN) scripts/restore_check.sh "$(RESTORE_SOURCE)" $(RESTORE_MEDIA)

## bench: measures written to docs/benchmarks.md
bench: install
	$(BIN)/python scripts/bench.py

## guide-screenshots: regenerate docs/guide/img/*.png from the demo data (Chromium, 1280 px, 256 colours)
guide-screenshots: install
	env -u DATABASE_URL RELOGEMENT_GUIDE=1 $(BIN)/pytest tests/browser/test_guide_screenshots.py -n 0 -p no:randomly -q

clean:
	rm -rf $(VENV) node_modules staticfiles
