"""The page-load canary: present where the tier runs it, its role least-privilege, its alarm routed like the
other SLO alarms, its success rate on the application dashboard and its script where the runtime looks."""

from __future__ import annotations

import json
import zipfile

import pulumi
import pytest

from components.config.operations import CANARY_RUNTIME_VERSION, PAGE_LOAD_P95_MS
from components.network.edge import HEALTH_CHECK_PATH
from components.observability.synthetics import CANARY_SCRIPT, HANDLER, SCRIPT_PATH_IN_ARCHIVE, canary_name
from platformctl.preview.aws_limits import rule_for
from tests.components.configs import load

CANARY = "aws:synthetics/canary:Canary"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SCRIPT = "aws:s3/bucketObjectv2:BucketObjectv2"
# Only these two actions take no resource ARN (CloudWatch_Synthetics_Canaries_Roles.html).
WILDCARD_ACTIONS = {"s3:ListAllMyBuckets", "cloudwatch:PutMetricData"}


def test_only_staging_and_prod_run_the_canary_with_the_pinned_runtime(tier_stack):
    tier, stack = tier_stack
    canaries = stack.of_type(CANARY)
    if tier == "dev":
        assert canaries == [], f"dev runs no canary: {[c['urn'] for c in canaries]}"
        return
    (canary,) = canaries
    inputs = canary["inputs"]
    assert inputs["runtimeVersion"] == CANARY_RUNTIME_VERSION, canary["urn"]
    assert inputs["name"] == f"platform-{tier}-page", canary["urn"]
    assert inputs["handler"] == HANDLER == "page_load.handler", canary["urn"]
    assert inputs["startCanary"] is True, canary["urn"]
    assert inputs["schedule"]["expression"] == "rate(5 minutes)", canary["urn"]
    domain = {"staging": "staging.platform.company.com", "prod": "platform.company.com"}[tier]
    assert inputs["runConfig"]["environmentVariables"]["PAGE_URL"] == f"https://{domain}{HEALTH_CHECK_PATH}", canary[
        "urn"
    ]
    assert inputs["artifactConfig"]["s3Encryption"]["encryptionMode"] == "SSE_KMS", canary["urn"]
    assert inputs["artifactS3Location"].startswith("s3://") and inputs["artifactS3Location"].endswith("/"), canary[
        "urn"
    ]
    retention = {"staging": 14, "prod": 30}[tier]
    assert inputs["successRetentionPeriod"] == inputs["failureRetentionPeriod"] == retention, canary["urn"]
    assert inputs["runConfig"]["timeoutInSeconds"] <= 300 and inputs["runConfig"]["memoryInMb"] % 64 == 0


def test_the_canary_role_is_least_privilege(stacks):
    stack = stacks["prod"]
    (policy,) = [p for p in stack.of_type(ROLE_POLICY) if "page-load" in p["urn"]]
    statements = json.loads(policy["inputs"]["policy"])["Statement"]
    for statement in statements:
        actions = {statement["Action"]} if isinstance(statement["Action"], str) else set(statement["Action"])
        assert not any(a.endswith("*") for a in actions), f"{policy['urn']}: wildcard action {actions}"
        if statement["Resource"] == "*":
            assert actions <= WILDCARD_ACTIONS, f"{policy['urn']}: {actions} on every resource"
    (metrics,) = [s for s in statements if s["Action"] == "cloudwatch:PutMetricData"]
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": "CloudWatchSynthetics"}}, policy["urn"]
    (logs,) = [s for s in statements if "logs:PutLogEvents" in s["Action"]]
    assert logs["Resource"].endswith(":log-group:/aws/lambda/cwsyn-platform-prod-page-*"), policy["urn"]
    (artifacts,) = [s for s in statements if "s3:PutObject" in s["Action"]]
    assert artifacts["Resource"].endswith("/artifacts/*"), policy["urn"]


@pytest.mark.parametrize("tier,runs", [("staging", 2), ("prod", 1)])
def test_the_p95_alarm_is_routed_like_the_latency_slo(stacks, tier, runs):
    stack = stacks[tier]
    (alarm,) = [a for a in stack.of_type(ALARM) if a["inputs"]["name"] == f"platform-{tier}-page-load-p95"]
    inputs = alarm["inputs"]
    assert (inputs["namespace"], inputs["metricName"], inputs["extendedStatistic"]) == (
        "CloudWatchSynthetics",
        "Duration",
        "p95",
    ), alarm["urn"]
    assert inputs["dimensions"] == {"CanaryName": f"platform-{tier}-page"}, alarm["urn"]
    assert inputs["threshold"] == PAGE_LOAD_P95_MS == 2000, alarm["urn"]
    assert inputs["comparisonOperator"] == "GreaterThanThreshold", alarm["urn"]
    # One datapoint per run (5 min): the tier's alarm minutes (staging 10, prod 5) in runs.
    assert inputs["period"] == 300, alarm["urn"]
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"] == runs, alarm["urn"]
    (latency,) = [a for a in stack.of_type(ALARM) if a["inputs"]["name"] == f"platform-{tier}-api-latency-p95"]
    assert inputs["alarmActions"] == latency["inputs"]["alarmActions"], alarm["urn"]
    assert ":platform-" in inputs["alarmActions"][0] and "-warning-" in inputs["alarmActions"][0], alarm["urn"]
    assert inputs["treatMissingData"] == latency["inputs"]["treatMissingData"], alarm["urn"]


def test_the_application_dashboard_shows_the_canary_success_rate(stacks):
    stack = stacks["prod"]
    (board,) = [d for d in stack.of_type(DASHBOARD) if d["inputs"]["dashboardName"].endswith("application-performance")]
    metrics = [m for w in json.loads(board["inputs"]["dashboardBody"])["widgets"] for m in w["properties"]["metrics"]]
    assert ["CloudWatchSynthetics", "SuccessPercent", "CanaryName", "platform-prod-page", {"label": "success"}] in (
        metrics
    ), board["urn"]


def test_the_archive_holds_the_handler_where_the_python_runtime_loads_it(stacks, tmp_path):
    (script,) = stacks["prod"].of_type(SCRIPT)
    assert script["inputs"]["key"].endswith(".zip"), script["urn"]
    # The archive the engine zips: python/<file>.py, the handler <file>.handler (WritingCanary_Python.html).
    assert SCRIPT_PATH_IN_ARCHIVE == "python/page_load.py"
    archive = pulumi.AssetArchive({SCRIPT_PATH_IN_ARCHIVE: pulumi.FileAsset(str(CANARY_SCRIPT))})
    path = tmp_path / "canary.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        for name, asset in archive.assets.items():
            bundle.write(asset.path, name)
    with zipfile.ZipFile(path) as bundle:
        assert bundle.namelist() == ["python/page_load.py"]
        source = bundle.read("python/page_load.py").decode()
    module, function = HANDLER.split(".")
    assert f"python/{module}.py" == SCRIPT_PATH_IN_ARCHIVE
    assert f"async def {function}(event" in source
    compile(source, "page_load.py", "exec")


def test_every_tier_name_fits_the_canary_name_limit():
    rule = rule_for(CANARY)
    assert rule is not None and rule.max_len == 21
    for tier in ("dev", "staging", "prod"):
        name = canary_name(load(tier))
        assert len(name) <= rule.max_len and rule.allowed is not None and rule.allowed.fullmatch(name), name
