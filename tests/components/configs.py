"""Stack configs for the component tests, built without Pulumi: a tier's defaults with what a team's own stack
file adds (`load`), or a stack's config as the offline preview reads it from the repository (`stack_config`)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from components.config.loader import _deep_merge, load_platform_config
from components.config.model import PlatformConfig
from components.config.secrets import SECRET_KEYS
from platformctl.project import load_project, load_stack_config

REPO = Path(__file__).resolve().parents[2]
TIERS = ("dev", "staging", "prod")

PROJECT_DEFAULTS = {
    "owner": "platform-team",
    "costCenter": "platform-engineering",
    "dataClassification": "confidential",
    "primaryRegion": "us-east-1",
    "drRegion": "us-west-2",
}


# What a team sets in its own staging/prod stack files: there is no tier default for these.
SLACK = {
    "slackWorkspaceId": "T0123ABCDE",
    "slackCriticalChannelId": "C0123ABCDE",
    "slackWarningChannelId": "C0456FGHIJ",
}


TEAM_VALUES = {
    "staging": {"accountId": "210987654321", "alerting": SLACK},
    "prod": {"accountId": "123456789012", "alerting": SLACK, "cluster": {"publicAccessCidrs": ["203.0.113.16/28"]}},
}


def load(tier: str = "dev", **overrides):
    raw = _deep_merge(copy.deepcopy(TEAM_VALUES.get(tier, {})), overrides)
    return load_platform_config({**PROJECT_DEFAULTS, "tier": tier, **raw})


@cache
def stack_config(tier: str) -> PlatformConfig:
    """The stack's validated config, from the same stack files and offline stand-ins the preview uses."""
    project = load_project(REPO)
    values = load_stack_config(project, tier).values
    prefix = f"{project.name}:"
    raw = {
        key[len(prefix) :]: _decode(value)
        for key, value in values.items()
        if key.startswith(prefix) and key[len(prefix) :] not in SECRET_KEYS
    }
    return load_platform_config(raw)


def _decode(value: str) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "{[" else value
