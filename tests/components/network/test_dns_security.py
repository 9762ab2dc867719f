"""The public zone's query logging and DNSSEC (components/network/dns_security.py), checked in the previewed stacks
against what AWS requires and the mocks would accept anyway: the us-east-1 region of every regional resource, the
CloudWatch Logs resource policy and the KMS key policy Route 53 needs, the order of creation, and the KSK name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.network.dns_security import KSK_NAME, ksk_name, query_log_policy
from tests.components.configs import stack_config
from tests.conftest import Stack

QUERY_LOG = "aws:route53/queryLog:QueryLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LOG_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"
KMS_KEY = "aws:kms/key:Key"
KSK = "aws:route53/keySigningKey:KeySigningKey"
DNSSEC = "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DNS_TYPES = (QUERY_LOG, LOG_POLICY, KSK, DNSSEC)
ROUTE53_REGION = "us-east-1"


def _children(stack: Stack, token: str) -> list[dict[str, Any]]:
    return [r for r in stack.of_type(token) if "platform:dns:DnsSecurity" in r["urn"]]


def _one(stack: Stack, token: str) -> dict[str, Any]:
    found = _children(stack, token)
    assert len(found) == 1, f"expected one {token} under the DnsSecurity component, found {[r['urn'] for r in found]}"
    return found[0]


def _zone_id(stack: Stack) -> str:
    return stack.outputs["hostedZoneId"]


def test_dev_and_staging_leave_the_zone_alone(stacks):
    for tier in ("dev", "staging"):
        stack = stacks[tier]
        present = [
            r["urn"] for r in stack.resources if r["type"] in DNS_TYPES or r["type"] == "platform:dns:DnsSecurity"
        ]
        assert not present, f"{tier}: dns.queryLogging and dns.dnssec are off, yet {present}"
        assert "dnssecDsRecord" not in stack.outputs, f"{tier}: a DS record output without DNSSEC"


# --- query logging ------------------------------------------------------------------------------------------------


def test_prod_logs_the_zones_queries_to_an_encrypted_group_in_us_east_1(stacks):
    prod = stacks["prod"]
    query_log, group = _one(prod, QUERY_LOG), _one(prod, LOG_GROUP)
    assert query_log["inputs"]["zoneId"] == _zone_id(prod), query_log["urn"]
    # The ARN as CreateQueryLoggingConfig documents it: arn:aws:logs:us-east-1:<account>:log-group:<name>, no ":*".
    arn = query_log["inputs"]["cloudwatchLogGroupArn"]
    assert arn == group["outputs"]["arn"] and not arn.endswith(":*"), query_log["urn"]
    assert arn.startswith(f"arn:aws:logs:{ROUTE53_REGION}:"), f"{query_log['urn']}: {arn} is not in us-east-1"
    assert prod.provider_region(group) == ROUTE53_REGION, f"{group['urn']}: Route 53 writes only to us-east-1"
    assert group["inputs"]["name"].startswith("/aws/route53/"), group["urn"]
    assert group["inputs"]["retentionInDays"] == stack_config("prod").dns.query_log_retention_days, group["urn"]
    # Primary region us-east-1: the stack's logs key (its policy admits logs.us-east-1 for our log groups).
    logs_key = next(k for k in prod.of_type(KMS_KEY) if k["urn"].endswith("-keys-logs"))
    assert group["inputs"]["kmsKeyId"] == logs_key["outputs"]["arn"], group["urn"]


def test_the_query_log_waits_for_a_resource_policy_scoped_to_the_zone(stacks):
    prod = stacks["prod"]
    query_log, policy = _one(prod, QUERY_LOG), _one(prod, LOG_POLICY)
    assert policy["urn"] in query_log["dependencies"], f"{query_log['urn']}: created before its resource policy"
    assert prod.provider_region(policy) == ROUTE53_REGION, f"{policy['urn']}: the policy must be in us-east-1"
    document = json.loads(policy["inputs"]["policyDocument"])
    (statement,) = document["Statement"]
    assert statement["Principal"] == {"Service": "route53.amazonaws.com"}, policy["urn"]
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"], policy["urn"]
    group_arn = _one(prod, LOG_GROUP)["outputs"]["arn"]
    assert statement["Resource"] == [group_arn, f"{group_arn}:*"], policy["urn"]
    condition = statement["Condition"]
    assert condition["ArnLike"]["aws:SourceArn"] == f"arn:aws:route53:::hostedzone/{_zone_id(prod)}", policy["urn"]
    assert condition["StringEquals"]["aws:SourceAccount"], policy["urn"]
    assert len(policy["inputs"]["policyDocument"]) <= 5120, f"{policy['urn']}: PutResourcePolicy allows 5120 chars"


# --- DNSSEC -------------------------------------------------------------------------------------------------------


def test_prod_signs_the_zone_with_an_ecc_key_in_us_east_1(stacks):
    prod = stacks["prod"]
    key = _one(prod, KMS_KEY)
    inputs = key["inputs"]
    assert (inputs["customerMasterKeySpec"], inputs["keyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY"), key["urn"]
    assert prod.provider_region(key) == ROUTE53_REGION, f"{key['urn']}: Route 53 uses KSK keys only in us-east-1"
    assert not inputs.get("enableKeyRotation"), f"{key['urn']}: KMS cannot rotate an asymmetric key"
    assert key["protect"], f"{key['urn']}: the signing key is stateful in prod"
    assert inputs["deletionWindowInDays"] == 30, key["urn"]
    statements = {s["Sid"]: s for s in json.loads(inputs["policy"])["Statement"]}
    sign = statements["Allow Route 53 DNSSEC Service"]
    assert sign["Principal"] == {"Service": "dnssec-route53.amazonaws.com"}, key["urn"]
    assert sorted(sign["Action"]) == ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"], key["urn"]
    assert sign["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:route53:::hostedzone/*", key["urn"]
    assert sign["Condition"]["StringEquals"]["aws:SourceAccount"], key["urn"]
    grant = statements["Allow Route 53 DNSSEC to CreateGrant"]
    assert grant["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}, key["urn"]
    assert statements["Enable IAM User Permissions"]["Action"] == "kms:*", key["urn"]


def test_signing_starts_after_an_active_ksk_and_exports_the_ds_record(stacks):
    prod = stacks["prod"]
    key, ksk, dnssec = _one(prod, KMS_KEY), _one(prod, KSK), _one(prod, DNSSEC)
    assert ksk["inputs"]["keyManagementServiceArn"] == key["outputs"]["arn"], ksk["urn"]
    assert ksk["inputs"]["hostedZoneId"] == _zone_id(prod) == dnssec["inputs"]["hostedZoneId"], ksk["urn"]
    assert ksk["inputs"]["status"] == "ACTIVE", ksk["urn"]
    assert KSK_NAME.match(ksk["inputs"]["name"]), f"{ksk['urn']}: {ksk['inputs']['name']!r} breaks the KSK name rule"
    assert ksk["urn"] in dnssec["dependencies"], f"{dnssec['urn']}: signing must wait for the KSK"
    assert dnssec["inputs"]["signingStatus"] == "SIGNING", dnssec["urn"]
    assert ksk["protect"] and dnssec["protect"], f"{ksk['urn']}: removing either breaks resolution while the DS exists"
    assert prod.outputs["dnssecDsRecord"] == ksk["outputs"]["dsRecord"], "the runbook reads the DS record output"


def test_dnssec_alarms_page_through_the_critical_topic_in_us_east_1(stacks):
    prod = stacks["prod"]
    alarms = {a["inputs"]["metricName"]: a for a in _children(prod, ALARM)}
    assert set(alarms) == {"DNSSECInternalFailure", "DNSSECKeySigningKeysNeedingAction"}, sorted(alarms)
    critical = prod.outputs["alertTopicArns"]["critical"]
    for alarm in alarms.values():
        assert alarm["inputs"]["namespace"] == "AWS/Route53", alarm["urn"]
        assert alarm["inputs"]["dimensions"] == {"HostedZoneId": _zone_id(prod)}, alarm["urn"]
        assert prod.provider_region(alarm) == ROUTE53_REGION, f"{alarm['urn']}: Route 53 metrics are in us-east-1"
        assert alarm["inputs"]["alarmActions"] == [critical], f"{alarm['urn']}: the topic must be in the alarm's region"
        assert critical.split(":")[3] == ROUTE53_REGION, f"{alarm['urn']}: {critical} is not in us-east-1"


# --- names and documents ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["platform_prod_ksk", "abc", "A" * 128])
def test_valid_ksk_names(name):
    assert KSK_NAME.match(name)


@pytest.mark.parametrize("name", ["ab", "platform-prod-ksk", "A" * 129, "ksk.1"])
def test_invalid_ksk_names(name):
    assert not KSK_NAME.match(name)


def test_ksk_name_replaces_hyphens():
    class _Config:  # only the name prefix is read
        name_prefix = "platform-prod"

    assert ksk_name(_Config()) == "platform_prod_ksk"


def test_query_log_policy_names_one_group_and_one_zone():
    document = json.loads(query_log_policy("123456789012", "example.com", "Z0ABC"))
    (statement,) = document["Statement"]
    group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com"
    assert statement["Resource"] == [group, f"{group}:*"]
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == "arn:aws:route53:::hostedzone/Z0ABC"
