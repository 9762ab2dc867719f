"""The account-baseline program: the account-level singletons, previewed offline like the platform's stacks,
and the platform stacks that no longer create any of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_core.errors import UsageError
from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project
from tests.conftest import Stack

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "account-baseline"
NAMESPACE = "platform-account-baseline"
EXAMPLES = ("example-prod", "example-nonprod")
OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
DETECTOR = "aws:guardduty/detector:Detector"
ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
EBS_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
ZONE = "aws:route53/zone:Zone"


def stack_config(stack: str) -> dict[str, Any]:
    raw = yaml.safe_load((BASELINE / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: value for key, value in raw.items()}


@pytest.fixture(scope="module")
def baselines() -> dict[str, Stack]:
    previews = preview_stacks(load_project(BASELINE), list(EXAMPLES))
    assert all(p.ok for p in previews), {p.stack: p.message for p in previews}
    return {p.stack: Stack(p) for p in previews}


@pytest.fixture(params=EXAMPLES)
def baseline(request, baselines) -> tuple[dict[str, Any], Stack]:
    return stack_config(request.param), baselines[request.param]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def by_region(stack: Stack, token: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for resource in stack.of_type(token):
        found.setdefault(stack.provider_region(resource), []).append(resource)
    return found


def test_one_explicit_provider_per_region_guarded_by_the_account(baseline):
    config, stack = baseline
    providers = stack.of_type("pulumi:providers:aws")
    assert sorted(p["inputs"]["region"] for p in providers) == sorted(config["regions"])
    for provider in providers:
        assert _json(provider["inputs"]["allowedAccountIds"]) == [config["accountId"]], provider["urn"]
        tags = _json(provider["inputs"]["defaultTags"])["tags"]
        assert {"environment", "owner", "cost-center", "managed-by", "data-classification"} <= set(tags)
    urns = {p["urn"] for p in providers}
    for resource in stack.resources:
        if resource["custom"] and not resource["type"].startswith("pulumi:providers:"):
            assert resource["provider"].rsplit("::", 1)[0] in urns, resource["urn"]


def test_github_oidc_provider_and_s3_account_block_exist_once_in_the_account(baseline):
    config, stack = baseline
    github = stack.one(OIDC)
    assert github["inputs"]["url"] == "https://token.actions.githubusercontent.com"
    assert github["inputs"]["clientIdLists"] == ["sts.amazonaws.com"]
    assert stack.provider_region(github) == config["regions"][0]
    assert stack.outputs["githubOidcProviderArn"] == github["outputs"]["arn"]
    block = stack.one(ACCOUNT_BLOCK)["inputs"]
    assert all(
        block[flag] is True
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    ), block


def test_guardduty_and_ebs_default_encryption_once_in_every_region(baseline):
    config, stack = baseline
    for token, flag in ((DETECTOR, "enable"), (EBS_DEFAULT, "enabled")):
        found = by_region(stack, token)
        assert sorted(found) == sorted(config["regions"]), token
        for region, resources in found.items():
            assert len(resources) == 1, f"{token} in {region}: {[r['urn'] for r in resources]}"
            assert resources[0]["inputs"][flag] is True, resources[0]["urn"]
    assert set(stack.outputs["guardDutyDetectorIds"]) == set(config["regions"])


def test_account_singletons_are_replaced_delete_first(baseline):
    _, stack = baseline
    for token in (OIDC, DETECTOR, ACCOUNT_BLOCK, EBS_DEFAULT):
        for resource in stack.of_type(token):
            assert resource["deleteBeforeReplace"], resource["urn"]


def test_public_zones_are_protected_and_their_name_servers_exported(baseline):
    config, stack = baseline
    zones = {z["inputs"]["name"]: z for z in stack.of_type(ZONE)}
    assert sorted(zones) == sorted(config["domains"])
    for zone in zones.values():
        assert zone["protect"] is True and zone["inputs"]["forceDestroy"] is False, zone["urn"]
    assert stack.outputs["nameServers"] == {domain: z["outputs"]["nameServers"] for domain, z in zones.items()}
    assert stack.outputs["hostedZoneIds"] == {domain: z["outputs"]["zoneId"] for domain, z in zones.items()}


def test_examples_cover_a_prod_account_and_a_shared_non_prod_account():
    assert stack_config("example-prod")["domains"] == ["platform.company.com"]
    assert stack_config("example-nonprod")["domains"] == ["dev.platform.company.com", "staging.platform.company.com"]


def test_default_regions_are_the_platform_default_regions():
    platform = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"]
    baseline = yaml.safe_load((BASELINE / "Pulumi.yaml").read_text())["config"]
    assert baseline["regions"]["default"] == [platform["primaryRegion"]["default"], platform["drRegion"]["default"]]


def _copy_with(tmp_path: Path, values: dict[str, Any]) -> Path:
    copy = tmp_path / "account-baseline"
    shutil.copytree(BASELINE, copy, ignore=shutil.ignore_patterns("__pycache__", "Pulumi.example-*.yaml"))
    (copy / "Pulumi.test.yaml").write_text(
        yaml.safe_dump({"config": {f"{NAMESPACE}:{k}": v for k, v in values.items()}})
    )
    return copy


def test_account_id_is_required(tmp_path):
    with pytest.raises(UsageError, match="accountId"):
        preview_stacks(load_project(_copy_with(tmp_path, {"domains": []})), ["test"])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"accountId": "12345", "domains": []}, "accountId must be the 12-digit"),
        ({"accountId": "123456789012", "domains": ["Platform.Company.com"]}, "domains must be"),
        ({"accountId": "123456789012", "domains": [], "regions": []}, "regions must be"),
    ],
)
def test_config_mistakes_stop_before_any_resource(tmp_path, values, message):
    [preview] = preview_stacks(load_project(_copy_with(tmp_path, values)), ["test"])
    assert not preview.ok and message in preview.message, preview.message
    assert not [r for r in preview.resources if r["custom"]]


# --- the platform stacks ------------------------------------------------------------------------------


def test_platform_stacks_create_no_account_singleton(tier_stack):
    tier, stack = tier_stack
    github = [p["urn"] for p in stack.of_type(OIDC) if "token.actions.githubusercontent.com" in p["inputs"]["url"]]
    singletons = [r["urn"] for r in stack.resources if r["type"] in (DETECTOR, ACCOUNT_BLOCK, EBS_DEFAULT)]
    assert not github and not singletons, f"{tier}: {github + singletons}"
    # The cluster's IRSA provider is per cluster and stays in the stack.
    [irsa] = stack.of_type(OIDC)
    assert "oidc.eks." in irsa["inputs"]["url"], irsa["urn"]


def test_platform_stacks_still_route_guardduty_findings(tier_stack):
    tier, stack = tier_stack
    rules = {
        r["outputs"]["name"]: r
        for r in stack.of_type("aws:cloudwatch/eventRule:EventRule")
        if "aws.guardduty" in json.loads(r["inputs"]["eventPattern"]).get("source", [])
    }
    routed = {t["inputs"]["rule"] for t in stack.of_type("aws:cloudwatch/eventTarget:EventTarget")}
    assert rules and set(rules) <= routed, f"{tier}: {sorted(rules)} vs targets {sorted(routed)}"
