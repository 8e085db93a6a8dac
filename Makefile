# Wellness Connection portal. `make run` and `make test` work from a fresh clone with Python 3.11+, Node and npm.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PORT ?= 5000

.PHONY: install assets translations run test test-clock screenshots bench clean

install: $(VENV)/.installed assets translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# --ignore-scripts: vnu-jar's install script would download a Java runtime; the system Java runs vnu.jar.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

# htmx is installed with npm and copied here; never loaded from a CDN.
static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

assets: static/vendor/htmx.min.js

translations: $(VENV)/.installed
	$(FLASK) translate compile >/dev/null

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	@echo "Serving on http://127.0.0.1:$(PORT) (emails as .eml files in instance/outbox/ unless SMTP_URL is set)"
	PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest

# The suite with the machine's clock moved to 10:00 and to 22:00 Eastern, both runs at once (libfaketime, Debian
# package `faketime`): a test that builds its times from "now" rounded to an hour fails at one of them. Without the
# browser tests: Chromium does not start under libfaketime.
test-clock: install
	$(BIN)/python -m quality.at_hour 10:00 22:00 -m "not browser" -p no:cacheprovider -q

# The main pages in both languages at 375 px and 1280 px, full page, into screenshots/ (Chromium, demo data).
screenshots: install
	$(BIN)/python -m quality.screenshots

# Every benchmark (bench/__main__.py): in-process listing cost, HTTP req/s against hello and two peers (needs wrk:
# apt-get install wrk), the email rate (needs BENCH_REDIS_URL) and the registration burst (BENCH_DATABASE_URL).
bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules static/vendor instance/test .pytest_cache screenshots
