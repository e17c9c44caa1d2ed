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
REQUIREMENTS := requirements.txt requirements-tools.txt requirements-dev.txt policy/requirements.txt
REQUIREMENTS_SUM := cat $(REQUIREMENTS) | cksum
# One mypy cache for the root and examples/consumer: both analyse pulumi and pulumi_aws.
MYPY_CACHE := $(CURDIR)/.mypy_cache

.PHONY: install installed test lint typecheck workflows unit policy-test plan bench clean \
	python-version

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  found=$$($(PYTHON) -c 'import sys; print(sys.version.split()[0])' 2>/dev/null); \
	  echo "make install needs Python 3.11 or newer; '$(PYTHON)' is $${found:-not a Python}."; \
	  echo "Install Python 3.11+ and run: make install PYTHON=python3.11"; \
	  exit 1; }

install: python-version
	@want=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	have=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	if [ -d $(VENV) ] && [ "$$have" != "$$want" ]; then \
	  echo "==> $(VENV)/ was made by Python $${have:-(broken)}, not $$want: rebuilding it"; \
	  rm -rf $(VENV) $(POLICY_VENV); \
	fi
	@echo "==> [1/4] virtualenv $(VENV)/ with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/4] pip itself"
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> [3/4] requirements-dev.txt (program, tools, linters; the first run takes minutes)"
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@echo "==> [4/4] the policy pack's own virtualenv $(POLICY_VENV)/"
	$(PYTHON) -m venv $(POLICY_VENV)
	$(POLICY_BIN)/python -m pip install --quiet -r policy/requirements.txt
	@$(REQUIREMENTS_SUM) > $(INSTALLED)
	@echo "==> installed. Next: make test, or make plan to see what the program would deploy"

installed:
	@if [ ! -f $(INSTALLED) ]; then \
	  echo "$(VENV)/ is not set up: run make install first (Python 3.11+)"; exit 1; \
	elif [ "$$($(REQUIREMENTS_SUM))" != "$$(cat $(INSTALLED))" ]; then \
	  echo "requirements*.txt changed since the last make install: run make install again"; \
	  exit 1; \
	fi

test: lint typecheck workflows unit

lint: installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/yamllint --strict .

typecheck: installed
	$(BIN)/mypy --cache-dir $(MYPY_CACHE) .
	cd examples/consumer && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml \
	  --cache-dir $(MYPY_CACHE) .
	cd policy && ../$(BIN)/mypy --config-file ../pyproject.toml --python-executable venv/bin/python .

workflows: installed
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/zizmor --offline .github

unit: installed
	$(BIN)/python -m pytest

# The policy pack's tests alone (`unit` runs them too): the pack over gRPC, started once.
policy-test: installed
	$(BIN)/python -m pytest tests/policy -q

plan: installed
	$(BIN)/python -m offline_plan --stack $(STACK)

bench: installed
	$(BIN)/python -m benchmarks.program
	$(BIN)/python -m benchmarks.config_validation
	$(BIN)/python -m benchmarks.audit_state
	$(BIN)/python -m benchmarks.credentials_cache
	$(BIN)/python -m benchmarks.offline_plan

clean:
	rm -rf $(VENV) $(POLICY_VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis \
	  examples/consumer/.mypy_cache policy/.mypy_cache
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
