# make site: set up .venv and build the default site into output/
# make test: set up .venv and run the whole suite (lint, types, tests)

# The first Python 3.11+ on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve check golden docs screenshot bench lock clean

site: $(STAMP)
	$(BIN)/factsheet build

test: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

# make serve [PORT=8001]: live-reloading dev server on http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/factsheet serve $(if $(PORT),--port $(PORT))

check: $(STAMP)
	$(BIN)/factsheet check

# Rebuild the expected output of the golden tests after an intended change; review the diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

# Regenerate the parts of docs/ made from the code (CLI reference, tables); review the diff.
docs: $(STAMP)
	$(BIN)/python -m tests.docs_generate

# Retake docs/screenshot.png from the default site (needs /usr/bin/chromium).
screenshot: $(STAMP)
	$(BIN)/python -m tests.docs_screenshot

# make bench [SIZES="1000 10000"] [RUNS=5]: factsheet's own build and dev-server timings
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(if $(SIZES),--sizes $(SIZES)) $(if $(RUNS),--runs $(RUNS))

# Re-resolve the newest releases that pyproject.toml allows and pin them.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade '.[test]' 'setuptools>=68' wheel
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/python -m pip freeze --all \
		| grep -v -e '^pip==' -e '^factsheet'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv build

clean:
	rm -rf output $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "factsheet needs Python 3.11 or newer on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation --editable .
	touch $@
