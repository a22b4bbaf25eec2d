# RoomChat tasks. `make run` and `make test` set everything up from pyproject.toml.

# Prefer a Python whose PySide6 pairing is sound and fast (3.13, 3.12), else python3.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: run test lint format bench screenshots translations clean

# PyICU (TR39 look-alike checks on names) is built against the system's ICU.
BUILD_PACKAGES := libicu-dev pkg-config g++
# The tests run the storage layer on a throw-away PostgreSQL server too (initdb, pg_ctl), and
# Qt's QPSQL driver needs libpq; the frozen-display test runs the windowed server under an
# Xvfb of its own, with the libraries Qt's xcb plugin needs beyond a bare X client; the
# desktop-notification tests run a D-Bus session bus of their own (dbus-daemon). Without
# them those tests are skipped.
TEST_PACKAGES := postgresql libpq5 xvfb libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 dbus

# The venv is (re)built whenever it is missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "no Python 3.11+ found" >&2; exit 1; }
	@command -v dpkg >/dev/null || exit 0; missing=""; optional=""; \
	for p in $(BUILD_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || optional="$$optional $$p"; done; \
	[ -z "$$missing$$optional" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing $$optional; \
	elif [ -n "$$missing" ]; then \
		echo "please install:$$missing (needed to build PyICU)" >&2; exit 1; \
	else echo "note: some tests (PostgreSQL, frozen display) are skipped without:$$optional" >&2; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)
	@$(MAKE) --no-print-directory translations

# Compiled translations (.qm) are build output: made from the .ts files kept in the repo.
translations:
	@for ts in resources/translations/*.ts; do \
		[ -e "$$ts" ] || continue; \
		$(BIN)/pyside6-lrelease -silent "$$ts" -qm "$${ts%.ts}.qm" || exit 1; \
	done

run: $(STAMP)
	$(BIN)/python -m tools.run $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app main.py tools

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(STAMP) lint translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

# Real windows on a virtual X display; installs Xvfb and a CJK font where it can (root).
screenshots: $(STAMP) translations
	$(BIN)/python -m tools.screenshots $(ARGS)
	$(BIN)/python -m tools.admin_screenshot --out docs/screenshots/admin_window.png
	$(BIN)/python -m tools.attention_screenshot

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
