# make site: set up .venv and build the default site into output/
# make test: set up .venv and run the whole suite (lint, types, tests; pytest on two
#   pytest-xdist workers, the tests grouped as SERIAL in tests/conftest.py on one of them)

# The first Python 3.11+ on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV  := .venv
BIN   := $(VENV)/bin
# What a build needs (requirements.lock), and the test stack on top (requirements-test.lock).
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test serve check golden docs messages screenshot bench lock dist clean

site: $(STAMP)
	$(BIN)/factsheet build

test: $(TEST_STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

# make serve [PORT=8001]: live-reloading dev server on http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/factsheet serve $(if $(PORT),--port $(PORT))

check: $(STAMP)
	$(BIN)/factsheet check

# Rebuild the expected output of the golden tests after an intended change; review the diff.
golden: $(TEST_STAMP)
	$(BIN)/python -m tests.golden

# Regenerate the parts of docs/ made from the code (CLI reference, tables); review the diff.
docs: $(TEST_STAMP)
	$(BIN)/python -m tests.docs_generate

# Extract the theme's strings into generator/theme/messages/messages.pot and bring each
# language's .po up to date with it (new strings empty); then translate them and review the diff.
messages: $(TEST_STAMP)
	$(BIN)/python -m tests.messages

# Retake docs/screenshot.png from the default site (needs /usr/bin/chromium).
screenshot: $(TEST_STAMP)
	$(BIN)/python -m tests.docs_screenshot

# make bench [SIZES="1000 10000"] [RUNS=5]: the slow scale tests (a 100,000-record site), then
# factsheet's own build and dev-server timings
bench: $(TEST_STAMP)
	$(BIN)/pytest -m slow -s -p no:randomly -o timeout=3600
	$(BIN)/python benchmarks/run.py $(if $(SIZES),--sizes $(SIZES)) $(if $(RUNS),--runs $(RUNS))

# Re-resolve the newest releases that pyproject.toml allows and pin them: the build's
# dependencies in requirements.lock, the test stack's others in requirements-test.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade . 'setuptools>=68' wheel
	.lock-venv/bin/python -m pip freeze --all | grep -v -e '^pip==' -e '^factsheet' > .lock-runtime
	.lock-venv/bin/python -m pip install --quiet --upgrade '.[test]'
	{ sed -n '1,2p' requirements.lock; cat .lock-runtime; } > requirements.lock.new
	{ sed -n '1,3p' requirements-test.lock; .lock-venv/bin/python -m pip freeze --all \
		| grep -v -e '^pip==' -e '^factsheet' | grep -vxF -f .lock-runtime; } > requirements-test.lock.new
	mv requirements.lock.new requirements.lock && mv requirements-test.lock.new requirements-test.lock
	rm -rf .lock-venv .lock-runtime build

# A wheel of factsheet in dist/, to install elsewhere: pip install dist/factsheet-*.whl
dist: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation --wheel-dir dist .
	rm -rf build

clean:
	rm -rf output dist build $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "factsheet needs Python 3.11 or newer on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation --editable .
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $@
