"""Resilience rule for the user's view of the service: a stack that serves the internet through an application load
balancer runs a started CloudWatch Synthetics canary with KMS-encrypted artifacts and an alarm on its duration
("Performance Targets": page load < 2 s p95)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...resource_types import LOAD_BALANCERS, METRIC_ALARM, SYNTHETICS_CANARY
from ...values import is_true

# Canaries publish Duration (ms) per CanaryName here
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_metrics.html).
_NAMESPACE = "CloudWatchSynthetics"


def _public_application_balancers(resources: list[Resource]) -> list[Resource]:
    return [
        lb
        for lb in of_type(resources, *LOAD_BALANCERS)
        if str(lb.get("loadBalancerType", default="application")) == "application" and not is_true(lb.get("internal"))
    ]


def _watches(alarm: Resource, canary: Resource) -> bool:
    """The alarm's CanaryName dimension is the canary: by dependency when the engine sends one, else by name."""
    dependencies = alarm.property_dependencies.get("dimensions")
    if dependencies:
        return canary.urn in dependencies
    name = canary.get("name")
    return bool(name) and alarm.get("dimensions", "CanaryName") == name


def _canary_problem(canary: Resource, alarms: list[Resource]) -> str | None:
    if not is_true(canary.get("startCanary")):
        return "is not started (start_canary=True): it measures nothing"
    if canary.get("artifactConfig", "s3Encryption", "encryptionMode") != "SSE_KMS":
        return "stores its artifacts (screenshots, HAR files, logs) without SSE_KMS encryption"
    watched = [
        a
        for a in alarms
        if a.get("namespace") == _NAMESPACE and a.get("metricName") == "Duration" and _watches(a, canary)
    ]
    if not watched:
        return "has no CloudWatch alarm on its Duration (CloudWatchSynthetics, CanaryName): a slow page pages nobody"
    if not any(a.get("alarmActions") for a in watched):
        return "has a Duration alarm without alarm actions: it notifies nobody"
    return None


def _page_load_canary(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    balancers = _public_application_balancers(resources)
    if not balancers:
        return
    canaries = of_type(resources, SYNTHETICS_CANARY)
    if not canaries:
        yield Violation(
            f"internet-facing load balancer {balancers[0].name} is watched by no CloudWatch Synthetics canary: "
            "page load time and availability as users see them are not measured",
            balancers[0].urn,
        )
        return
    alarms = of_type(resources, METRIC_ALARM)
    for canary in canaries:
        problem = _canary_problem(canary, alarms)
        if problem:
            yield Violation(f"canary {canary.get('name') or canary.name} {problem}", canary.urn)


RULES: list[Rule] = [
    Rule(
        name="page-load-canary",
        description="A stack with an internet-facing application load balancer runs a started CloudWatch Synthetics "
        "canary against it, with SSE-KMS artifacts and an alarm with actions on the canary's Duration.",
        severity="medium",
        remediation="Turn on platform:observability.synthetics.enabled (components/observability/synthetics.py): an "
        "aws.synthetics.Canary with start_canary=True, artifact_config.s3_encryption encryption_mode SSE_KMS and a "
        "customer key, and an aws.cloudwatch.MetricAlarm on CloudWatchSynthetics Duration (dimension CanaryName = "
        "the canary's name, extended statistic p95, threshold the page-load SLO) whose alarm_actions name an "
        "alert topic.",
        # Monitoring of system performance and availability against objectives (A1.1) and anomalies (CC7.2).
        soc2=("A1.1", "CC7.2"),
        resource_types=(*LOAD_BALANCERS, SYNTHETICS_CANARY, METRIC_ALARM),
        stack_check=_page_load_canary,
    ),
]
