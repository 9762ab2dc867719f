# Every target sets up its own virtualenv first, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt pyproject.toml | cksum | cut -d' ' -f1)
# The policy pack's own virtualenv, where PulumiPolicy.yaml's runtime.options.virtualenv points (the CLI and
# `platformctl preview --policy-pack` both run the pack with it); rebuilt when its requirements change.
POLICY_VENV := policies/venv
POLICY_STAMP := $(POLICY_VENV)/.installed-$(shell cat policies/requirements.txt | cksum | cut -d' ' -f1)
# Checkov's own virtualenv, apart from $(VENV): its many pinned dependencies never meet the program's.
# `platformctl scan` runs $(SCAN_VENV)/bin/checkov.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.installed-$(shell cat requirements-scan.txt | cksum | cut -d' ' -f1)

.PHONY: install preview test lint scan bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(POLICY_STAMP): policies/requirements.txt
	rm -f $(POLICY_VENV)/.installed-*
	$(PYTHON) -m venv $(POLICY_VENV)
	$(POLICY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r policies/requirements.txt
	touch $@

$(SCAN_STAMP): requirements-scan.txt
	rm -f $(SCAN_VENV)/.installed-*
	$(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	touch $@

install: $(STAMP) $(POLICY_STAMP) $(SCAN_STAMP)

POLICY_ARGS := --policy-pack policies --policy-pack-config 'policies/config/{stack}.json'

## preview: every stack, offline, under the Pulumi SDK's mock monitor, through the policy pack
preview: install
	$(PY) -m platformctl preview --stack all $(POLICY_ARGS)

## test: lint, format check and type check, then the whole test suite
test: install lint
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## scan: Checkov on every stack's Terraform-plan export; fails on any finding not in policies/scanner-baseline.yaml
scan: install
	$(PY) -m platformctl scan --stack all

## bench: issue 15's targets in one paired run: each stack against a same-imports baseline, peak RSS, --stack all
## against the code before issue 15 (a temporary git worktree, so a full clone), scaling, the pack against Checkov
bench: install
	$(PY) bench/preview_bench.py

clean:
	rm -rf $(VENV) $(POLICY_VENV) $(SCAN_VENV) .pytest_cache .ruff_cache
