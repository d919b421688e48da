# Quick start: `make run` (serve the demo) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
HOST ?= 127.0.0.1:8000

.PHONY: run test test-only lint bench messages system-packages system-packages-test install install-test

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# gettext compiles the Indonesian catalogue; Chromium runs the browser tests.
system-packages:
	@command -v msgfmt >/dev/null || ($(APT_GET) update -q && $(APT_GET) install -y -q --no-install-recommends gettext)

system-packages-test: system-packages
	@command -v chromium >/dev/null || ($(APT_GET) update -q && $(APT_GET) install -y -q --no-install-recommends chromium)

messages: system-packages install
	$(PY) manage.py compilemessages --ignore=.venv -v 0

run: messages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

test: system-packages-test install-test messages test-only

test-only:
	$(VENV)/bin/pytest -n 2 --dist loadfile

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install-test messages
	$(PY) -m tests.bench
