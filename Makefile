# Meldpunt — the two commands a fresh machine needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MELDPUNT := $(BIN)/meldpunt
# The port `make run` serves on: `make run PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: run test browser screenshots install install-test lint format migrations-check deploy-check bench clean messages pitr-rehearsal openapi api-lint fuzz

run: install .env
	@mkdir -p var
	$(MELDPUNT) migrate --noinput
	$(MELDPUNT) createcachetable
	$(MELDPUNT) seed-demo
	@echo "E-mail (password reset) is written to var/mail unless MELDPUNT_EMAIL_HOST is set."
	@# The background worker processes uploaded files and runs the scheduled jobs (reminders,
	@# retention, ...); it stops with the server.
	@$(MELDPUNT) run-worker --interval 1 & worker=$$!; \
	  trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(MELDPUNT) runserver 127.0.0.1:$(PORT)

test: install-test browser
	$(BIN)/pytest

# The browser tests drive Debian's Chromium (never a downloaded browser): installed here when
# missing and we are root; otherwise they are skipped with a loud reason (.ci/run requires them).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "!!! /usr/bin/chromium is missing and this is not root: the BROWSER TESTS WILL BE SKIPPED"; \
	  fi; \
	fi

# Refresh the committed screenshots of every role's home screen (README).
screenshots: install-test browser
	MELDPUNT_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/test_browser_journeys.py -k screenshot

install: $(VENV)/.installed node_modules/.installed

install-test: install $(VENV)/.installed-test

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.env:
	$(BIN)/python -m meldpunt.conf.genenv > .env
	@echo "Created .env with fresh development keys."

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	@# The layers of docs/architecture.md (pyproject.toml [tool.importlinter]); lazy imports count.
	cd src && ../$(BIN)/lint-imports --config ../pyproject.toml
	@$(MAKE) --no-print-directory api-lint

# The committed OpenAPI document, generated from the code (tests/test_openapi.py keeps it current).
openapi: install
	DJANGO_SETTINGS_MODULE=meldpunt.conf.test $(MELDPUNT) spectacular --file openapi.yaml --validate --fail-on-warn

# schemathesis against the live app and openapi.yaml, longer than the CI-sized run in make test
# (tests/test_api_fuzz.py: every operation, every kind of API client, valid and invalid input).
FUZZ_EXAMPLES ?= 200
fuzz: install-test
	MELDPUNT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_api_fuzz.py -p no:cacheprovider

# The NL API Design Rules (Logius' Spectral ruleset) on the committed document: 0 errors, 0 warnings.
NLGOV_RULESET ?= ../shared/reference/nlgov-api-design-rules/ruleset.yaml
api-lint: node_modules/.installed
	node_modules/.bin/spectral lint --fail-severity=warn --ruleset $(NLGOV_RULESET) openapi.yaml

format: install-test
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

migrations-check: install
	DJANGO_SETTINGS_MODULE=meldpunt.conf.test $(MELDPUNT) makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=meldpunt.conf.production \
	DJANGO_SECRET_KEY=$$(openssl rand -base64 48) \
	DJANGO_ALLOWED_HOSTS=meldpunt.example.nl \
	MELDPUNT_ENCRYPTION_KEYS=k1:$$(openssl rand -base64 32) MELDPUNT_ENCRYPTION_ACTIVE_KEY=k1 \
	MELDPUNT_BLIND_INDEX_KEY=$$(openssl rand -base64 32) MELDPUNT_ENV_FILE=/nonexistent \
	MELDPUNT_EMAIL_HOST=smtp.example.nl MELDPUNT_DEFAULT_FROM_EMAIL=meldpunt@example.nl \
	$(MELDPUNT) check --deploy --fail-level WARNING

messages: install
	@# The test settings bring their own keys: no .env needed to update the catalogue.
	cd src/meldpunt && export DJANGO_SETTINGS_MODULE=meldpunt.conf.test && \
	  ../../$(MELDPUNT) makemessages -l en --no-obsolete && ../../$(MELDPUNT) compilemessages

bench: install-test .venv-bench/.installed
	$(BIN)/python -m tests.bench.run

# The load generator (locust, with gevent) lives apart from the test environment.
.venv-bench/.installed: requirements-bench.lock
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check -r requirements-bench.lock
	@touch $@

# PostgreSQL point-in-time recovery on a throw-away cluster (docs/operations.md, ~30 s).
pitr-rehearsal: install
	deploy/pitr-rehearsal.sh

clean:
	rm -rf $(VENV) node_modules staticfiles
