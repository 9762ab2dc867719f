"""IAM documents and ARN parts more than one component writes."""

from __future__ import annotations

import json
from typing import Any


def service_trust(service: str, condition: dict[str, Any] | None = None) -> str:
    """Trust policy letting one AWS service assume a role, optionally narrowed by a condition (confused deputy)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


# The audience AWS STS expects in the web-identity tokens it exchanges (EKS service accounts, GitHub Actions).
STS_AUDIENCE = "sts.amazonaws.com"


def web_identity_trust(provider_arn: object, claims: dict[str, str]) -> dict[str, Any]:
    """Trust policy document for tokens of one OIDC provider whose claims equal `claims` (keys `<host>:<claim>`).

    A document, not JSON: the provider ARN may still be an Output, serialised by the caller."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": claims},
            }
        ],
    }


def partition(region: str) -> str:
    """The ARN partition of a region: GovCloud and China have their own."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"
