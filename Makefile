# Every target sets up its own virtualenv first, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install preview test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(STAMP)

POLICY_ARGS := --policy-pack policies --policy-pack-config 'policies/config/{stack}.json'

## preview: every stack, offline, under the Pulumi SDK's mock monitor, through the policy pack
preview: install
	$(PY) -m platformctl preview --stack all $(POLICY_ARGS)

## test: lint, then the whole test suite
test: install lint
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .

## bench: offline preview time per stack and per resource against a bare-SDK baseline
bench: install
	$(PY) bench/preview_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
