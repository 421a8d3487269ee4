# The two commands that matter: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STACK := $(PY) -m mis.stack
PYTEST_ARGS ?=

.PHONY: install run test messages compile-messages compliance bench lint check-deploy clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

compile-messages: install
	$(PY) manage.py compilemessages -v 0 --ignore "$(VENV)"

run: install
	$(STACK) run

test: install compile-messages
	$(STACK) exec -- env DJANGO_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages -l kk -l ru --no-obsolete --ignore "$(VENV)/*" --ignore "var/*" --ignore "bench/*"
	$(PY) manage.py makemessages -d djangojs -l kk -l ru --no-obsolete --ignore "$(VENV)/*" --ignore "var/*"

compliance: install
	$(PY) -m mis.compliance > docs/compliance.md

bench: install compile-messages
	$(STACK) exec -- env DJANGO_ENV=test $(PY) -m bench $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-deploy: install
	DJANGO_ENV=production SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  AUDIT_CHAIN_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	  ALLOWED_HOSTS=mis.example.kz $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
