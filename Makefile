# Chorus Pro support desk. `make help` lists the targets. Every target installs what it needs itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
SAM_VENV := .venv-sam
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
PORT ?= 3000
WHO ?= marie

export AWS_DEFAULT_REGION ?= eu-west-3
export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Optional: with a CPython 3.13 (pyenv's interpreter itself, else a real python3.13 on PATH; not a pyenv shim)
# the build ships byte-code for Lambda's python3.13 (layers/common/Makefile). Without one it ships sources only.
PY313 := $(or $(lastword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13)),$(shell command -v python3.13 2>/dev/null | grep -v /shims/))


.PHONY: help dev token chat mail events tick bench test check lint format typecheck openapi openapi-check validate checkov build unit e2e fuzz pytest clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt $(wildcard functions/*/requirements.txt)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet -r requirements-sam.txt
	touch $@

dev: $(VENV)/.installed ## Start the local stack with demo data on http://127.0.0.1:$(PORT) (Ctrl-C stops it; STATE=file for a second one)
	exec $(PY) -m local_stack serve --port $(PORT) --stop-with-parent $(if $(STATE),--state-file $(STATE))

token: $(VENV)/.installed ## Print an IdToken of a demo user of the running stack: TOKEN=$$(make -s token WHO=marie)
	@$(PY) -m local_stack token $(WHO) $(if $(STATE),--state-file $(STATE))

mail: $(VENV)/.installed ## List the mails the local stack sent (SES), with their text (LAST=n: the last n only; WAIT=text: wait for it)
	@$(PY) -m local_stack mail $(if $(LAST),--last $(LAST)) $(if $(WAIT),--wait-for "$(WAIT)") $(if $(STATE),--state-file $(STATE))

events: $(VENV)/.installed ## List the events the local stack put on its bus: the tickets' lifecycle (LAST=n: the last n only)
	@$(PY) -m local_stack events $(if $(LAST),--last $(LAST)) $(if $(STATE),--state-file $(STATE))

chat: $(VENV)/.installed ## The live chat in this terminal, on the running stack: WHO=sophie (an agent), then WHO=marie or WHO=visiteur in another
	@$(PY) -m local_stack chat $(WHO) $(if $(STATE),--state-file $(STATE))

tick: $(VENV)/.installed ## Run the schedules once in the running stack (the automatic closing): NOW=2027-01-15T03:00:00Z or DAYS=16 to simulate time
	@$(PY) -m local_stack tick $(if $(NOW),--now $(NOW)) $(if $(DAYS),--days $(DAYS)) $(if $(STATE),--state-file $(STATE))

test: lint typecheck openapi-check validate checkov build pytest fuzz ## Every check and test (what CI runs)

bench: $(VENV)/.installed ## Counts and ratios: DynamoDB calls, read cost vs table size, cold start, local-stack soak
	PYTHONPATH=layers/common $(PY) -m bench.bench
	PYTHONPATH=layers/common $(PY) -m bench.following --others 1000 50000
	PYTHONPATH=layers/common $(PY) -m bench.assistant
	PYTHONPATH=layers/common $(PY) -m bench.directory --structures 1000 100000
	PYTHONPATH=layers/common $(PY) -m bench.chat
	$(PY) -m bench.soak --requests 10000

check: lint typecheck openapi-check ## Fast checks: ruff, mypy, OpenAPI drift

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Format and auto-fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(VENV)/.installed ## mypy (strict) on the domain, functions, local stack, tests, bench and fuzz
	$(VENV)/bin/mypy layers/common/chorus_desk functions local_stack tests bench fuzz

openapi: $(VENV)/.installed ## Regenerate docs/openapi.json and docs/asyncapi.yaml (the live chat) from the code
	$(PY) -m local_stack openapi
	$(PY) -m local_stack asyncapi

openapi-check: $(VENV)/.installed ## Fail if docs/openapi.json or docs/asyncapi.yaml and the code disagree
	$(PY) -m local_stack openapi --check
	$(PY) -m local_stack asyncapi --check

validate: $(SAM_VENV)/.installed ## sam validate --lint (cfn-lint), then cfn-lint with its informational rules too
	$(SAM) validate --lint
	$(SAM_VENV)/bin/cfn-lint --include-checks I -- template.yaml

# checkov's own tool virtualenv, created like .venv-fuzz: it pins its own boto3, cfn-lint and many more.
.venv-checkov/.installed: requirements-checkov.txt
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet --upgrade pip
	.venv-checkov/bin/pip install --quiet -r requirements-checkov.txt
	touch $@

# Offline (--skip-download: no policy or guideline download); a skipped check is one the resource's
# Metadata names with its reason (checkov: skip: id, comment). Any failed check fails the target.
checkov: .venv-checkov/.installed ## checkov on template.yaml (CloudFormation and SAM): 0 failed checks
	.venv-checkov/bin/checkov --file template.yaml --framework cloudformation --skip-download --compact --quiet

build: $(SAM_VENV)/.installed ## sam build for python3.13 / arm64 into .aws-sam/ (no python3.13 needed)
	PY313="$(PY313)" PYTHON="$(abspath $(SAM_VENV))/bin/python" $(SAM) build

# The run records every AWS call the functions' handlers make (tests/iam_recorder.py); then the IAM check holds
# them against the roles SAM's translator (the SAM CLI's) makes of template.yaml (tests/test_iam.py).
IAM_CALLS := $(CURDIR)/.iam-calls

pytest: $(VENV)/.installed $(SAM_VENV)/.installed ## All tests (unit, handler, end-to-end), one worker per core, a file per worker; then the IAM check of their calls
	rm -rf $(IAM_CALLS)
	IAM_CALLS_DIR=$(IAM_CALLS) $(PY) -m pytest -n auto --dist loadfile
	IAM_CALLS_DIR=$(IAM_CALLS) $(PY) -m pytest -m iam tests/test_iam.py

unit: $(VENV)/.installed ## Tests without the end-to-end ones
	$(PY) -m pytest -n auto --dist loadfile -m "not e2e"

e2e: $(VENV)/.installed ## End-to-end tests: start the local stack, talk HTTP with real Cognito tokens
	$(PY) -m pytest -m e2e

# The fuzzer's own tool virtualenv, created like .venv: schemathesis brings Hypothesis and a pytest plugin.
.venv-fuzz/.installed: requirements-fuzz.txt
	$(PYTHON) -m venv .venv-fuzz
	.venv-fuzz/bin/pip install --quiet --upgrade pip
	.venv-fuzz/bin/pip install --quiet -r requirements-fuzz.txt
	touch $@

fuzz: $(VENV)/.installed .venv-fuzz/.installed ## schemathesis, seeded, every check, as marie then sophie, on stacks of its own
	$(PY) -m fuzz.run $(FUZZ_ARGS)

clean: ## Remove virtualenvs, build output and caches
	rm -rf $(VENV) $(SAM_VENV) .venv-fuzz .venv-checkov .aws-sam .local-stack .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
