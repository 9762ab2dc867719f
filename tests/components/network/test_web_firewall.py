"""The WAF web ACL in front of the public ALB, and the ALB's access logs, checked against what AWS requires and
what the offline mocks would accept anyway. The components run in-process per tier (runs.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.network.web_firewall import (
    MANAGED_RULE_GROUPS,
    RATE_RULE,
    WAF_LOG_GROUP_PREFIX,
    WEB_ACL_WCU_BUDGET,
    web_acl_capacity,
)
from tests.components.configs import stack_config
from tests.components.network.runs import ALB_LOG_PREFIX, LOGS_KEY_ARN, Run, run_components

LB = "aws:lb/loadBalancer:LoadBalancer"
ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"

# Web ACL, rule and metric names: 1-128 of [0-9A-Za-z_-] (terraform-provider-aws wafv2 web_acl.go, schemas.go).
_WAF_NAME = re.compile(r"^[0-9A-Za-z_-]{1,128}$")


# The tiers whose table turns WAF and ALB access logs on (the first test checks the table says so).
PROTECTED_TIERS = ("staging", "prod")


@pytest.fixture(params=PROTECTED_TIERS)
def protected(request, runs) -> Run:
    return runs[request.param]


def _waf_log_group(run: Run) -> dict[str, Any]:
    (group,) = [g for g in run.of_type(LOG_GROUP) if g["inputs"]["name"].startswith(WAF_LOG_GROUP_PREFIX)]
    return group


# --- 1. per tier: staging and prod have it, dev not by default ---------------------------------------------------


def test_the_tier_table_decides_the_web_acl_and_the_access_logs(run):
    config = stack_config(run.tier).ingress
    assert bool(run.of_type(ACL)) is config.waf, f"{run.tier}: web ACL present {bool(run.of_type(ACL))}"
    assert (config.waf and config.access_logs) is (run.tier in PROTECTED_TIERS), f"{run.tier}: {config}"
    balancer = run.one(LB)
    logs = balancer["inputs"].get("accessLogs")
    assert bool(logs and logs.get("enabled")) is config.access_logs, f"{balancer['urn']}: accessLogs {logs}"


def test_turning_waf_on_in_dev_adds_the_web_acl_its_association_and_logging():
    run = run_components("dev", config={"platform:ingress": json.dumps({"waf": True})})
    assert run.error is None, repr(run.error)
    acl = run.one(ACL)
    assert run.one(ASSOCIATION)["inputs"]["webAclArn"] == acl["outputs"]["arn"]
    assert run.one(LOGGING)["inputs"]["resourceArn"] == acl["outputs"]["arn"]
    assert _waf_log_group(run)["inputs"]["retentionInDays"] <= 14, "dev's log-retention-capped allows 14 days"


# --- 2. the web ACL ----------------------------------------------------------------------------------------------


def test_the_web_acl_is_regional_allows_by_default_and_runs_the_baseline_and_a_rate_limit(protected):
    run = protected
    acl = run.one(ACL)
    inputs = acl["inputs"]
    assert inputs["scope"] == "REGIONAL", f"{acl['urn']}: an ALB takes a REGIONAL web ACL"
    assert "allow" in inputs["defaultAction"], f"{acl['urn']}: {inputs['defaultAction']}"
    rules = {rule["name"]: rule for rule in inputs["rules"]}
    for group in MANAGED_RULE_GROUPS:
        statement = rules[group]["statement"]["managedRuleGroupStatement"]
        assert statement == {"name": group, "vendorName": "AWS"}, f"{acl['urn']}: {group}: {statement}"
        assert rules[group]["overrideAction"] == {"none": {}}, f"{acl['urn']}: {group} must not be overridden"
        assert "action" not in rules[group], f"{acl['urn']}: a rule group takes override_action, not action"
    rate = rules[RATE_RULE]
    assert rate["statement"]["rateBasedStatement"] == {
        "aggregateKeyType": "IP",
        "limit": stack_config(run.tier).ingress.waf_rate_limit,
    }, acl["urn"]
    assert rate["action"] == {"block": {}} and rate["priority"] == 0, f"{acl['urn']}: {rate}"
    priorities = [rule["priority"] for rule in inputs["rules"]]
    assert len(set(priorities)) == len(priorities), f"{acl['urn']}: priorities must be unique: {priorities}"


def test_every_rule_and_the_acl_have_metrics_and_samples_under_valid_names(protected):
    run = protected
    acl = run.one(ACL)
    configs = [acl["inputs"]["visibilityConfig"], *(rule["visibilityConfig"] for rule in acl["inputs"]["rules"])]
    for visibility in configs:
        assert visibility["cloudwatchMetricsEnabled"] and visibility["sampledRequestsEnabled"], acl["urn"]
        metric = visibility["metricName"]
        assert _WAF_NAME.match(metric) and metric not in ("All", "Default_Action"), f"{acl['urn']}: {metric!r}"
    metrics = [v["metricName"] for v in configs]
    assert len(set(metrics)) == len(metrics), f"{acl['urn']}: metric names repeat: {metrics}"
    for rule in acl["inputs"]["rules"]:
        assert _WAF_NAME.match(rule["name"]), f"{acl['urn']}: rule name {rule['name']!r}"
    assert _WAF_NAME.match(acl["outputs"]["name"]), f"{acl['urn']}: {acl['outputs']['name']!r}"


def test_the_web_acl_stays_within_the_default_capacity():
    # 25 + 700 + 200 + 200 + 2 = 1,127 WCUs of the default 1,500.
    assert web_acl_capacity() == 1127 <= WEB_ACL_WCU_BUDGET


def test_the_mocked_capacity_matches_the_documented_sum(protected):
    run = protected
    acl = run.one(ACL)
    assert acl["outputs"]["capacity"] == web_acl_capacity(), acl["urn"]


# --- 3. association and logging ----------------------------------------------------------------------------------


def test_the_web_acl_protects_the_alb_and_logs_to_an_encrypted_waf_group_with_credentials_redacted(protected):
    run = protected
    acl, balancer = run.one(ACL), run.one(LB)
    association = run.one(ASSOCIATION)
    assert association["inputs"]["resourceArn"] == balancer["outputs"]["arn"], association["urn"]
    assert association["inputs"]["webAclArn"] == acl["outputs"]["arn"], association["urn"]
    logging = run.one(LOGGING)
    group = _waf_log_group(run)
    assert logging["inputs"]["resourceArn"] == acl["outputs"]["arn"], logging["urn"]
    (destination,) = logging["inputs"]["logDestinationConfigs"]
    assert destination == group["outputs"]["arn"] and not destination.endswith(":*"), f"{logging['urn']}: {destination}"
    assert group["inputs"]["kmsKeyId"] == LOGS_KEY_ARN, f"{group['urn']} must be encrypted with the logs key"
    assert group["inputs"]["retentionInDays"] == stack_config(run.tier).ingress.waf_log_retention_days, group["urn"]
    assert run.delete_before_replace[group["urn"]], f"{group['urn']}: a fixed name needs delete_before_replace"
    redacted = {field["singleHeader"]["name"] for field in logging["inputs"]["redactedFields"]}
    assert redacted == {"authorization", "cookie"}, f"{logging['urn']}: {redacted}"


# --- 4. access logs ----------------------------------------------------------------------------------------------


def test_access_logs_go_to_the_log_bucket_after_its_policy(protected):
    run = protected
    balancer = run.one(LB)
    logs = balancer["inputs"]["accessLogs"]
    assert logs["enabled"] is True and logs["prefix"] == ALB_LOG_PREFIX and logs["bucket"], balancer["urn"]
    (policy,) = run.of_type(BUCKET_POLICY)
    assert policy["urn"] in balancer["dependencies"], f"{balancer['urn']} must wait for the ELB bucket policy"


def test_access_logs_on_without_a_bucket_is_refused():
    run = run_components("dev", config={"platform:ingress": json.dumps({"accessLogs": True})}, access_logs_bucket=False)
    assert run.error is not None and "ingress.accessLogs" in str(run.error), repr(run.error)
