# Intranet des sociétaires. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help system-packages run serve worker test test-quick lint format check-migrations check-deploy messages check-messages bench profile bench-search bench-pdf bench-digest soak test-browser mutation clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Debian packages the project needs besides Python: Chromium for the browser tests, gettext for the
# catalogues, Pango and a font for WeasyPrint (the general assembly's PDF). CI installs the same.
DEBIAN_PACKAGES = chromium fonts-dejavu-core gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
system-packages: ## Install the Debian packages the project needs (Chromium, gettext, Pango for the PDF); needs root or sudo
	$$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: requirements are installed again only when they change.
$(VENV)/.requirements: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt $(VENV)/.requirements
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Emails link to the address the site is served at (PORT=8001 make run: links on port 8001).
BASE_URL_ENV = WAGTAILADMIN_BASE_URL="$${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:$(PORT)}"

run: $(VENV)/.requirements ## Run the intranet with its demo content at http://127.0.0.1:$(PORT) (SQLite unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py outbox --sweep
	$(PY) manage.py notifications --sweep
	$(BASE_URL_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: plain HTTP on loopback (no TLS proxy), a secret key kept
# in .serve-secret-key (never committed), SQLite unless DATABASE_URL is set, Redis if REDIS_URL is.
SERVE_ENV = DJANGO_SETTINGS_MODULE=intranet.settings.production $(BASE_URL_ENV) \
	SECRET_KEY="$${SECRET_KEY:-$$(cat .serve-secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
	TRUSTED_PROXY_COUNT="$${TRUSTED_PROXY_COUNT:-0}" \
	EMAIL_BACKEND="$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}" \
	GUNICORN_BIND="$${GUNICORN_BIND:-127.0.0.1:$(PORT)}"

.serve-secret-key: | $(VENV)/bin/python
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: $(VENV)/.requirements .serve-secret-key ## Serve the production way (gunicorn, whitenoise, production settings) at http://127.0.0.1:$(PORT)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c intranet/gunicorn.conf.py

# The task queue the production way: a Celery worker and its scheduler (beat), two processes, with the
# production settings; the broker is Redis at CELERY_BROKER_URL. Ctrl-C stops both.
worker: $(VENV)/.requirements .serve-secret-key ## Start the task queue's worker and scheduler (Celery, Redis at CELERY_BROKER_URL)
	@test -n "$${CELERY_BROKER_URL}" || { echo "Set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/1, here and for make serve"; exit 1; }
	$(SERVE_ENV) $(PY) manage.py outbox
	@mkdir -p artifacts
	$(SERVE_ENV) $(VENV)/bin/celery -A intranet beat --loglevel INFO --schedule artifacts/celerybeat-schedule & \
	beat=$$!; trap 'kill $$beat 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(VENV)/bin/celery -A intranet worker --loglevel INFO --concurrency $${WORKER_CONCURRENCY:-2}

# Two workers (pytest-xdist), each with its own test database; tests marked with an xdist_group (shared
# class- or module-scoped data) stay together on one worker. The slowest 15 are printed at the end.
PYTEST_WORKERS ?= 2
test: $(VENV)/.requirements-dev ## Run the tests (on DATABASE_URL when set, SQLite otherwise), on two workers
	$(VENV)/bin/pytest -m "not browser" -n $(PYTEST_WORKERS) --dist loadgroup --durations=15

test-quick: $(VENV)/.requirements-dev ## The tests without the slow ones (servers, subprocesses, the access sweep)
	$(VENV)/bin/pytest -m "not browser and not slow" -n $(PYTEST_WORKERS) --dist loadgroup

AXE_CORE_VERSION := 4.11.0
node_modules/axe-core/axe.min.js:
	npm install --no-save --no-package-lock --no-audit --no-fund axe-core@$(AXE_CORE_VERSION)

test-browser: $(VENV)/.requirements-dev node_modules/axe-core/axe.min.js ## Browser tests in Debian's Chromium (/usr/bin/chromium), with screenshots in artifacts/screenshots/
	@test -x /usr/bin/chromium || { echo "Install Debian's chromium package first: sudo apt-get install chromium"; exit 1; }
	$(VENV)/bin/pytest -m browser

lint: $(VENV)/.requirements-dev ## ruff (lint, formatting) and the apps' layers contract (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.requirements-dev ## ruff: fix what can be fixed, format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: $(VENV)/.requirements-dev ## Fail if a model change has no migration
	DJANGO_SETTINGS_MODULE=intranet.settings.test $(PY) manage.py makemigrations --check --dry-run

messages: $(VENV)/.requirements-dev ## Extract the marked strings into locale/ (fr, nl, en), fill French, compile (needs gettext)
	DJANGO_SETTINGS_MODULE=intranet.settings.test $(PY) manage.py catalogues

check-messages: $(VENV)/.requirements-dev ## Fail if a catalogue lacks a string of the code or has an untranslated or fuzzy entry
	DJANGO_SETTINGS_MODULE=intranet.settings.test $(PY) manage.py catalogues --check

check-deploy: $(VENV)/.requirements ## Django's deployment checks under production settings, with throwaway secrets
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=intranet.example.coop DJANGO_SETTINGS_MODULE=intranet.settings.production \
	$(PY) manage.py check --deploy --fail-level WARNING

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/intranet_bench

bench-search: $(VENV)/.requirements ## Search benchmark: 50 searches as a member on the full-size data (PostgreSQL, BENCH_DATABASE_URL)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/search_benchmark.py

bench-pdf: $(VENV)/.requirements-dev ## The general assembly's PDF: time and memory for 34 to 5,000 recommendations on the full-size data
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/pdf_benchmark.py

bench-digest: $(VENV)/.requirements-dev ## The weekly digest of 5,000 and 35,000 members through a real worker to an SMTP sink: time, queries per email, memory
	@command -v redis-server >/dev/null || { echo "Install Debian's redis-server package first"; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/digest_benchmark.py

profile: $(VENV)/.requirements-dev ## Where the time goes in each member page rendered without the page cache (pyinstrument, full-size data)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/profile_pages.py

bench: $(VENV)/.requirements ## Load benchmark: gunicorn on PostgreSQL and Redis, full-size data, wrk at concurrency 1, 8, 32
	@command -v wrk >/dev/null || { echo "Install Debian's wrk package first: sudo apt-get install wrk"; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load_benchmark.py

soak: $(VENV)/.requirements ## Soak benchmark: 10 minutes of mixed traffic at concurrency 32 on the full-size data, memory printed every minute
	@command -v wrk >/dev/null || { echo "Install Debian's wrk package first: sudo apt-get install wrk"; exit 1; }
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/soak_benchmark.py

MUTATION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/intranet_mutation
# The access functions: who may open a page or a document, the filing rule, search's filtering,
# the workflow's approvers and guards, the page cache's rights and storage, the admin guards.
ACCESS_MUTANTS := "privacy.rules.*" "documents.access.*" "documents.filing.*" \
	"privacy.admin_guards.*" "privacy.wagtail_hooks.*" \
	"sitewide.page_cache.x_rights*" "sitewide.page_cache.x_cache_key*" "sitewide.page_cache.x__changed*" \
	"sitewide.page_cache.x_bump_generation*" "sitewide.content_registry.*" "sitewide.page_cache.x_fill_slots*" "sitewide.page_cache.xǁPageCacheMiddlewareǁ*" \
	"search.engine.xǁIntranetSearchǁsearchable_pages*" "search.engine.xǁIntranetSearchǁpage_hits*" \
	"search.engine.xǁIntranetSearchǁdocument_hits*" "search.engine.xǁIntranetSearchǁ_group_facets*" \
	"workinggroups.models.tasks.*" "workinggroups.finish.*" \
	"workinggroups.workflow.x_remember_loaded_status*" "workinggroups.workflow.x_refuse_*" \
	"workinggroups.workflow.x_send_edited_page_back_to_review*" "workinggroups.workflow.x_editorial_content*" \
	"workinggroups.workflow.x_same_content*"

mutation: $(VENV)/.requirements-dev ## Mutation testing of the access rules (mutmut, PostgreSQL, a few hours on 2 cores): docs/mutation-testing.md
	rm -rf mutants
	DATABASE_URL=$(MUTATION_DATABASE_URL) $(VENV)/bin/mutmut run --max-children 2 $(ACCESS_MUTANTS)
	$(VENV)/bin/mutmut results --all true

clean: ## Remove the virtualenv, the SQLite database and uploaded files
	rm -rf $(VENV) db.sqlite3 media private-media static .serve-secret-key mutants
