"""The account baseline's estimate: its services priced per region of the account, tiered where AWS tiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_core.cost.pricebook import MissingPrice, PriceBook, load_usage
from platformctl.cost import report
from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project

from .estimate_cases import BOOK, record, total, usd

BASELINE = Path(__file__).resolve().parents[2] / "account-baseline"
EXAMPLES = ("example-prod", "example-nonprod")
HUB = "aws:securityhub/account:Account"
ENABLER = "aws:inspector2/enabler:Enabler"
RECORDER = "aws:cfg/recorder:Recorder"
PROVIDER = "pulumi:providers:aws"


def regional(type_: str, name: str, inputs: dict, region: str = "us-east-1") -> dict:
    return record(type_, name, {**inputs, "region": region})


def account_usage(**region: float) -> dict:
    return {"configGlobalItems": 200, "s3Gb": {"recording": 1}, "regions": {"us-east-1": region}}


@pytest.fixture(scope="module")
def baseline_estimates():
    project = load_project(BASELINE)
    previews = preview_stacks(project, list(EXAMPLES))
    assert all(p.ok for p in previews), {p.stack: p.message for p in previews}
    return report.estimate_previews(project, previews, report.load_prices())


@pytest.mark.parametrize("stack", EXAMPLES)
def test_the_baseline_examples_are_priced_in_full_with_their_account_profile(baseline_estimates, stack):
    estimate = baseline_estimates[stack]
    assert estimate.unpriced == [], estimate.unpriced
    assert estimate.notes == [], estimate.notes
    priced = {line.type for line in estimate.lines if line.high}
    assert {HUB, ENABLER, RECORDER, "aws:guardduty/detector:Detector"} <= priced, priced


def test_the_profile_is_the_stacks_usage_profile_else_its_tier():
    assert report.usage_profile(load_project(BASELINE), "example-nonprod") == "account-nonprod"
    assert report.usage_profile(load_project(BASELINE.parent), "staging") == "staging"
    assert set(load_usage()["accounts"]) == {"account-prod", "account-nonprod"}


def test_security_hub_checks_follow_the_tiered_price():
    usage = account_usage(securityHubChecks=150_000, securityHubFindings=25_000)
    estimate = total([regional(HUB, "hub", {})], usage)
    checks = 100_000 * 0.0010 + 50_000 * 0.0008  # the second band from the 100,001st check
    findings = 15_000 * 0.00003  # the first 10,000 a month are free
    assert estimate.high == usd(checks + findings)  # 140.00 + 0.45
    assert BOOK.tiered("securityHubCheck", 600_000) == pytest.approx(100 + 400_000 * 0.0008 + 100_000 * 0.0005)


def test_a_quantity_beyond_a_bounded_last_band_has_no_price():
    book = PriceBook({**BOOK.document, "tiered": {"x": {"bands": [{"upTo": 10, "price": 1}]}}})
    assert book.tiered("x", 10) == 10
    with pytest.raises(MissingPrice, match=r"tiered\.x above 10"):
        book.tiered("x", 11)


def test_inspector_prices_ec2_instances_only_its_ecr_scans_are_on_the_repositories():
    usage = account_usage(inspectorEc2Instances=7)
    both = total([regional(ENABLER, "inspector", {"resourceTypes": ["EC2", "ECR"]})], usage)
    ecr_only = total([regional(ENABLER, "inspector", {"resourceTypes": ["ECR"]})], usage)
    assert both.high == usd(7 * 1.2528)
    assert ecr_only.high == 0 and ecr_only.unpriced == []


def test_config_counts_global_items_once_in_the_region_that_records_them():
    usage = account_usage(configItems=1000, configRuleEvaluations=0)
    group = {"recordingMode": {"recordingFrequency": "CONTINUOUS"}, "recordingGroup": {"allSupported": True}}
    primary = {**group, "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}}
    assert total([regional(RECORDER, "rec", primary)], usage).high == usd(1200 * 0.003)
    assert total([regional(RECORDER, "rec", group)], usage).high == usd(1000 * 0.003)


def test_the_region_comes_from_the_provider_and_an_unlisted_one_is_unpriced_not_zero():
    provider = record(PROVIDER, "aws-eu-west-1", {"region": "eu-west-1"})  # skipped as a resource, read for region
    hub = record(HUB, "hub", {})
    hub["provider"] = f"{provider['urn']}::some-id"
    estimate = total([provider, hub], account_usage(securityHubChecks=1000, securityHubFindings=0))
    [missing] = estimate.unpriced
    assert missing["type"] == HUB
    assert "no usage for region 'eu-west-1'" in missing["reason"] and "usage.yaml" in missing["reason"]


def test_a_tier_profile_does_not_price_account_services_as_zero():
    estimate = total([regional(HUB, "hub", {})], {"natGbPerGateway": 30})
    assert [item["type"] for item in estimate.unpriced] == [HUB]
