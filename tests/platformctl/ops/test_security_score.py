"""`platformctl security-score` against the moto server: findings imported with BatchImportFindings, the score
read back with GetFindings and published with PutMetricData, then read from CloudWatch.

moto 5.2 implements EnableSecurityHub, BatchImportFindings and GetFindings (paginated, filters ignored) but not
GetEnabledStandards: the command takes the standards from the findings, and re-checks record and workflow state
itself, so the emulator's ignored filters are exercised too (archived and suppressed findings are imported)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platformctl.cli import main
from platformctl.ops import security_score
from platformctl.ops.security_score import StandardScore, control_status, scores
from tests.platformctl.ops.rds_stack import point_aws_nowhere

REGION = "us-east-1"
ACCOUNT = "123456789012"
FSBP = "standards/aws-foundational-security-best-practices/v/1.0.0"
CIS = "standards/cis-aws-foundations-benchmark/v/3.0.0"


def finding(
    n: int, control: str, status: str, standards: tuple[str, ...], record: str = "ACTIVE", workflow: str = "NEW"
) -> dict[str, Any]:
    """A consolidated control finding in the AWS Security Finding Format."""
    now = datetime.now(UTC).isoformat()
    return {
        "SchemaVersion": "2018-10-08",
        "Id": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:security-control/{control}/finding/{n}",
        "ProductArn": f"arn:aws:securityhub:{REGION}::product/aws/securityhub",
        "ProductName": "Security Hub",
        "GeneratorId": f"security-control/{control}",
        "AwsAccountId": ACCOUNT,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": now,
        "UpdatedAt": now,
        "Severity": {"Label": "MEDIUM"},
        "Title": control,
        "Description": control,
        "Resources": [{"Type": "AwsAccount", "Id": f"AWS::::Account:{ACCOUNT}"}],
        "Compliance": {
            "Status": status,
            "SecurityControlId": control,
            "AssociatedStandards": [{"StandardsId": s} for s in standards],
        },
        "RecordState": record,
        "Workflow": {"Status": workflow},
    }


# FSBP: S3.1 passes (both resources), S3.17 fails (one of two), EC2.7 unknown. IAM.1's failures are archived or
# suppressed and GuardDuty's finding has no control: none of them counts. CIS: S3.1 passed, CloudTrail.1 failed.
FINDINGS = [
    finding(1, "S3.1", "PASSED", (FSBP, CIS)),
    finding(2, "S3.1", "PASSED", (FSBP, CIS)),
    finding(3, "S3.17", "PASSED", (FSBP,)),
    finding(4, "S3.17", "FAILED", (FSBP,)),
    finding(5, "EC2.7", "WARNING", (FSBP,)),
    finding(6, "IAM.1", "FAILED", (FSBP, CIS), record="ARCHIVED"),
    finding(7, "IAM.1", "FAILED", (FSBP, CIS), workflow="SUPPRESSED"),
    finding(8, "CloudTrail.1", "FAILED", (CIS,)),
]
GUARDDUTY = {k: v for k, v in finding(9, "x", "FAILED", ()).items() if k != "Compliance"} | {"ProductName": "GuardDuty"}
EXPECTED = [StandardScore(FSBP, 1, 1, 1), StandardScore(CIS, 1, 1, 0)]


@pytest.mark.parametrize(
    ("statuses", "status"),
    [
        (["PASSED", "PASSED"], "PASSED"),
        (["PASSED", "FAILED"], "FAILED"),
        (["WARNING", "FAILED"], "FAILED"),
        (["PASSED", "NOT_AVAILABLE"], "UNKNOWN"),
        (["WARNING"], "UNKNOWN"),
    ],
)
def test_a_control_fails_on_any_failed_finding_and_passes_only_when_all_pass(statuses, status):
    assert control_status(statuses) == status


def test_scores_per_standard_over_evaluated_controls_only():
    results = {r.standard: r for r in scores([*FINDINGS, GUARDDUTY])}
    assert results == {r.standard: r for r in EXPECTED}
    assert results[FSBP].score == 33.3 and results[CIS].score == 50.0


def seed(findings: list[dict[str, Any]]) -> None:
    hub = boto3.client("securityhub", region_name=REGION)
    hub.enable_security_hub(EnableDefaultStandards=False, ControlFindingGenerator="SECURITY_CONTROL")
    answer = hub.batch_import_findings(Findings=findings)
    assert answer["FailedCount"] == 0, answer


def test_publishes_one_percent_metric_per_standard(aws, capsys, monkeypatch):
    monkeypatch.setattr(security_score, "PAGE_SIZE", 3)  # several pages of GetFindings
    seed([*FINDINGS, GUARDDUTY])
    assert main(["security-score", "--region", REGION, "--publish", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["published"] is True
    assert {s["standard"]: s["score"] for s in printed["standards"]} == {FSBP: 33.3, CIS: 50.0}
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    now = datetime.now(UTC)
    for expected in EXPECTED:
        stats = cloudwatch.get_metric_statistics(
            Namespace="Platform/SecurityHub",
            MetricName="SecurityScore",
            Dimensions=[{"Name": "Standard", "Value": expected.standard}],
            StartTime=now - timedelta(hours=1),
            EndTime=now + timedelta(hours=1),
            Period=86400,
            Statistics=["Minimum"],
        )
        [point] = stats["Datapoints"]
        assert point["Minimum"] == expected.score and point["Unit"] == "Percent", stats


def test_without_publish_nothing_reaches_cloudwatch(aws, capsys):
    seed(FINDINGS)
    assert main(["security-score", "--region", REGION]) == 0
    out = capsys.readouterr().out
    assert f"{FSBP}: 33.3 % (1 passed, 1 failed, 1 unknown of 3 controls)" in out
    assert not boto3.client("cloudwatch", region_name=REGION).list_metrics(Namespace="Platform/SecurityHub")["Metrics"]


def test_no_evaluated_control_is_exit_1_and_publishes_nothing(aws, capsys):
    seed([GUARDDUTY])
    assert main(["security-score", "--region", REGION, "--publish"]) == 1
    assert "no evaluated control yet" in capsys.readouterr().out
    assert not boto3.client("cloudwatch", region_name=REGION).list_metrics(Namespace="Platform/SecurityHub")["Metrics"]


def test_unreachable_aws_is_exit_2_on_one_line(monkeypatch, capsys):
    point_aws_nowhere(monkeypatch)
    monkeypatch.setattr("platformctl.ops.outputs.RETRIES", {"mode": "standard", "max_attempts": 1})
    assert main(["security-score", "--region", REGION, "--publish"]) == 2
    err = capsys.readouterr().err
    (line,) = err.splitlines()
    assert line.startswith(f"error: security score in {REGION}: AWS could not be used: ") and "Traceback" not in err


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("InvalidAccessException", "Security Hub is not enabled in us-east-1"),
        ("AccessDeniedException", "AWS could not be used"),
    ],
)
def test_security_hub_off_or_denied_is_exit_2(monkeypatch, capsys, code, message):
    def refuse(securityhub: Any) -> Any:
        raise ClientError({"Error": {"Code": code, "Message": "no"}}, "GetFindings")

    monkeypatch.setattr(security_score, "aws_client", lambda service, region: object())
    monkeypatch.setattr(security_score, "control_findings", refuse)
    assert main(["security-score", "--region", REGION]) == 2
    assert message in capsys.readouterr().err
