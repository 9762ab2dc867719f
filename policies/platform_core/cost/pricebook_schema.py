"""The shapes of the price book and the usage file, checked when they are loaded.

A price or an amount the estimate cannot read must stop it, never count as zero: an unknown key is a typo
(the estimator would never read it), a missing key a cost left out, text or a negative number a broken row.
Plain Python rather than pydantic: the pack loads the book too, and is published with its own few
dependencies (policies/requirements.txt); these shapes need nothing more than this module.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

MAX_PROBLEMS = 5  # one paragraph: the first few name the pattern of a broken file


class Shape:
    def describe(self) -> str:
        raise NotImplementedError

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Shape):
    minimum: float = 0.0
    maximum: float | None = None
    above_minimum: bool = False  # the minimum itself is not allowed (a month of 0 hours)

    def describe(self) -> str:
        low = f"> {self.minimum:g}" if self.above_minimum else f">= {self.minimum:g}"
        return f"a number {low}" + (f" and <= {self.maximum:g}" if self.maximum is not None else "")

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not number or not self._in_range(float(value)):
            problems.append(f"{path} is {value!r}, expected {self.describe()}{_text_hint(value)}")

    def _in_range(self, value: float) -> bool:
        low = value > self.minimum if self.above_minimum else value >= self.minimum
        return low and (self.maximum is None or value <= self.maximum)


@dataclass(frozen=True)
class Text(Shape):
    pattern: str = r".+"
    hint: str = "text"

    def describe(self) -> str:
        return self.hint

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            problems.append(f"{path} is {value!r}, expected {self.describe()}")


@dataclass(frozen=True)
class Date(Shape):
    def describe(self) -> str:
        return "a date YYYY-MM-DD (unquoted)"

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            problems.append(f"{path} is {value!r}, expected {self.describe()}")


@dataclass(frozen=True)
class ListOf(Shape):
    item: Shape

    def describe(self) -> str:
        return f"a list of {self.item.describe()}"

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, list):
            problems.append(f"{path} is {value!r}, expected {self.describe()}")
            return
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]", problems)


@dataclass(frozen=True)
class MapOf(Shape):
    """A mapping with open keys (instance types, usage profiles), each key like `key_pattern`."""

    value: Shape
    key_pattern: str = r".+"
    key_expected: str = "a name"

    def describe(self) -> str:
        return f"a mapping of {self.key_expected} to {self.value.describe()}"

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        if not isinstance(value, dict) or not value:
            problems.append(f"{path} is {value!r}, expected {self.describe()}")
            return
        for key, item in value.items():
            if not isinstance(key, str) or not re.fullmatch(self.key_pattern, key):
                problems.append(f"{path} has key {key!r}, expected {self.key_expected}")
            else:
                self.value.check(item, f"{path}.{key}", problems)


@dataclass(frozen=True)
class Record(Shape):
    """A mapping with exactly these keys (`optional` ones may be left out)."""

    fields: dict[str, Shape]
    optional: frozenset[str] = field(default_factory=frozenset)

    def describe(self) -> str:
        return "a mapping with keys " + ", ".join(self.fields)

    def check(self, value: Any, path: str, problems: list[str]) -> None:
        where = path or "the top level"
        if not isinstance(value, dict):
            problems.append(f"{where} is {value!r}, expected {self.describe()}")
            return
        for key in value:
            if key not in self.fields:
                problems.append(f"{_join(path, key)} is not a known key; {where} takes {', '.join(self.fields)}")
        for key, shape in self.fields.items():
            if key in value:
                shape.check(value[key], _join(path, key), problems)
            elif key not in self.optional:
                problems.append(f"{where} lacks the key {key!r} ({shape.describe()})")


def problems_of(value: Any, shape: Shape) -> list[str]:
    found: list[str] = []
    shape.check(value, "", found)
    return found


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _text_hint(value: Any) -> str:
    # PyYAML reads YAML 1.1: `1e-3` (no dot) and quoted numbers are text.
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return ""
        return " (this is text to YAML: write a plain decimal such as 0.045, unquoted)"
    return ""


# --- the two files -----------------------------------------------------------------------------------------

_URL = Text(r"https?://\S+", "a URL (the AWS pricing page the figure was read from)")
_ROW = Record({"price": Number(), "source": _URL, "read": Date()})
_FRACTION_ROW = Record({"price": Number(maximum=1), "source": _URL, "read": Date()})
_RDS_ROW = Record({"single": Number(), "multiAz": Number(), "source": _URL, "read": Date()})
# The services the estimator prices (platform_core.cost.estimate): a key it never reads is a typo.
SERVICES = (
    "eksControlPlaneHour",
    "natGatewayHour",
    "natGatewayGb",
    "albHour",
    "albLcuHour",
    "ebsGp3GbMonth",
    "rdsGp3GbMonth",
    "rdsGp3GbMonthMultiAz",
    "rdsBackupGbMonth",
    "s3StandardGbMonth",
    "s3StandardIaGbMonth",
    "backupWarmGbMonth",
    "crossRegionTransferGb",
    "kmsKeyMonth",
    "cloudwatchAlarmMonth",
    "cloudwatchDashboardMonth",
    "cloudwatchLogsIngestGb",
    "cloudwatchLogsStoreGbMonth",
    "cloudwatchMetricMonth",
    "secretMonth",
    "hostedZoneMonth",
    "guarddutyEventsMillion",
    "wafWebAclMonth",
    "wafRuleMonth",
    "wafRequestsMillion",
    "ecrStorageGbMonth",
    "inspectorEcrImageScan",
    "inspectorEcrImageRescan",
    "syntheticsCanaryRun",
    "inspectorEc2InstanceMonth",
    "configItemRecorded",
)
# Prices in volume bands (per account, region and month), each band up to `upTo` of the month's quantity; the
# last band has no `upTo`. Read by PriceBook.tiered.
TIERED = ("securityHubCheck", "securityHubFindingIngestion", "configRuleEvaluation")
_BAND = Record({"upTo": Number(above_minimum=True), "price": Number()}, optional=frozenset({"upTo"}))
_TIERED_ROW = Record({"bands": ListOf(_BAND), "source": _URL, "read": Date()})
_HOURS_IN_A_MONTH = Number(minimum=0, maximum=744, above_minimum=True)

PRICE_BOOK = Record(
    {
        "meta": Record(
            {
                "currency": Text("USD", "USD (the estimate and the AWS Budgets are in USD)"),
                "hoursPerMonth": _HOURS_IN_A_MONTH,
                "maxAgeDays": Number(minimum=1, maximum=3650),
                "regions": ListOf(Text(r"[a-z]{2}(-[a-z]+)+-\d", "an AWS region such as us-east-1")),
            }
        ),
        "sources": MapOf(_URL, r"\w+", "a source name"),
        "ec2Hourly": MapOf(_ROW, r"[a-z][a-z0-9-]*\.[a-z0-9]+", "an EC2 instance type such as m6i.large"),
        "spotDiscount": Record({"low": _FRACTION_ROW, "high": _FRACTION_ROW}),
        "services": Record(dict.fromkeys(SERVICES, _ROW)),
        "tiered": Record(dict.fromkeys(TIERED, _TIERED_ROW)),
        "rdsHourly": MapOf(_RDS_ROW, r"db\.[a-z0-9-]+\.[a-z0-9]+", "an RDS instance class such as db.r6g.large"),
        "free": ListOf(Text(r"[\w*:/.-]+", "a resource type or pattern such as aws:iam/role:Role or kubernetes:*")),
    }
)

_AMOUNTS = (
    "natGbPerGateway",
    "albLcu",
    "backupGb",
    "backupCopyGb",
    "rdsBackupReplicationGb",
    "containerInsightsMetrics",
    "wafRequestsMillions",
    "ecrGbPerRepository",
    "ecrImagesScannedPerRepository",
    "ecrRescansPerRepository",
)
_TIER_USAGE = Record(
    {
        **dict.fromkeys(_AMOUNTS, Number()),
        "s3Gb": MapOf(Number(), r"[a-z0-9-]+", "a bucket name suffix such as data"),
        "logsIngestGb": MapOf(Number(), r"\S+", "a log group name fragment such as /aws/eks/"),
    }
)
# An AWS account's baseline (account-baseline/): what its regional services see, per region of the account.
_REGION_AMOUNTS = (
    "guarddutyEventsMillions",
    "inspectorEc2Instances",
    "securityHubChecks",
    "securityHubFindings",
    "configItems",
    "configRuleEvaluations",
)
_ACCOUNT_USAGE = Record(
    {
        "configGlobalItems": Number(),
        "s3Gb": MapOf(Number(), r"[a-z0-9-]+", "a bucket name suffix such as recording"),
        "regions": MapOf(
            Record(dict.fromkeys(_REGION_AMOUNTS, Number())),
            r"[a-z]{2}(-[a-z]+)+-\d",
            "an AWS region such as us-east-1",
        ),
    }
)
_PROFILE_NAME = r"[a-z][a-z0-9-]*"
USAGE = Record(
    {
        "businessHoursPerMonth": _HOURS_IN_A_MONTH,
        "riseAlertPercent": Number(),
        "tiers": MapOf(_TIER_USAGE, _PROFILE_NAME, "a usage profile name such as prod"),
        "accounts": MapOf(_ACCOUNT_USAGE, _PROFILE_NAME, "a usage profile name such as account-prod"),
    }
)
