"""Security Hub's security score per standard, computed from the control findings, published as a metric.

Security Hub shows the score in its console only: no API returns it and no CloudWatch metric carries it. The
console's rule (https://docs.aws.amazon.com/securityhub/latest/userguide/standards-security-score.html and
controls-overall-status.html) is applied here to the findings `GetFindings` returns:

- a control's findings are those with its `Compliance.SecurityControlId`, `RecordState` ACTIVE and a workflow
  status other than SUPPRESSED (archived and suppressed findings do not count);
- the control FAILED if any of them failed, PASSED if all passed, else UNKNOWN (WARNING, NOT_AVAILABLE);
- a standard's score is passed / (passed + failed + unknown) over the controls of that standard that have
  findings (`Compliance.AssociatedStandards`, present with consolidated control findings, which the account
  baseline turns on); a control without findings ("no data") is left out, as in the console.

The standards come from the findings themselves, not from GetEnabledStandards: a standard with no evaluated
control has no score in the console either, and one permission (securityhub:GetFindings) suffices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from platform_core.errors import UsageError

from .aws_errors import InfrastructureError, is_infrastructure, one_line
from .outputs import aws_client

NAMESPACE = "Platform/SecurityHub"
METRIC = "SecurityScore"
DIMENSION = "Standard"
PASSED, FAILED, UNKNOWN = "PASSED", "FAILED", "UNKNOWN"
# Narrows the search server-side; _counts() checks the same again, so a service that ignores filters (the
# moto emulator does) gives the same score.
FILTERS = {
    "ProductName": [{"Value": "Security Hub", "Comparison": "EQUALS"}],
    "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
    "WorkflowStatus": [{"Value": "SUPPRESSED", "Comparison": "NOT_EQUALS"}],
}
PAGE_SIZE = 100  # GetFindings' maximum


@dataclass(frozen=True)
class StandardScore:
    standard: str  # the StandardsId of the findings, e.g. standards/aws-foundational-security-best-practices/v/1.0.0
    passed: int
    failed: int
    unknown: int

    @property
    def controls(self) -> int:
        return self.passed + self.failed + self.unknown

    @property
    def score(self) -> float:
        """Percent of the evaluated controls that passed (the console rounds it to a whole number)."""
        return round(100 * self.passed / self.controls, 1)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "controls": self.controls, "score": self.score}


def control_status(statuses: Iterable[str]) -> str:
    seen = set(statuses)
    if FAILED in seen:
        return FAILED
    return PASSED if seen == {PASSED} else UNKNOWN


def scores(findings: Iterable[dict[str, Any]]) -> list[StandardScore]:
    """One score per standard that has at least one evaluated control, by standard."""
    results: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        compliance = finding.get("Compliance") or {}
        control, status = compliance.get("SecurityControlId"), compliance.get("Status")
        if not (control and status and _counts(finding)):
            continue
        for standard in compliance.get("AssociatedStandards") or []:
            if standard.get("StandardsId"):
                results[standard["StandardsId"]][control].append(status)
    return [_score(standard, controls) for standard, controls in sorted(results.items())]


def _score(standard: str, controls: dict[str, list[str]]) -> StandardScore:
    statuses = [control_status(found) for found in controls.values()]
    return StandardScore(standard, statuses.count(PASSED), statuses.count(FAILED), statuses.count(UNKNOWN))


def _counts(finding: dict[str, Any]) -> bool:
    workflow = (finding.get("Workflow") or {}).get("Status")
    return finding.get("RecordState") == "ACTIVE" and workflow != "SUPPRESSED"


def control_findings(securityhub: Any) -> Iterator[dict[str, Any]]:
    pages = securityhub.get_paginator("get_findings").paginate(
        Filters=FILTERS, PaginationConfig={"PageSize": PAGE_SIZE}
    )
    for page in pages:
        yield from page["Findings"]


def publish(cloudwatch: Any, results: list[StandardScore], now: datetime) -> None:
    data = [
        {
            "MetricName": METRIC,
            "Dimensions": [{"Name": DIMENSION, "Value": result.standard}],
            "Timestamp": now,
            "Value": result.score,
            "Unit": "Percent",
        }
        for result in results
    ]
    if data:  # PutMetricData takes at most 1,000 data points: two standards, two points
        cloudwatch.put_metric_data(Namespace=NAMESPACE, MetricData=data)


def measure(region: str, *, publish_metric: bool, now: datetime) -> list[StandardScore]:
    """The scores in `region`, published there when asked; AWS not being usable is an InfrastructureError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        results = scores(control_findings(aws_client("securityhub", region)))
        if publish_metric:
            publish(aws_client("cloudwatch", region), results, now)
    except (BotoCoreError, ClientError) as error:
        if _code(error) == "InvalidAccessException":  # "not subscribed to AWS Security Hub"
            raise UsageError(
                f"Security Hub is not enabled in {region} (the account baseline enables it): {one_line(error)}"
            ) from None
        if is_infrastructure(error):
            raise InfrastructureError(f"security score in {region}: AWS could not be used: {one_line(error)}") from None
        raise UsageError(f"security score in {region}: {one_line(error)}") from None
    return results


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))
