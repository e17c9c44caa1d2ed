# The two set-up commands of the README: `make install`, then `make test`.
# .ci/run calls exactly these; keep them the single source of truth for CI and laptops.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin

.PHONY: install test lint typecheck workflows unit bench

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt

test: lint typecheck workflows unit

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .

typecheck:
	$(BIN)/mypy .
	cd examples/consumer && ../../$(BIN)/mypy --config-file ../../pyproject.toml .

workflows:
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/zizmor --offline .github

unit:
	$(BIN)/python -m pytest

bench:
	$(BIN)/python -m benchmarks.program
	$(BIN)/python -m benchmarks.config_validation
	$(BIN)/python -m benchmarks.audit_state
	$(BIN)/python -m benchmarks.credentials_cache
