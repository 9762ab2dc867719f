"""The stack output criticalAlarmNames: what `platformctl bake` watches after a deploy."""

from __future__ import annotations

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
# Paged through the critical topic, yet no reason to roll a deploy back: who uses the account (security signals).
NOT_DEPLOY_HEALTH = ("root-account-usage", "break-glass-role-use")
# Warnings when they page, watched after a deploy all the same: the SLOs a deploy can break.
SLO_ALARMS = ("api-latency-p95", "db-read-latency-p95", "db-write-latency-p95")


def _primary_alarms(stack) -> dict[str, dict]:
    # The DR replica's lag alarm and the DNSSEC alarms set their own region/provider; bake watches the primary's.
    return {
        alarm["inputs"]["name"]: alarm
        for alarm in stack.of_type(ALARM)
        if stack.provider_region(alarm) == stack.outputs["primaryRegion"] and "-dnssec-" not in alarm["inputs"]["name"]
    }


def test_every_tier_lists_its_critical_alarms_sorted_and_deployed(tier_stack):
    tier, stack = tier_stack
    names = stack.outputs["criticalAlarmNames"]
    assert names == sorted(names), names
    expected = {"api-error-rate", "db-free-storage", *SLO_ALARMS, *(["page-load-p95"] if tier != "dev" else [])}
    assert names == sorted(f"platform-{tier}-{key}" for key in expected), names
    alarms = _primary_alarms(stack)
    missing = [name for name in names if name not in alarms]
    assert not missing, f"{tier}: criticalAlarmNames lists alarms the stack does not create in its region: {missing}"


def test_staging_and_prod_list_every_health_alarm_routed_to_the_critical_topic(stacks):
    for tier in ("staging", "prod"):
        stack = stacks[tier]
        critical = stack.outputs["alertTopicArns"]["critical"]
        paged = {
            name
            for name, alarm in _primary_alarms(stack).items()
            if alarm["inputs"].get("alarmActions") == [critical] and not name.endswith(NOT_DEPLOY_HEALTH)
        }
        slo = {f"platform-{tier}-{key}" for key in (*SLO_ALARMS, "page-load-p95")}
        listed = set(stack.outputs["criticalAlarmNames"]) - slo
        urns = {name: alarm["urn"] for name, alarm in _primary_alarms(stack).items()}
        assert paged == listed, f"{tier}: paged but not listed {[urns[n] for n in paged - listed]}, listed {listed}"


def test_dev_lists_the_alarms_the_program_marks_critical_though_they_reach_the_warning_topic(stacks):
    dev = stacks["dev"]
    assert "critical" not in dev.outputs["alertTopicArns"]
    alarms = _primary_alarms(dev)
    warning = dev.outputs["alertTopicArns"]["warning"]
    for name in dev.outputs["criticalAlarmNames"]:
        assert alarms[name]["inputs"]["alarmActions"] == [warning], alarms[name]["urn"]


def test_the_slo_alarms_are_watched_though_they_page_as_warnings(stacks):
    prod = stacks["prod"]
    alarms, warning = _primary_alarms(prod), prod.outputs["alertTopicArns"]["warning"]
    for key in (*SLO_ALARMS, "page-load-p95"):
        name = f"platform-prod-{key}"
        assert name in prod.outputs["criticalAlarmNames"], name
        assert alarms[name]["inputs"]["alarmActions"] == [warning], alarms[name]["urn"]
