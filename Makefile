# Twinning Hub: `make run` to use it, `make test` to check it. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-test migrate demo serve clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_gazetteer
	$(PY) manage.py load_demo_data
	$(PY) manage.py load_knowledge
	$(PY) manage.py map_background

serve: install
	@echo "Twinning Hub: http://$(HOST):$(PORT)/  (sign up at /accounts/signup/; the first admin: $(PY) manage.py create_admin EMAIL)"
	$(PY) manage.py runserver $(HOST):$(PORT)

run: demo serve

test: install-test
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
