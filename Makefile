# Entry points:
#   make demo    build the offline demo stack and write its tags and manifests to out/
#   make check   the fast loop, after every change: lint, and every test that needs neither a
#                Docker engine nor a browser (no root, no engine)
#   make test    the whole test suite, as CI runs it: before pushing
#   make check-floor  check's tests on the oldest pytest pyproject.toml allows
# demo and test are for a fresh Debian machine, run as root: they install and start what they need.
PYTHON ?= python3
OUT ?= out
WORKERS ?= 2
BENCH_ARGS ?=
# Plugins this machine may have that our suite does not use: their start-up, in every worker.
NOT_OURS = -p no:hypothesispytest -p no:benchmark
# The oldest pytest pyproject.toml allows ("pytest>=X,<Y"), installed alone into FLOOR_DIR.
PYTEST_FLOOR := $(shell sed -n 's/^ *"pytest>=\([0-9.]*\),.*/\1/p' pyproject.toml)
FLOOR_DIR ?= build/pytest-$(PYTEST_FLOOR)
FLOOR_PATH = $(abspath $(FLOOR_DIR))$${PYTHONPATH:+:$$PYTHONPATH}

.PHONY: setup demo-images demo check check-floor test lint bench browser pictures

setup:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	scripts/ensure-docker.sh

demo-images: setup
	$(PYTHON) demo/build.py

# A second `make demo` also reports what changed since the first (--compare-to its record).
demo: demo-images
	$(PYTHON) -m pytest --stack demo --emit-manifests $(OUT) -n $(WORKERS) -p no:cacheprovider -q \
		$(if $(wildcard $(OUT)/inspections.json),--compare-to $(OUT))
	@echo "tags:      $(OUT)/tags/"
	@echo "manifests: $(OUT)/manifests/"
	@echo "history:   $(OUT)/hist_lines/"
	@echo "SBOMs:     $(OUT)/sbom/"
	@echo "changes:   $(OUT)/changes/ (from the second run on)"
	@echo "diagram:   $(OUT)/diagrams/stack.md"
	@echo "record:    $(OUT)/inspections.json"

# Chromium and Mermaid for the tests that render diagrams (STACK_INSPECTIONS_NO_BROWSER=1: none).
browser:
	PYTHON=$(PYTHON) scripts/ensure-browser.sh

# -m "not docker" also points DOCKER_HOST nowhere (tests/conftest.py): a test that reaches the
# engine without its `docker` mark fails here. The browser tests need Chromium: make test runs them.
check: lint
	$(PYTHON) -m pytest tests -m "not docker and not browser" -n $(WORKERS) --dist worksteal \
		-p no:cacheprovider $(NOT_OURS) -q

# The plugin reads pytest's parser and configuration internals: the same tests on the lowest
# pytest it declares, first on PYTHONPATH (its dependencies are the installed ones).
check-floor: $(FLOOR_DIR)/pytest/__init__.py
	PYTHONPATH="$(FLOOR_PATH)" $(PYTHON) -c 'import pytest; from packaging.version import Version; \
		assert Version(pytest.__version__) == Version("$(PYTEST_FLOOR)"), pytest.__version__'
	PYTHONPATH="$(FLOOR_PATH)" $(PYTHON) -m pytest tests -m "not docker and not browser" \
		-n $(WORKERS) --dist worksteal -p no:cacheprovider $(NOT_OURS) -q

$(FLOOR_DIR)/pytest/__init__.py:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --target $(FLOOR_DIR) \
		"pytest==$(PYTEST_FLOOR)"

test: browser
	$(PYTHON) -m pytest tests -n $(WORKERS) -p no:cacheprovider $(NOT_OURS)

# The README's pictures (docs/*.png), rendered by the tests that check the diagrams.
pictures: demo-images browser
	$(PYTHON) -m pytest tests/e2e/test_demo_stack.py tests/e2e/test_history_pictures.py \
		-k "every_diagram or mermaid_draws" -p no:cacheprovider -q --write-pictures docs

bench: demo-images
	$(PYTHON) -m benchmarks --json $(OUT)/bench.json $(BENCH_ARGS)

lint:
	ruff check .
	ruff format --check .
	mypy
