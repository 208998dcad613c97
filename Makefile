# GreenPact: `make run` serves the demo, `make test` runs the whole suite.
# Everything is relative to this folder; nothing is installed outside .venv and node_modules.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
FLASK := $(VENV)/bin/flask --app app
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: install install-dev translations vendor pango chromium nginx run serve serve-cluster test test-js lint bench bench-board bench-board-quick bench-node extract-messages clean

## install: create .venv and install the pinned runtime requirements (idempotent)
install: pango $(VENV)/.runtime translations vendor

## pango: the text layout library WeasyPrint draws the pact's PDF with (Debian's)
pango:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install-dev: install $(VENV)/.dev

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --directory translations --statistics 2>&1 | tail -n 1

## vendor: front-end libraries from npm, copied into static/vendor (not committed)
vendor: static/vendor/socket.io.esm.min.js

static/vendor/socket.io.esm.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js static/vendor/

## nginx: Debian's nginx, run in the foreground by serve-cluster and the tests (never
## as the system service)
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

## chromium: Debian's Chromium for the browser tests (never a downloaded browser)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## run: migrate the SQLite database in instance/, load the demo, serve on 127.0.0.1:5000
run: install
	$(FLASK) init-db
	$(FLASK) seed-demo
	MAIL_LOG_BODIES=1 $(PY) app.py

## serve: one production process on $HOST:$PORT (default 127.0.0.1:5000): gunicorn with
## gevent-websocket's worker, after migrating $DATABASE_URL (deploy/gunicorn_conf.py)
serve: install
	$(FLASK) init-db
	exec $(VENV)/bin/gunicorn --config deploy/gunicorn_conf.py 'app:create_app()'

## serve-cluster: nginx on $HOST:$PORT in front of $CLUSTER_PROCESSES (default 2) such
## processes on the next ports, sharing Redis and PostgreSQL; Ctrl-C stops them all
serve-cluster: install nginx
	$(PY) -m deploy.cluster

## test: lint, type-check, the import contracts, the board's JavaScript units and the
## whole pytest suite (unit, HTTP, SMTP, PostgreSQL, Redis, browser)
test: install-dev chromium nginx
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(MAKE) --no-print-directory test-js
	$(PY) -m pytest -n auto $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; \
	  exit $$status

## test-js: the live board's pure modules (sequencer, outbox, rules) with Node's own runner
test-js:
	node --test tests/js/

## lint: ruff, mypy, and the import contracts of the layers (pyproject.toml)
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

## bench: the performance benchmarks under bench/, printed as a table
bench: install-dev
	$(PY) -m bench

## bench-board: the live board against a bare Flask-SocketIO and a bare Node socket.io
## server, same run, same load generator (issue 15): one table of the scenarios with
## ratios and targets; raw results in bench/results/ (about 15-20 minutes)
bench-board: install-dev vendor bench-node nginx
	$(PY) -m bench.board $(BENCH_BOARD_ARGS)

## bench-board-quick: the same scenarios, smaller and shorter (under 2 minutes)
bench-board-quick: install-dev vendor bench-node nginx
	$(PY) -m bench.board --quick $(BENCH_BOARD_ARGS)

## bench-node: the Node socket.io server of the baseline (pinned in package.json)
bench-node: vendor
	@test -f node_modules/socket.io/package.json || npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

## extract-messages: refresh the translation catalogues after changing strings
extract-messages: install
	$(VENV)/bin/pybabel extract --mapping babel.cfg --keywords _l --output-file translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update --input-file translations/messages.pot --output-dir translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .mypy_cache .ruff_cache
