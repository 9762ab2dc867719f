"""The offline engine holds AWS WAF resources to what AWS and the provider accept, and mocks what WAF computes."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from platformctl.preview.mocks import PlatformMocks
from platformctl.preview.offline_checks import name_problems

WEB_ACL = "aws:wafv2/webAcl:WebAcl"


@pytest.mark.parametrize(
    "inputs,expected",
    [
        ({"name": "w" * 129}, '"name" cannot be longer than 128 characters'),
        ({"name": "edge waf"}, 'only alphanumeric characters, hyphens and underscores allowed in "name"'),
        ({"name": "edge.waf"}, 'only alphanumeric characters, hyphens and underscores allowed in "name"'),
    ],
)
def test_web_acl_names_outside_the_waf_rules_fail(inputs, expected):
    problems = name_problems(WEB_ACL, "logical", inputs)
    assert any(expected in p for p in problems), f"{inputs}: expected {expected!r}, got {problems}"


def test_web_acl_names_within_the_waf_rules_pass():
    assert name_problems(WEB_ACL, "platform-prod-edge-waf-acl", {}) == []  # auto-named: logical + 8
    assert name_problems(WEB_ACL, "logical", {"name": "platform_prod-edge-" + "w" * 100}) == []


def test_a_web_acl_gets_a_regional_arn_a_uuid_id_and_the_capacity_of_its_rules():
    rules = [
        {"statement": {"rateBasedStatement": {"aggregateKeyType": "IP", "limit": 2000}}},
        {"statement": {"managedRuleGroupStatement": {"name": "AWSManagedRulesCommonRuleSet", "vendorName": "AWS"}}},
    ]
    args = SimpleNamespace(
        typ=WEB_ACL, name="acl", inputs={"scope": "REGIONAL", "rules": rules}, provider="", custom=True
    )
    resource_id, state = PlatformMocks().new_resource(args)
    assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", resource_id), resource_id
    assert re.fullmatch(
        rf"arn:aws:wafv2:us-east-1:\d{{12}}:regional/webacl/acl-[0-9a-f]{{7}}/{resource_id}", state["arn"]
    )
    assert state["capacity"] == 702
