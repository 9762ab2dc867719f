"""The operations layer: alert routing, access, audit, budgets, tags, edge and secrets."""

from __future__ import annotations

import importlib
import inspect
import json
from functools import cache

import pytest
import yaml

from tests.components.test_providers import COST_TAGS
from tests.conftest import REPO

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
PLACEHOLDER = yaml.safe_load((REPO / "platformctl.offline.yaml").read_text())["secrets"]["platform:pagerdutyEndpoint"]


def topic_severities(stack) -> dict[str, str]:
    """Topic ARN -> severity, read from the alert topics' logical names (`…-alerting-<severity>`).

    Other topics (CloudTrail's log-file delivery, `…-audit-trail-delivery`) carry no severity."""
    alerting = [t for t in stack.of_type("aws:sns/topic:Topic") if "-alerting-" in t["name"]]
    return {t["outputs"]["arn"]: t["name"].rsplit("-", 1)[1] for t in alerting}


def alarm(stack, key: str) -> dict:
    name = f"platform-{stack.outputs['tier']}-{key}"
    found = [a for a in stack.of_type(ALARM) if a["inputs"]["name"] == name]
    assert len(found) == 1, f"no alarm {name}"
    return found[0]


@pytest.mark.parametrize(
    "tier,severities",
    [
        ("dev", {"warning", "info"}),
        ("staging", {"critical", "warning", "info"}),
        ("prod", {"critical", "warning", "info"}),
    ],
)
def test_one_encrypted_topic_per_severity_of_the_tier(stacks, tier, severities):
    stack = stacks[tier]
    topics = stack.of_type("aws:sns/topic:Topic")
    assert set(topic_severities(stack).values()) == severities
    alerts_key = next(k for k in stack.of_type("aws:kms/key:Key") if k["name"].endswith("-alerts"))
    for topic in topics:
        assert topic["inputs"]["kmsMasterKeyId"] == alerts_key["outputs"]["arn"], topic["urn"]


def test_every_alarm_notifies_existing_topics_on_alarm_and_recovery(tier_stack):
    _, stack = tier_stack
    topics = topic_severities(stack)
    primary = stack.outputs["primaryRegion"]
    alarms = [a for a in stack.of_type(ALARM) if stack.provider_region(a) == primary]
    assert len(alarms) >= 11
    for resource in alarms:
        actions = resource["inputs"]["alarmActions"]
        assert actions and set(actions) <= set(topics), resource["urn"]
        assert resource["inputs"]["okActions"] == actions, resource["urn"]


@pytest.mark.parametrize(
    "key,severity",
    [
        ("root-account-usage", "critical"),
        ("break-glass-role-use", "critical"),
        ("api-error-rate", "critical"),
        ("db-free-storage", "critical"),
        ("api-latency-p95", "warning"),
        ("db-read-latency-p95", "warning"),
        ("db-connections", "warning"),
        ("console-login-failures", "warning"),
        ("unauthorized-api-calls", "warning"),
    ],
)
def test_alarms_route_by_severity_with_dev_falling_back_to_warning(tier_stack, key, severity):
    tier, stack = tier_stack
    resource = alarm(stack, key)
    routed = {topic_severities(stack)[arn] for arn in resource["inputs"]["alarmActions"]}
    expected = "warning" if (tier == "dev" and severity == "critical") else severity
    assert routed == {expected}, f"{resource['urn']} routes to {routed}"


def test_node_alarms_exist_where_container_insights_feeds_them(stacks):
    for tier, stack in stacks.items():
        node_alarms = [a for a in stack.of_type(ALARM) if a["inputs"]["name"].startswith(f"platform-{tier}-node-")]
        addons = [
            a
            for a in stack.of_type("aws:eks/addon:Addon")
            if a["inputs"]["addonName"] == "amazon-cloudwatch-observability"
        ]
        assert len(node_alarms) == (0 if tier == "dev" else 3) and len(addons) == (0 if tier == "dev" else 1), tier
        for resource in node_alarms:
            routed = {topic_severities(stack)[arn] for arn in resource["inputs"]["alarmActions"]}
            assert routed == {"warning"}, resource["urn"]


def test_slo_alarms_use_the_documented_targets(tier_stack):
    tier, stack = tier_stack
    latency = alarm(stack, "api-latency-p95")["inputs"]
    assert latency["extendedStatistic"] == "p95" and latency["threshold"] == 0.2
    for key in ("db-read-latency-p95", "db-write-latency-p95"):
        assert alarm(stack, key)["inputs"]["threshold"] == 0.1
    burn = {"dev": 14.4, "staging": 7.2, "prod": 1.44}[tier]  # (100 - availability) x 14.4 fast-burn rate
    assert alarm(stack, "api-error-rate")["inputs"]["threshold"] == pytest.approx(burn)


def test_replica_lag_pages_only_where_a_replica_exists(stacks):
    for tier, stack in stacks.items():
        lag = [a for a in stack.of_type(ALARM) if a["inputs"]["name"].endswith("-db-replica-lag")]
        assert len(lag) == (1 if tier == "prod" else 0), tier
    prod = stacks["prod"]
    lag_alarm = next(a for a in prod.of_type(ALARM) if a["inputs"]["name"].endswith("-db-replica-lag"))
    assert prod.provider_region(lag_alarm) == "us-west-2", "the alarm must sit with the replica's metrics"
    # Alarm actions cannot cross regions: its state changes travel by EventBridge to the critical topic.
    critical = next(arn for arn, severity in topic_severities(prod).items() if severity == "critical")
    rules = {r["outputs"]["name"]: r for r in prod.of_type("aws:cloudwatch/eventRule:EventRule")}
    to_critical = [t for t in prod.of_type("aws:cloudwatch/eventTarget:EventTarget") if t["inputs"]["arn"] == critical]
    patterns = [json.loads(rules[t["inputs"]["rule"]]["inputs"]["eventPattern"]) for t in to_critical]
    assert any("CloudWatch Alarm State Change" in p.get("detail-type", []) for p in patterns), patterns


def _trust(role) -> dict:
    return json.loads(role["inputs"]["assumeRolePolicy"])


def role(stack, key: str) -> dict:
    name = f"platform-{stack.outputs['tier']}-{key}"
    return next(r for r in stack.of_type("aws:iam/role:Role") if r["inputs"].get("name") == name)


def _requires_mfa(resource) -> bool:
    conditions = [s.get("Condition", {}) for s in _trust(resource)["Statement"]]
    return all(c.get("Bool", {}).get("aws:MultiFactorAuthPresent") == "true" for c in conditions)


def test_prod_admin_requires_mfa_and_a_short_session(stacks):
    admin = role(stacks["prod"], "platform-admin")
    assert _requires_mfa(admin), admin["urn"]
    assert admin["inputs"]["maxSessionDuration"] == 3600, admin["urn"]
    assert not _requires_mfa(role(stacks["dev"], "platform-admin"))


def test_break_glass_always_requires_mfa(tier_stack):
    _, stack = tier_stack
    assert _requires_mfa(role(stack, "break-glass"))


def test_ci_deployer_is_assumable_only_by_this_stacks_github_environment(tier_stack):
    tier, stack = tier_stack
    statement = _trust(role(stack, "ci-deployer"))["Statement"][0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    subject = statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
    environment = {"dev": "dev", "staging": "staging", "prod": "production"}[tier]
    assert subject == f"repo:company/platform-infrastructure:environment:{environment}"


def test_developer_access_narrows_by_tier(stacks):
    def managed(stack):
        developer = role(stack, "developer")
        return {
            a["inputs"]["policyArn"].rsplit("/", 1)[1]
            for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            if a["inputs"]["role"] == developer["outputs"]["name"]
        }

    assert "PowerUserAccess" in managed(stacks["dev"])
    assert "PowerUserAccess" not in managed(stacks["staging"]) and "ReadOnlyAccess" in managed(stacks["staging"])
    assert managed(stacks["prod"]) == {"ReadOnlyAccess"}


def test_no_policy_document_grants_everything(tier_stack):
    _, stack = tier_stack
    for resource in stack.of_type("aws:iam/rolePolicy:RolePolicy") + stack.of_type("aws:iam/policy:Policy"):
        for statement in json.loads(resource["inputs"]["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert statement["Effect"] == "Deny" or not {"*", "*:*"} & set(actions), resource["urn"]


def test_cloudtrail_is_multi_region_validated_and_encrypted_and_guardduty_findings_alert(tier_stack):
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")["inputs"]
    assert trail["isMultiRegionTrail"] and trail["enableLogFileValidation"] and trail["includeGlobalServiceEvents"]
    assert trail["kmsKeyId"] in {k["outputs"]["arn"] for k in stack.of_type("aws:kms/key:Key")}
    assert trail["s3BucketName"] == stack.outputs["logsBucket"]
    # The detector is the account baseline's (account-baseline/); the stack routes its findings to the topics.
    assert not stack.of_type("aws:guardduty/detector:Detector")
    rules = {
        r["outputs"]["name"]
        for r in stack.of_type("aws:cloudwatch/eventRule:EventRule")
        if json.loads(r["inputs"]["eventPattern"]).get("source") == ["aws.guardduty"]
    }
    topics = set(topic_severities(stack))
    assert rules and all(
        any(
            t["inputs"]["rule"] == rule and t["inputs"]["arn"] in topics
            for t in stack.of_type("aws:cloudwatch/eventTarget:EventTarget")
        )
        for rule in rules
    )


def test_budget_per_stack_with_both_thresholds(tier_stack):
    tier, stack = tier_stack
    budget = stack.one("aws:budgets/budget:Budget")["inputs"]
    assert budget["limitAmount"] == str(stack.outputs["budgetLimitUsd"]) and budget["limitUnit"] == "USD"
    actual = {n["threshold"] for n in budget["notifications"] if n["notificationType"] == "ACTUAL"}
    assert {80, 100} <= actual, budget["notifications"]
    assert budget["costFilters"] == [{"name": "TagKeyValue", "values": [f"user:environment${tier}"]}]


@cache
def _taggable(token: str) -> bool:
    _, module, name = token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), name)
    return "tags" in inspect.signature(cls._internal_init).parameters


def test_every_taggable_resource_carries_the_five_cost_tags(tier_stack):
    tier, stack = tier_stack
    provider_tags = {}
    for provider in stack.of_type("pulumi:providers:aws"):
        default_tags = provider["inputs"]["defaultTags"]
        provider_tags[provider["urn"]] = (json.loads(default_tags) if isinstance(default_tags, str) else default_tags)[
            "tags"
        ]
    taggable = [r for r in stack.resources if r["type"].startswith("aws:") and _taggable(r["type"])]
    assert len(taggable) > 50
    for resource in taggable:
        tags = {**provider_tags[resource["provider"].rsplit("::", 1)[0]], **resource["inputs"].get("tags", {})}
        assert set(tags) >= COST_TAGS and tags["environment"] == tier, resource["urn"]


def test_https_only_edge_with_a_tls13_policy(tier_stack):
    _, stack = tier_stack
    listeners = {r["inputs"]["protocol"]: r["inputs"] for r in stack.of_type("aws:lb/listener:Listener")}
    assert set(listeners) == {"HTTPS", "HTTP"}
    assert listeners["HTTPS"]["sslPolicy"].startswith("ELBSecurityPolicy-TLS13-")
    assert [a["type"] for a in listeners["HTTP"]["defaultActions"]] == ["redirect"]
    assert listeners["HTTP"]["defaultActions"][0]["redirect"]["protocol"] == "HTTPS"


def test_cloudwatch_dashboards_outside_dev(tier_stack):
    tier, stack = tier_stack
    names = {d["inputs"]["dashboardName"] for d in stack.of_type("aws:cloudwatch/dashboard:Dashboard")}
    expected = {
        f"platform-{tier}-{n}"
        for n in ("infrastructure-overview", "application-performance", "database-metrics", "cost-analysis")
    }
    assert names == (set() if tier == "dev" else expected)
    for dashboard in stack.of_type("aws:cloudwatch/dashboard:Dashboard"):
        assert len(json.loads(dashboard["inputs"]["dashboardBody"])["widgets"]) >= 3, dashboard["urn"]


def test_pagerduty_endpoint_stays_secret(stacks):
    for tier, stack in stacks.items():
        hooks = [
            s
            for s in stack.of_type("aws:sns/topicSubscription:TopicSubscription")
            if s["inputs"]["protocol"] == "https"
        ]
        assert len(hooks) == (0 if tier == "dev" else 1)
        for hook in hooks:
            assert hook["inputs"]["endpoint"] == "[secret]", hook["urn"]
        everything = json.dumps([stack.resources, stack.outputs, stack.preview.diagnostics])
        assert PLACEHOLDER not in everything, f"the PagerDuty endpoint leaked in {tier}"


def test_outputs_carry_what_the_backup_and_dr_tools_read(tier_stack):
    _, stack = tier_stack
    needed = {
        "tier",
        "drRegion",
        "primaryRegion",
        "backupVaultName",
        "backupVaultArn",
        "backupKeyArn",
        "backupPlanId",
        "databaseIdentifier",
        "databaseArn",
        "dataBucket",
        "logsBucket",
        "hostedZoneId",
    }
    assert needed <= set(stack.outputs), needed - set(stack.outputs)
    key = next(k for k in stack.of_type("aws:kms/key:Key") if k["name"].endswith("-backups"))
    assert stack.outputs["backupKeyArn"] == key["outputs"]["arn"]
