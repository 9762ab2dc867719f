"""Secrets the program needs, read as Pulumi secrets: never in a stack file in plaintext, never in an output.

Set them once per stack:  pulumi config set --secret platform:pagerdutyEndpoint <url>
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from .base import PROJECT_NAMESPACE

PAGERDUTY_ENDPOINT = "pagerdutyEndpoint"

# Documented here and in Pulumi.yaml; offline previews use the placeholders in platformctl.offline.yaml.
SECRET_KEYS = {
    PAGERDUTY_ENDPOINT: "HTTPS endpoint of the PagerDuty CloudWatch integration that critical alerts page.",
}


@dataclass(frozen=True)
class PlatformSecrets:
    pagerduty_endpoint: pulumi.Output[str] | None


def read_secrets() -> PlatformSecrets:
    config = pulumi.Config(PROJECT_NAMESPACE)
    return PlatformSecrets(pagerduty_endpoint=config.get_secret(PAGERDUTY_ENDPOINT))
