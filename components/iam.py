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


def key_administration(account_id: str) -> dict[str, Any]:
    """The key-policy statement every KMS key of the platform starts with: without it nobody, not even the
    account root, could manage the key after creation."""
    return {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def key_use_by_cloudwatch_logs(account_id: str, region: str) -> dict[str, Any]:
    """CloudWatch Logs encrypts with its own service principal; the condition limits it to this account's log
    groups in `region` (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html)."""
    return {
        "Sid": "Allow CloudWatch Logs",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"}
        },
    }
