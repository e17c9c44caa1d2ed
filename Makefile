# The two set-up commands of the README: `make install`, then `make test`.
# .ci/run calls exactly these; keep them the single source of truth for CI and laptops.
PYTHON ?= python3
VENV := venv
BIN := $(VENV)/bin
# The CrossGuard policy pack runs in its own virtualenv (policy/PulumiPolicy.yaml points there).
POLICY_VENV := policy/venv
POLICY_BIN := $(POLICY_VENV)/bin
STACK ?= prod
# The last step of `make install` writes the requirements' checksum here; every other target
# compares it, so a target run before `make install` (or after a requirements change) says so.
INSTALLED := $(VENV)/.installed
REQUIREMENTS := requirements.txt requirements-tools.txt requirements-dev.txt policy/requirements.txt \
	tests/consumers/js/package-lock.json tests/iam-evaluator/package-lock.json
REQUIREMENTS_SUM := cat $(REQUIREMENTS) | cksum
# Where lint-imports finds the root packages of pyproject.toml's [tool.importlinter]: this tree
# first (not an editable install made elsewhere), the library, and the policy pack.
IMPORT_PATH := $(CURDIR):$(CURDIR)/packages/genesys-credentials:$(CURDIR)/policy
# One mypy cache for the root and examples/consumer: both analyse pulumi and pulumi_aws.
MYPY_CACHE := $(CURDIR)/.mypy_cache

.DEFAULT_GOAL := help
.PHONY: help install installed test lint typecheck workflows unit policy-test plan preflight \
	demo bench clean python-version

# `make help` lists every target that has a `## ` description on its line.
help: ## list the targets
	@echo "make TARGET, the two set-up commands first:"
	@awk -F':.*## ' '/^[a-z-]+:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo "Variables: STACK=$(STACK) (plan, preflight), PYTHON=$(PYTHON) (install)."

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  found=$$($(PYTHON) -c 'import sys; print(sys.version.split()[0])' 2>/dev/null); \
	  echo "make install needs Python 3.11 or newer; '$(PYTHON)' is $${found:-not a Python}."; \
	  echo "Install Python 3.11+ and run: make install PYTHON=python3.11"; \
	  exit 1; }

install: python-version ## create ./venv with everything pinned, and the policy pack's venv
	@want=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	have=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	if [ -d $(VENV) ] && [ "$$have" != "$$want" ]; then \
	  echo "==> $(VENV)/ was made by Python $${have:-(broken)}, not $$want: rebuilding it"; \
	  rm -rf $(VENV) $(POLICY_VENV); \
	fi
	@echo "==> [1/7] virtualenv $(VENV)/ with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/7] pip itself"
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> [3/7] requirements-dev.txt (program, tools, linters; the first run takes minutes)"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@echo "==> [4/7] the genesys-oauth-secrets command and genesys-credentials, editable"
	$(BIN)/python -m pip install --quiet --no-deps -e ./packages/genesys-credentials -e .
	@echo "==> [5/7] the policy pack's own virtualenv $(POLICY_VENV)/"
	$(PYTHON) -m venv $(POLICY_VENV)
	$(POLICY_BIN)/python -m pip install --quiet -r policy/requirements.txt
	@echo "==> [6/7] the AWS SDK for JavaScript that runs docs/consumers.md's snippet (npm ci)"
	npm ci --prefix tests/consumers/js --no-audit --no-fund --silent
	@echo "==> [7/7] the tests' IAM evaluator (Node 20+, pinned by tests/iam-evaluator/package-lock.json)"
	npm ci --prefix tests/iam-evaluator --no-audit --no-fund --silent
	@$(REQUIREMENTS_SUM) > $(INSTALLED)
	@echo "==> installed. Next: make test, or make plan to see what the program would deploy"

installed:
	@if [ ! -f $(INSTALLED) ]; then \
	  echo "$(VENV)/ is not set up: run make install first (Python 3.11+)"; exit 1; \
	elif [ "$$($(REQUIREMENTS_SUM))" != "$$(cat $(INSTALLED))" ]; then \
	  echo "requirements*.txt changed since the last make install: run make install again"; \
	  exit 1; \
	fi

test: lint typecheck workflows unit ## lint, type-check, check the workflows, run every test

lint: installed ## ruff (lint and format), yamllint, and the import rules of docs/architecture.md
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .
	PYTHONPATH=$(IMPORT_PATH) $(BIN)/lint-imports --no-cache --no-logo

typecheck: installed ## mypy --strict on the program, tools, example and pack
	$(BIN)/mypy --cache-dir $(MYPY_CACHE) .
	cd examples/consumer && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml \
	  --cache-dir $(MYPY_CACHE) .
	cd policy && ../$(BIN)/mypy --config-file ../pyproject.toml --python-executable venv/bin/python .

workflows: installed ## the GitHub workflows against their schema, and zizmor
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/zizmor --offline .github

unit: installed ## the test suite (pytest)
	$(BIN)/python -m pytest

# The policy pack's tests alone (`unit` runs them too): the pack over gRPC, started once.
policy-test: installed ## the policy pack's tests only
	$(BIN)/python -m pytest tests/policy -q

plan: installed ## what `pulumi up` would register for STACK, offline
	$(BIN)/genesys-oauth-secrets plan --stack $(STACK)

preflight: installed ## read-only checks of AWS and Genesys before a deploy of STACK
	$(BIN)/genesys-oauth-secrets preflight --stack $(STACK)

demo: installed ## the tools against a local AWS emulator, no account needed
	$(BIN)/genesys-oauth-secrets demo

bench: installed ## the benchmarks (figures, not pass/fail)
	$(BIN)/python -m benchmarks.program
	$(BIN)/python -m benchmarks.config_validation
	$(BIN)/python -m benchmarks.audit_state
	$(BIN)/python -m benchmarks.credentials_cache
	$(BIN)/python -m benchmarks.rotation_fleet --quick
	$(BIN)/python -m benchmarks.offline_plan

clean: ## remove the venvs and caches
	rm -rf $(VENV) $(POLICY_VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build \
	  packages/genesys-credentials/build *.egg-info packages/genesys-credentials/*.egg-info \
	  examples/consumer/.mypy_cache policy/.mypy_cache tests/consumers/js/node_modules \
	  tests/iam-evaluator/node_modules
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
