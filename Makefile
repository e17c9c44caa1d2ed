# The two set-up commands of the README: `make install`, then `make test`.
# .ci/run calls exactly these; keep them the single source of truth for CI and laptops.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin
# The CrossGuard policy pack runs in its own virtualenv (policy/PulumiPolicy.yaml points there).
POLICY_BIN := policy/venv/bin

.PHONY: install test lint typecheck workflows unit policy-test bench

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(PYTHON) -m venv policy/venv
	$(POLICY_BIN)/python -m pip install --quiet -r policy/requirements.txt

test: lint typecheck workflows unit

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .

typecheck:
	$(BIN)/mypy .
	cd examples/consumer && ../../$(BIN)/mypy --config-file ../../pyproject.toml .
	cd policy && ../$(BIN)/mypy --config-file ../pyproject.toml --python-executable venv/bin/python .

workflows:
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/zizmor --offline .github

unit:
	$(BIN)/python -m pytest

# The policy pack's tests alone (`unit` runs them too): the pack over gRPC, started once.
policy-test:
	$(BIN)/python -m pytest tests/policy -q

bench:
	$(BIN)/python -m benchmarks.program
	$(BIN)/python -m benchmarks.config_validation
	$(BIN)/python -m benchmarks.audit_state
	$(BIN)/python -m benchmarks.credentials_cache
