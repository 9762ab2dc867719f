"""Estimators of the account baseline's services (account-baseline/): priced per region of the account.

GuardDuty, Inspector, Security Hub and AWS Config bill per account and region, so their usage is a profile of
the account (usage.yaml `accounts`), one entry per region, and each resource takes the entry of the region its
provider is in. A region the profile does not list is missing usage, reported as unpriced, never zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .pricebook import MissingPrice, PriceBook

Item = tuple[str, float, float, float]  # description, low, high, on-demand 24x7 (as estimate.Item)


class MissingUsage(LookupError):
    """The usage profile has no figure for something a stack uses."""


class Context(Protocol):
    book: PriceBook
    usage: dict[str, Any]
    by_urn: dict[str, dict[str, Any]]


def _flat(description: str, monthly: float) -> list[Item]:
    return [(description, monthly, monthly, monthly)]


def region_of(resource: dict[str, Any], context: Context) -> str:
    """Its own `region` input, else its explicit provider's (the baseline names one per region)."""
    region = resource["inputs"].get("region")
    if not region:
        provider = context.by_urn.get(str(resource.get("provider") or "").rsplit("::", 1)[0]) or {}
        region = provider.get("inputs", {}).get("region")
    if not region:
        raise MissingUsage(f"the region of {resource['name']} (no provider with a region)")
    return str(region)


def regional(resource: dict[str, Any], context: Context, key: str) -> float:
    regions = context.usage.get("regions")
    if not isinstance(regions, dict):
        raise MissingUsage(f"{key} per region (the profile has no `regions`: is it an account profile?)")
    region = region_of(resource, context)
    if region not in regions:
        raise MissingUsage(f"region {region!r} (the profile lists {', '.join(sorted(regions))})")
    return float(regions[region].get(key, 0))


def _detector(resource: dict[str, Any], context: Context) -> list[Item]:
    events = regional(resource, context, "guarddutyEventsMillions")
    return _flat(f"{events:g} M events analysed", events * context.book.service("guarddutyEventsMillion"))


def _inspector(resource: dict[str, Any], context: Context) -> list[Item]:
    # ECR image scans are priced per repository in the platform stacks (estimate._repository): not again here.
    if "EC2" not in (resource["inputs"].get("resourceTypes") or []):
        return []
    instances = regional(resource, context, "inspectorEc2Instances")
    price = context.book.service("inspectorEc2InstanceMonth")
    return _flat(f"{instances:g} EC2 instances scanned", instances * price)


def _security_hub(resource: dict[str, Any], context: Context) -> list[Item]:
    checks = regional(resource, context, "securityHubChecks")
    findings = regional(resource, context, "securityHubFindings")
    return [
        *_flat(f"{checks:g} security checks", context.book.tiered("securityHubCheck", checks)),
        *_flat(f"{findings:g} findings ingested", context.book.tiered("securityHubFindingIngestion", findings)),
    ]


def _recorder(resource: dict[str, Any], context: Context) -> list[Item]:
    inputs = resource["inputs"]
    frequency = (inputs.get("recordingMode") or {}).get("recordingFrequency", "CONTINUOUS")
    if frequency != "CONTINUOUS":  # daily recording has its own price, not in the book
        raise MissingPrice(f"{frequency} configuration recording (the book prices continuous recording)")
    items = regional(resource, context, "configItems")
    if (inputs.get("recordingGroup") or {}).get("includeGlobalResourceTypes"):
        items += float(context.usage.get("configGlobalItems", 0))
    evaluations = regional(resource, context, "configRuleEvaluations")
    return [
        *_flat(f"{items:g} configuration items", items * context.book.service("configItemRecorded")),
        *_flat(f"{evaluations:g} rule evaluations", context.book.tiered("configRuleEvaluation", evaluations)),
    ]


ACCOUNT_ESTIMATORS: dict[str, Callable[[dict[str, Any], Any], list[Item]]] = {
    "aws:guardduty/detector:Detector": _detector,
    "aws:inspector2/enabler:Enabler": _inspector,
    "aws:securityhub/account:Account": _security_hub,
    "aws:cfg/recorder:Recorder": _recorder,
}
