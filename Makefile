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


.PHONY: help install dev token chat mail events tick bench bench-peer faq-models bench-web test check lint format typecheck openapi openapi-check validate checkov build unit e2e fuzz pytest deploy-web clean web web-check web-schema browser

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

dev: $(VENV)/.installed web ## Start the local stack with demo data and the portal on http://127.0.0.1:$(PORT) (Ctrl-C stops it; STATE=file for a second one)
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

# The virtualenvs and the portal's node_modules are independent downloads: installed side by side, a fresh machine
# waits for the slowest instead of their sum (72 s instead of 118 here with pip's cache warm).
INSTALLS := $(VENV)/.installed $(SAM_VENV)/.installed .venv-checkov/.installed .venv-fuzz/.installed web/node_modules/.installed

install: ## Every virtualenv and the portal's node_modules, side by side
	$(MAKE) --no-print-directory -j5 $(INSTALLS)

test: install lint typecheck openapi-check web-check validate checkov build pytest fuzz ## Every check and test (what CI runs)

bench: $(VENV)/.installed ## Counts and ratios: DynamoDB calls, read cost vs table size, cold start, a ticket's cost, load, the portal
	PYTHONPATH=layers/common $(PY) -m bench.bench
	PYTHONPATH=layers/common $(PY) -m bench.following --others 1000 50000
	PYTHONPATH=layers/common $(PY) -m bench.assistant
	PYTHONPATH=layers/common $(PY) -m bench.directory --structures 1000 100000
	PYTHONPATH=layers/common $(PY) -m bench.cost
	$(PY) -m bench.load --clients 50 --seconds 30 --requests 10000
	PYTHONPATH=layers/common $(PY) -m bench.chat
	$(MAKE) --no-print-directory bench-web

# The peer of bench-peer in its own virtualenv, created like .venv-fuzz: django-helpdesk and Django, pinned.
.venv-peer/.installed: requirements-peer.txt
	$(PYTHON) -m venv .venv-peer
	.venv-peer/bin/pip install --quiet --upgrade pip
	.venv-peer/bin/pip install --quiet -r requirements-peer.txt
	touch $@

bench-peer: $(VENV)/.installed .venv-peer/.installed ## CPU per request beside django-helpdesk (SQLite), same operations, same run
	PYTHONPATH=layers/common $(PY) -m bench.peer --peer-python .venv-peer/bin/python

# The assistant's learned-model experiments (docs/decisions.md), in their own virtualenv: scikit-learn, spaCy and its
# French model (45 MB from PyPI), wordfreq. Not part of make test: they measure candidates, not the product.
.venv-models/.installed: requirements-models.txt
	$(PYTHON) -m venv .venv-models
	.venv-models/bin/pip install --quiet --upgrade pip
	.venv-models/bin/pip install --quiet -r requirements-models.txt
	touch $@

faq-models: .venv-models/.installed ## the assistant's matcher beside three learned fallbacks, on the 1,042 outside phrasings
	PYTHONPATH=layers/common .venv-models/bin/python -m experiments.faq_models

# The portal's measures (issue 21): its build, Lighthouse 12.2.3 from bench/lighthouse's lockfile (Node 20), Debian's
# Chromium (CHROME_PATH, default /usr/bin/chromium); the pages it opens are data (bench/portal_pages.json).
bench/lighthouse/node_modules/.package-lock.json: bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund --silent

bench-web: $(VENV)/.installed web bench/lighthouse/node_modules/.package-lock.json ## The portal: JS and CSS shipped (gzip), API calls per page, Lighthouse scores (simulated mobile)
	PYTHONPATH=layers/common $(PY) -m bench.portal

check: lint typecheck openapi-check ## Fast checks: ruff, mypy, OpenAPI drift

# ------------------------------------------------------------------------------------------ the portal (web/)
# Node 20 and npm, from the committed lockfile (npm ci). The DSFR's terms are accepted in web/.dsfr.yml.
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web: web/node_modules/.installed ## Build the portal into web/dist (served by make dev at /)
	cd web && npx vite build --logLevel warn

web-schema: web/node_modules/.installed ## Regenerate the portal's API types (web/src/api/schema.d.ts) from docs/openapi.json
	cd web && npx openapi-typescript ../docs/openapi.json -o src/api/schema.d.ts

# The portal's types follow docs/openapi.json: a route or field the contract lacks fails tsc.
web-check: web/node_modules/.installed ## The portal's checks: its API types up to date, tsc --noEmit, eslint
	cd web && npx openapi-typescript ../docs/openapi.json -o node_modules/.schema-check.d.ts >/dev/null \
		&& cmp -s node_modules/.schema-check.d.ts src/api/schema.d.ts \
		|| { echo "web/src/api/schema.d.ts is out of date with docs/openapi.json: run make web-schema." >&2; exit 1; }
	cd web && npx tsc --noEmit
	cd web && npx eslint .

browser: $(VENV)/.installed web ## The portal's tests in Chromium (/usr/bin/chromium, Playwright): tests/browser
	$(PY) -m pytest -m browser tests/browser

lint: $(VENV)/.installed ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Format and auto-fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(VENV)/.installed ## mypy (strict) on the domain, functions, local stack, tests, bench, fuzz, scripts and the model trials
	$(VENV)/bin/mypy layers/common/chorus_desk functions local_stack tests bench fuzz scripts experiments

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

pytest: $(VENV)/.installed $(SAM_VENV)/.installed web ## All tests (unit, handler, end-to-end), one worker per core, a file per worker; then the IAM check of their calls
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

fuzz: $(VENV)/.installed .venv-fuzz/.installed ## schemathesis, seeded, every check, as marie and sophie at once, each on a stack of its own
	$(PY) -m fuzz.run $(FUZZ_ARGS)

# After `sam deploy` (ENV=prod: samconfig.toml's prod environment): the stack's outputs name the bucket and the
# distribution; a stack whose CorsOrigin or StatusPageUrl is not the portal's address is refused (docs/deploy-web.md).
ENV ?= default
deploy-web: $(VENV)/.installed web ## Build the portal and publish it to the deployed stack's bucket and CloudFront (ENV=prod)
	$(PY) -m scripts.deploy_web --config-env $(ENV)

clean: ## Remove virtualenvs, build output and caches
	rm -rf $(VENV) $(SAM_VENV) .venv-fuzz .venv-checkov .venv-peer .venv-models .aws-sam .local-stack .pytest_cache .mypy_cache .ruff_cache
	rm -rf web/node_modules web/dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
