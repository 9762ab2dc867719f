"""A small evaluator of IAM's identity-policy rules, for what the mocks cannot tell: whether a role may do
something. Explicit deny wins, then any allow; action names match case-insensitively with * and ?; resource
ARNs match per colon-separated segment with * and ?."""

from __future__ import annotations

import re
from typing import Any

# The AWS managed policy PowerUserAccess, v12 (default)
# (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html): everything but IAM,
# Organizations and Account, plus a handful of their actions.
POWER_USER_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "account:GetAccountInformation",
                "account:GetGovCloudAccountInformation",
                "account:GetPrimaryEmail",
                "account:ListRegions",
                "iam:CreateServiceLinkedRole",
                "iam:DeleteServiceLinkedRole",
                "iam:ListRoles",
                "organizations:DescribeEffectivePolicy",
                "organizations:DescribeOrganization",
            ],
            "Resource": "*",
        },
    ],
}


AWS_MANAGED = {"arn:aws:iam::aws:policy/PowerUserAccess": POWER_USER_ACCESS}


def _wildcard(pattern: str, value: str, ignore_case: bool) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    if pattern == "*":
        return True
    parts, values = pattern.split(":", 5), arn.split(":", 5)
    return len(parts) == len(values) == 6 and all(_wildcard(p, v, False) for p, v in zip(parts, values, strict=True))


def _listed(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _applies(statement: dict, action: str, resource: str) -> bool:
    if "Action" in statement:
        acts = any(_wildcard(p, action, True) for p in _listed(statement["Action"]))
    else:
        acts = not any(_wildcard(p, action, True) for p in _listed(statement["NotAction"]))
    if "Resource" in statement:
        on = any(arn_matches(p, resource) for p in _listed(statement["Resource"]))
    else:
        on = not any(arn_matches(p, resource) for p in _listed(statement["NotResource"]))
    return acts and on


def allows(documents: list[dict], action: str, resource: str) -> bool:
    """IAM's identity-policy logic; a conditional Allow proves nothing here, a conditional Deny still denies."""
    allowed = False
    for document in documents:
        for statement in _listed(document["Statement"]):
            if not _applies(statement, action, resource):
                continue
            if statement["Effect"] == "Deny":
                return False
            allowed = allowed or "Condition" not in statement
    return allowed
