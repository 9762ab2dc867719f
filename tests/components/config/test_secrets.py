"""No secret in plaintext: not in a stack file, not in any registered input or stack output; secrets are read
as Pulumi secrets (components/config/secrets.py)."""

from __future__ import annotations

import json
import re

import yaml

from tests.components.configs import REPO

SECRET_LIKE = re.compile(r"AKIA[0-9A-Z]{16}|-----BEGIN (RSA |EC )?PRIVATE KEY|xox[bap]-|hooks\.slack\.com/services")


def test_no_plaintext_secret_in_inputs_or_outputs(tier_stack):
    _, stack = tier_stack
    for resource in stack.resources:
        text = json.dumps(resource["inputs"])
        assert not SECRET_LIKE.search(text), f"{resource['urn']} carries a secret-looking value"
        assert not (set(resource["inputs"]) & {"password", "masterPassword", "secretString"}), resource["urn"]
    assert not SECRET_LIKE.search(json.dumps(stack.outputs))


def test_stack_files_hold_no_plaintext_secrets():
    for path in REPO.glob("Pulumi*.yaml"):
        document = yaml.safe_load(path.read_text()) or {}
        for key, value in (document.get("config") or {}).items():
            if re.search(r"secret|password|token|webhook|api.?key", key, re.IGNORECASE):
                assert isinstance(value, dict) and set(value) == {"secure"}, f"{path.name}: {key} is plaintext"
