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


def partition(region: str) -> str:
    """The ARN partition of a region: GovCloud and China have their own."""
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"
