"""Encryption-in-transit rules: what a violation names."""

from __future__ import annotations

from platform_policies.rules.encryption import in_transit
from tests.policies.rules.encryption.in_transit_cases import NAMED_BUCKET

RULES = {rule.name: rule for rule in in_transit.RULES}


def test_violation_names_the_offending_bucket():
    [violation] = RULES["s3-bucket-tls-only"].check_stack([NAMED_BUCKET])
    assert violation.urn == NAMED_BUCKET.urn and "data-1" in violation.message
