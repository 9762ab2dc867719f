"""`platformctl gate`: maintenance windows at their edges, the emergency override, change risk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from platformctl import gate, risk
from platformctl.project import UsageError
from platformctl.render import preview_json

REPO = Path(__file__).resolve().parent.parent
# 2026-11-29 is a Sunday.
SAT, SUN, MON, FRI = "2026-11-28", "2026-11-29", "2026-11-30", "2026-11-27"
DB = "aws:rds/instance:Instance"


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}+00:00")


def platformctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "gate", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def step(op: str, kind: str, name: str = "thing", *, protect: bool = False, state: str = "newState") -> dict[str, Any]:
    urn = f"urn:pulumi:prod::platform::platform:database:Database${kind}::{name}"
    return {"op": op, "urn": urn, state: {"type": kind, "urn": urn, **({"protect": True} if protect else {})}}


def write_preview(tmp_path: Path, steps: list[dict[str, Any]]) -> str:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps({"steps": steps, "changeSummary": {}}))
    return str(path)


# --- windows -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "day", "clock", "inside"),
    [
        ("prod", SUN, "02:00", True),  # start is inclusive
        ("prod", SUN, "05:59:59", True),
        ("prod", SUN, "06:00", False),  # end is exclusive
        ("prod", SUN, "01:59", False),
        ("prod", SAT, "23:59", False),  # the day before, and the start of the right day before the window
        ("prod", SUN, "00:00", False),
        ("prod", MON, "03:00", False),
        ("staging", SAT, "02:00", True),
        ("staging", SUN, "03:00", False),
        ("dev", MON, "09:00", True),
        ("dev", FRI, "16:59", True),
        ("dev", FRI, "17:00", False),
        ("dev", SAT, "10:00", False),
    ],
)
def test_window_edges(tier, day, clock, inside):
    assert gate.WINDOWS[tier].contains(at(day, clock)) is inside


def test_window_compares_in_utc_across_days():
    saturday_evening_in_brazil = datetime.fromisoformat(f"{SAT}T23:30:00-03:00")  # Sun 02:30 UTC
    assert gate.WINDOWS["prod"].contains(saturday_evening_in_brazil)
    assert not gate.WINDOWS["prod"].contains(datetime.fromisoformat(f"{SUN}T03:30:00+02:00"))  # Sun 01:30 UTC


def test_windows_describe_themselves():
    assert gate.WINDOWS["prod"].describe() == "Sun 02:00-06:00 UTC"
    assert gate.WINDOWS["staging"].describe() == "Sat 02:00-06:00 UTC"
    assert gate.WINDOWS["dev"].describe() == "Mon-Fri 09:00-17:00 UTC"


def test_unknown_tier_is_a_usage_error():
    with pytest.raises(UsageError, match="tier 'qa' has no deploy window; known tiers: prod, staging, dev"):
        gate.window_for("qa")


def test_at_needs_a_timezone_and_is_converted_to_utc():
    assert gate.parse_at("2026-11-29T05:00:00+02:00") == datetime(2026, 11, 29, 3, tzinfo=UTC)
    with pytest.raises(UsageError, match="no timezone"):
        gate.parse_at("2026-11-29T03:00:00")
    with pytest.raises(UsageError, match="not an ISO 8601 time"):
        gate.parse_at("next sunday")


# --- emergency -----------------------------------------------------------------------------------


def test_emergency_needs_reason_and_incident():
    assert gate.parse_emergency(True, "replica lag corrupts reads", "INC-1234") == gate.Emergency(
        "replica lag corrupts reads", "INC-1234"
    )
    with pytest.raises(UsageError, match=r"needs --reason .* and --incident"):
        gate.parse_emergency(True, None, None)
    with pytest.raises(UsageError, match=r"--reason of at least 10 characters \(got 'urgent'\)"):
        gate.parse_emergency(True, "urgent", "INC-1")
    with pytest.raises(UsageError, match=r"--incident like INC-1234.*got 'inc-12'"):
        gate.parse_emergency(True, "replica lag corrupts reads", "inc-12")
    with pytest.raises(UsageError, match="only go with --emergency"):
        gate.parse_emergency(False, "replica lag corrupts reads", "INC-1")


def test_emergency_overrides_the_window_and_is_recorded():
    emergency = gate.Emergency("replica lag corrupts reads", "INC-77")
    decision = gate.decide("prod", "prod", at(MON, "10:00"), risk.Risk(risk.LOW), emergency, False)
    assert decision.allowed
    assert decision.reason.startswith("allowed: emergency override outside prod window Sun 02:00-06:00 UTC")
    assert "incident INC-77: replica lag corrupts reads" in decision.reason
    assert decision.to_json()["emergency"] == {"reason": "replica lag corrupts reads", "incident": "INC-77"}


def test_emergency_does_not_bypass_the_change_advisory():
    emergency = gate.Emergency("replica lag corrupts reads", "INC-77")
    high = risk.Risk(risk.HIGH, ["replace aws:rds/instance:Instance db (stateful)"])
    assert not gate.decide("prod", "prod", at(MON, "10:00"), high, emergency, False).allowed
    assert gate.decide("prod", "prod", at(MON, "10:00"), high, emergency, True).allowed


# --- risk ----------------------------------------------------------------------------------------


def test_only_creates_and_sames_are_low_risk():
    assert risk.assess(
        [step("create", "aws:sns/topic:Topic"), step("same", DB), step("read", "aws:iam/role:Role")]
    ) == risk.Risk(risk.LOW)


def test_an_update_of_an_ordinary_resource_is_medium_risk():
    assessed = risk.assess([step("update", "aws:sns/topic:Topic", "alerts"), step("create", "aws:sns/topic:Topic")])
    assert assessed == risk.Risk(risk.MEDIUM, ["update aws:sns/topic:Topic alerts"])


def test_deleting_an_unprotected_ordinary_resource_is_medium_risk():
    assert risk.assess([step("delete", "aws:cloudwatch/metricAlarm:MetricAlarm", state="oldState")]).level == "medium"


@pytest.mark.parametrize("op", ["replace", "create-replacement", "delete-replaced", "delete"])
def test_a_database_replacement_or_deletion_is_high_risk(op):
    assessed = risk.assess([step(op, DB, "platform-prod-db")])
    assert assessed == risk.Risk(risk.HIGH, [f"{op} {DB} platform-prod-db (stateful)"])


def test_an_iam_change_is_high_risk_even_a_create():
    assert risk.assess([step("update", "aws:iam/role:Role", "ci-deployer")]).reasons == [
        "update aws:iam/role:Role ci-deployer (IAM, KMS or network)"
    ]
    assert risk.assess([step("create", "aws:iam/rolePolicy:RolePolicy")]).level == "high"


@pytest.mark.parametrize(
    "kind",
    [
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/natGateway:NatGateway",
        "aws:kms/alias:Alias",
        "aws:ec2/subnet:Subnet",
    ],
)
def test_network_and_key_changes_are_high_risk(kind):
    assert risk.assess([step("update", kind)]).level == "high"


def test_replacing_a_protected_resource_is_high_risk():
    assessed = risk.assess([step("replace", "aws:sns/topic:Topic", "critical", protect=True)])
    assert assessed.reasons == ["replace aws:sns/topic:Topic critical (protected)"]


def test_data_loss_is_listed_before_sensitive_changes():
    assessed = risk.assess([step("update", "aws:iam/role:Role"), step("delete", DB, "db", state="oldState")])
    assert assessed.reasons[0] == f"delete {DB} db (stateful)"


def test_the_type_comes_from_the_urn_when_no_state_carries_it():
    assert risk.step_type({"op": "delete", "urn": f"urn:pulumi:prod::platform::a:b:C${DB}::db"}) == DB


def test_read_steps_narrows_a_multi_stack_document(tmp_path):
    path = tmp_path / "all.json"
    path.write_text(json.dumps({"stacks": {"dev": {"steps": []}, "prod": {"steps": [step("replace", DB)]}}}))
    assert risk.read_steps(path, "prod")[0]["op"] == "replace"
    with pytest.raises(UsageError, match="has no stack 'staging'; it has: dev, prod"):
        risk.read_steps(path, "staging")
    path.write_text("[]")
    with pytest.raises(UsageError, match="expected a `preview --json` document"):
        risk.read_steps(path, "prod")


def test_a_new_stack_is_high_risk(stacks):
    """A first deploy creates IAM and network resources: the change advisory sees every new stack."""
    steps = preview_json(stacks["prod"].preview)["steps"]
    assessed = risk.assess(steps)
    assert assessed.level == risk.HIGH
    assert any(reason.startswith("create aws:iam/role:Role ") for reason in assessed.reasons)
    assert all(step["op"] == "create" for step in steps)  # no data loss: only the sensitive rule applies


def test_high_risk_is_refused_without_approval_and_allowed_with_it():
    high = risk.assess([step("replace", DB, "db")])
    refused = gate.decide("prod", "prod", at(SUN, "03:00"), high, None, False)
    assert not refused.allowed
    assert refused.reason.startswith(
        "refused: risk high: replace aws:rds/instance:Instance db (stateful); "
        "high risk needs --change-advisory-approved"
    )
    allowed = gate.decide("prod", "prod", at(SUN, "03:00"), high, None, True)
    assert allowed.allowed and allowed.reason.endswith("change-advisory approved")


# --- the command ---------------------------------------------------------------------------------


def test_cli_allows_prod_on_a_sunday_inside_its_window():
    result = platformctl("--stack", "prod", "--at", "2026-11-29T03:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("allowed: inside prod window Sun 02:00-06:00 UTC")


def test_cli_refuses_prod_on_a_monday_naming_the_window():
    result = platformctl("--stack", "prod", "--at", "2026-11-30T10:00:00Z")
    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        "refused: prod deploys only in its maintenance window Sun 02:00-06:00 UTC; now Mon 10:00 UTC"
    ]


def test_cli_rejects_a_naive_time():
    result = platformctl("--stack", "prod", "--at", "2026-11-29T03:00:00")
    assert result.returncode == 2
    assert "has no timezone" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "missing"),
    [
        ((), "--reason (at least 10 characters) and --incident"),
        (("--incident", "INC-1234"), "--reason (at least 10 characters)"),
        (("--reason", "the database is down"), "--incident (an incident ID like INC-1234)"),
    ],
)
def test_cli_refuses_an_emergency_without_reason_or_incident(extra, missing):
    result = platformctl("--stack", "prod", "--at", "2026-11-30T10:00:00Z", "--emergency", *extra)
    assert result.returncode == 2
    assert f"--emergency refused: it needs {missing}" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_emergency_json_records_reason_and_incident():
    result = platformctl(
        "--stack",
        "prod",
        "--at",
        "2026-11-30T10:00:00Z",
        "--emergency",
        "--reason",
        "the database is down",
        "--incident",
        "INC-1234",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith("allowed: emergency override outside prod window")
    document = json.loads(result.stdout)
    assert document == {
        "allowed": True,
        "reason": result.stderr.splitlines()[0],
        "stack": "prod",
        "tier": "prod",
        "window": "Sun 02:00-06:00 UTC",
        "at": "2026-11-30T10:00:00Z",
        "risk": None,
        "riskReasons": [],
        "emergency": {"reason": "the database is down", "incident": "INC-1234"},
    }


def test_cli_database_replacement_needs_the_change_advisory(tmp_path):
    preview = write_preview(tmp_path, [step("same", "aws:sns/topic:Topic"), step("replace", DB, "db")])
    refused = platformctl("--stack", "prod", "--at", "2026-11-29T03:00:00Z", "--preview", preview)
    assert refused.returncode == 3
    assert "risk high" in refused.stdout and "--change-advisory-approved" in refused.stdout
    approved = platformctl(
        "--stack", "prod", "--at", "2026-11-29T03:00:00Z", "--preview", preview, "--change-advisory-approved", "--json"
    )
    assert approved.returncode == 0, approved.stderr
    document = json.loads(approved.stdout)
    assert (document["risk"], document["riskReasons"]) == ("high", [f"replace {DB} db (stateful)"])


def test_cli_reads_the_tier_from_the_stack_file(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")
    (tmp_path / "Pulumi.blue.yaml").write_text("config:\n  platform:tier: staging\n")
    result = platformctl("--stack", "blue", "--cwd", str(tmp_path), "--at", "2026-11-28T02:00:00Z", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["window"] == "Sat 02:00-06:00 UTC"


def test_cli_unknown_stack_is_a_usage_error():
    result = platformctl("--stack", "qa", "--at", "2026-11-29T03:00:00Z")
    assert result.returncode == 2
    assert "stack 'qa' has no stack file" in result.stderr
