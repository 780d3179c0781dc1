# The two commands of the README. Each sets up what it needs (a virtualenv in .venv) and runs.
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed

.PHONY: run test lint bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Agora needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(VENV)/bin/python bot.py

test: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

bench: $(INSTALLED)
	$(VENV)/bin/python bench/feeds.py
	$(VENV)/bin/python bench/votes.py
	$(VENV)/bin/python bench/registrations.py
	$(VENV)/bin/python bench/questions.py
	$(VENV)/bin/python bench/footprint.py
	$(VENV)/bin/python bench/pulse.py

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
