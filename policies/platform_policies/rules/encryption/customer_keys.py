"""What counts as a customer-managed KMS key, shared by the encryption rules."""

from __future__ import annotations

import re
from typing import Any

# "alias/aws/s3", "aws/sns" or an alias ARN ending in alias/aws/...: keys AWS owns, not us.
_AWS_MANAGED_KEY = re.compile(r"(?:^|alias/)aws/")


def key_problem(value: Any, what: str) -> str | None:
    """Why `value` is not a customer-managed KMS key (ID, ARN or customer alias), or None when it is."""
    if not (isinstance(value, str) and value):
        return f"{what} names no KMS key; expected the ARN of a customer-managed KMS key"
    if _AWS_MANAGED_KEY.search(value):
        return f"{what} uses the AWS-managed key {value}; expected a customer-managed KMS key"
    return None
