"""The providers: each AWS provider tags every resource with the cost tags and refuses any account but the
stack's own; what the account baseline owns is looked up with a message that says what to do when missing."""

from __future__ import annotations

import json

import pytest

from platformctl.project import load_stack_config

ACCOUNT = "123456789012"  # the account the offline mocks answer for; staging and prod's stand-in accountId
COST_TAGS = {"environment", "owner", "cost-center", "managed-by", "data-classification"}


def test_providers_tag_every_resource_with_the_cost_tags(tier_stack):
    tier, stack = tier_stack
    providers = stack.of_type("pulumi:providers:aws")
    assert providers
    for provider in providers:
        default_tags = provider["inputs"]["defaultTags"]
        # Provider inputs reach the engine as JSON text, like every nested provider config value.
        tags = (json.loads(default_tags) if isinstance(default_tags, str) else default_tags)["tags"]
        assert set(tags) >= COST_TAGS and tags["environment"] == tier, provider["urn"]
    for resource in stack.resources:
        if resource["type"].startswith("aws:"):
            assert resource["provider"].split("::")[-2] in {p["name"] for p in providers}, resource["urn"]


def test_every_aws_provider_refuses_any_account_but_the_configured_one(project, tier_stack):
    tier, stack = tier_stack
    account_id = load_stack_config(project, tier).values.get("platform:accountId")
    # staging and prod must set platform:accountId (offline: the stand-in); dev may leave it unset.
    assert account_id == ACCOUNT or (tier == "dev" and account_id is None)
    providers = stack.of_type("pulumi:providers:aws")
    assert {p["name"] for p in providers} >= {"aws-primary"}
    for provider in providers:
        allowed = provider["inputs"].get("allowedAccountIds")
        allowed = json.loads(allowed) if isinstance(allowed, str) else allowed
        assert allowed == ([account_id] if account_id else None), provider["urn"]


def test_a_missing_baseline_resource_stops_the_program_with_what_to_do():
    import pulumi

    from components.providers import from_account_baseline

    def lookup():
        raise Exception("invoke of aws:guardduty/getDetector:getDetector failed: no detector found")

    with pytest.raises(pulumi.RunError) as caught:
        from_account_baseline("GuardDuty detector in this account and region", lookup)
    assert str(caught.value).startswith("no GuardDuty detector in this account and region (invoke of")
    assert "run `pulumi up` in account-baseline/ for this account first" in str(caught.value)
    assert from_account_baseline("anything", lambda: "found") == "found"
