"""Look-ups over a previewed stack that tests of several components share."""

from __future__ import annotations

ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"


def customer_keys(stack) -> set[str]:
    return {key["outputs"]["arn"] for key in stack.of_type("aws:kms/key:Key")}


def access_urns(stack) -> set[str]:
    """The cluster's access entries and policy associations: nothing may reach the API before them."""
    return {r["urn"] for r in stack.of_type(ACCESS_ENTRY) + stack.of_type(ASSOCIATION)}
