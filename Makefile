# The two commands: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PORT ?= 8000
export SIMULATOR_PORT ?= 8001
export REDIS_URL ?= redis://127.0.0.1:6379/0
# honcho gives each process its own $PORT; these keep every process pointing at the web one.
export BOT_PORT := $(PORT)
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
export LINE_API_URL ?= http://127.0.0.1:$(SIMULATOR_PORT)
export LINE_DATA_API_URL ?= http://127.0.0.1:$(SIMULATOR_PORT)
export PYTHAINLP_READ_ONLY := 1
LINTED := core store line handlers jobs bot simulator tests bench scripts

.PHONY: run test setup redis lint format bench fuzz docs clean chromium poppler

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (apt-get install python3.11 python3.11-venv)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "venv failed: apt-get install python3.11-venv"; exit 1; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	@touch $(STAMP)

redis: setup
	@PYTHON=$(PY) scripts/ensure-redis.sh

chromium:
	@scripts/ensure-chromium.sh

poppler:
	@scripts/ensure-poppler.sh

run: setup redis
	@# tests export their own addresses; make run uses the demo ones above
	$(VENV)/bin/itabot demo --statuses
	@echo ""
	@echo "  LINE simulator (chat as any user):  http://127.0.0.1:$(SIMULATOR_PORT)/"
	@echo "  Bot web (admin pages):              http://127.0.0.1:$(PORT)/"
	@echo ""
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/honcho -f Procfile.demo start

# The tests use their own database (ITABOT_TEST_REDIS_URL, tests/conftest.py): make sure the
# server it names answers, which may not be the one REDIS_URL names.
test: setup chromium poppler
	@REDIS_URL=$${ITABOT_TEST_REDIS_URL:-redis://127.0.0.1:6379/13} PYTHON=$(PY) scripts/ensure-redis.sh
	@# pytest exits 5 when it collected no tests: say so, and fail like any other failure
	PATH=$(VENV)/bin:$$PATH $(PY) -m pytest -q $(PYTEST_ARGS) || { rc=$$?; \
	  [ $$rc -ne 5 ] || echo "test: pytest collected no tests" >&2; exit $$rc; }

# ruff, then the layer contracts (pyproject.toml [tool.importlinter]).
lint: setup
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff format $(LINTED)
	$(VENV)/bin/ruff check --fix $(LINTED)

bench: setup redis
	PATH=$(VENV)/bin:$$PATH $(PY) -m bench.run

fuzz: setup redis
	PATH=$(VENV)/bin:$$PATH ITABOT_FUZZ_EXAMPLES=$${ITABOT_FUZZ_EXAMPLES:-100000} $(PY) -m pytest -q tests/test_fuzz_webhook.py

docs: setup redis chromium
	PATH=$(VENV)/bin:$$PATH $(PY) scripts/render_memo_docs.py
	PATH=$(VENV)/bin:$$PATH $(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache memos
