"""`platformctl gate`: deploy windows at their edges, the emergency override, the change advisory for high risk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from platform_core.errors import UsageError
from platform_core.tiers import FACTS, Tier
from platformctl.delivery import gate, risk
from tests.platformctl.delivery.preview_steps import DB, step

REPO = Path(__file__).resolve().parents[3]
# 2026-11-29 is a Sunday.
SAT, SUN, MON, FRI = "2026-11-28", "2026-11-29", "2026-11-30", "2026-11-27"


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
    assert gate.window_for(tier).contains(at(day, clock)) is inside


def test_the_window_is_the_tiers_deploy_window_fact():
    assert {tier: gate.window_for(tier) for tier in Tier} == {tier: FACTS[tier].deploy_window for tier in Tier}


def test_window_compares_in_utc_across_days():
    saturday_evening_in_brazil = datetime.fromisoformat(f"{SAT}T23:30:00-03:00")  # Sun 02:30 UTC
    assert gate.window_for("prod").contains(saturday_evening_in_brazil)
    assert not gate.window_for("prod").contains(datetime.fromisoformat(f"{SUN}T03:30:00+02:00"))  # Sun 01:30 UTC


def test_windows_describe_themselves():
    assert gate.window_for("prod").describe() == "Sun 02:00-06:00 UTC"
    assert gate.window_for("staging").describe() == "Sat 02:00-06:00 UTC"
    assert gate.window_for("dev").describe() == "Mon-Fri 09:00-17:00 UTC"


def test_unknown_tier_is_a_usage_error():
    # The known tiers are listed in platform_core.tiers.Tier's order now, not the old gate table's.
    with pytest.raises(UsageError, match="tier 'qa' has no deploy window; known tiers: dev, staging, prod"):
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


# --- risk and the change advisory ------------------------------------------------------------------


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


UNRATED = risk.Risk(risk.UNRATED, [risk.ALL_CREATES])


def test_an_unrated_change_in_prod_needs_a_baseline_or_the_change_advisory():
    refused = gate.decide("prod", "prod", at(SUN, "03:00"), UNRATED, None, False)
    assert not refused.allowed
    assert refused.reason == (
        "refused: risk unrated: the preview creates every resource, so it shows nothing of what the deploy would "
        "change; give --baseline; prod needs a rated change (--baseline FILE), or --change-advisory-approved once "
        "the change advisory reviewed the whole change (e.g. a first deploy); inside prod window Sun 02:00-06:00 UTC"
    )
    approved = gate.decide("prod", "prod", at(SUN, "03:00"), UNRATED, None, True)
    assert approved.allowed and approved.reason.endswith("give --baseline, change-advisory approved")
    assert approved.to_json()["risk"] == "unrated"
    outside = gate.decide("prod", "prod", at(MON, "10:00"), UNRATED, None, False).reason
    assert outside.startswith("refused: prod deploys only in its maintenance window")
    assert outside.endswith("; also " + UNRATED.summary() + " without --change-advisory-approved")


@pytest.mark.parametrize(("tier", "day"), [("dev", MON), ("staging", SAT)])
def test_an_unrated_change_outside_prod_is_allowed_and_says_so(tier, day):
    decision = gate.decide(tier, tier, at(day, "03:00" if tier == "staging" else "10:00"), UNRATED, None, False)
    assert decision.allowed
    assert decision.reason.endswith(
        "; risk unrated: the preview creates every resource, so it shows nothing of "
        "what the deploy would change; give --baseline"
    )


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
    (tmp_path / "__main__.py").write_text("")  # a project is a program too
    (tmp_path / "Pulumi.blue.yaml").write_text("config:\n  platform:tier: staging\n")
    result = platformctl("--stack", "blue", "--cwd", str(tmp_path), "--at", "2026-11-28T02:00:00Z", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["window"] == "Sat 02:00-06:00 UTC"


def test_cli_unknown_stack_is_a_usage_error():
    result = platformctl("--stack", "qa", "--at", "2026-11-29T03:00:00Z")
    assert result.returncode == 2
    assert "stack 'qa' has no stack file" in result.stderr


@pytest.mark.parametrize(
    ("stack", "baseline", "message"),
    [
        ("staging", None, "--preview {preview} is of stack 'prod' (urn:pulumi:prod::platform::platform:database:"),
        ("prod", "stateful-dev.json", "--baseline {baseline} is the snapshot of stack 'dev', not of the gated stack"),
    ],
)
def test_cli_refuses_a_preview_or_baseline_of_another_stack(tmp_path, stack, baseline, message):
    preview = write_preview(tmp_path, [step("create", DB, "db")])  # a prod preview
    baseline_path = str(REPO / "tests" / "snapshots" / baseline) if baseline else None
    extra = ("--baseline", baseline_path) if baseline_path else ()
    result = platformctl("--stack", stack, "--at", "2026-11-28T03:00:00Z", "--preview", preview, *extra)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: " + message.format(preview=preview, baseline=baseline_path))
    assert f"not of the gated stack {stack!r}" in result.stderr


def test_cli_baseline_needs_a_preview():
    baseline = REPO / "tests" / "snapshots" / "stateful-prod.json"
    result = platformctl("--stack", "prod", "--at", "2026-11-29T03:00:00Z", "--baseline", str(baseline))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == f"error: --baseline {baseline} rates a preview: give --preview FILE too\n"


def test_cli_all_creates_in_prod_is_unrated_until_a_baseline_rates_it(tmp_path):
    steps = [step("create", "aws:iam/role:Role", "ci"), step("create", DB, "db")]
    preview = write_preview(tmp_path, steps)
    unrated = platformctl("--stack", "prod", "--at", "2026-11-29T03:00:00Z", "--preview", preview, "--json")
    assert unrated.returncode == 3
    assert json.loads(unrated.stdout)["risk"] == "unrated"
    assert unrated.stderr.startswith("refused: risk unrated: the preview creates every resource")
    baseline = tmp_path / "deployed.json"
    baseline.write_text(json.dumps({"steps": [{**s, "op": "same"} for s in steps]}))
    rated = platformctl(
        "--stack", "prod", "--at", "2026-11-29T03:00:00Z", "--preview", preview, "--baseline", str(baseline)
    )
    assert rated.returncode == 0, rated.stderr
    assert rated.stdout == "allowed: inside prod window Sun 02:00-06:00 UTC; risk low\n"


def test_cli_help_documents_the_unrated_rule():
    result = platformctl("--help")
    assert result.returncode == 0
    assert (
        "an unrated change needs it in prod (or --baseline, to have it rated)\nand is allowed in dev and staging"
        in result.stdout
    )
