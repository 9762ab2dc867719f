"""`platformctl dr drill` against a moto server (conftest.py), seeded like prod (rds_stack.py).

Every RPO/RTO figure is checked against timestamps the emulator itself returned.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from platform_core.tiers import facts_for
from platformctl.cli import main
from platformctl.ops import dr_drill
from platformctl.ops.dr_drill_run import CREATED_BY, DRILL_TAG, RUN_TAG, STACK_TAG
from platformctl.ops.dr_recovery_point import to_second
from tests.platformctl.ops.rds_stack import (
    DB,
    DR_REGION,
    PRIMARY,
    REPLICA,
    cli,
    drill_argv,
    drill_reports,
    instance_ids,
    point_aws_nowhere,
    rds,
    seed_database,
    seed_drill_instance,
    seed_replica,
    write_outputs,
)

RUN_ID = r"\d{8}T\d{6}Z-[0-9a-f]{4}"


def server_now() -> datetime:
    """The emulator's clock, from the Date header of any response."""
    header = rds().describe_db_instances()["ResponseMetadata"]["HTTPHeaders"]["date"]
    return parsedate_to_datetime(header)


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def report_in(directory: Path) -> dict[str, Any]:
    (path,) = directory.glob("dr-drill-*.json")
    return json.loads(path.read_text())


# --- drill ---------------------------------------------------------------------------------------------------


def drill_dev(tmp_path: Path) -> int:
    outputs = write_outputs(tmp_path / "o.json", "dev")
    return main(["dr", "drill", "--stack", "dev", "--outputs", str(outputs), "--report-dir", str(tmp_path)])


def test_drill_restores_dr_snapshot_and_measures_from_emulator_timestamps(aws: str, tmp_path: Path) -> None:
    seed_replica(seed_database())
    snapshot = rds(DR_REGION).create_db_snapshot(DBInstanceIdentifier=REPLICA, DBSnapshotIdentifier="replica-snap")[
        "DBSnapshot"
    ]
    time.sleep(1.1)  # so the recovery point is measurably older than the restore
    before = server_now()
    result = cli(
        "dr",
        "drill",
        "--stack",
        "prod",
        "--outputs",
        str(write_outputs(tmp_path / "o.json")),
        "--report-dir",
        str(tmp_path / "reports"),
        cwd=tmp_path,
    )
    after = server_now()
    assert result.returncode == 0, result.stdout + result.stderr

    reports = sorted((tmp_path / "reports").iterdir())
    assert [p.suffix for p in reports] == [".json", ".md"]
    assert re.fullmatch(rf"dr-drill-prod-{RUN_ID}", reports[0].stem)
    report = json.loads(reports[0].read_text())
    assert reports[0].stem == f"dr-drill-prod-{report['runId']}"
    point = report["recoveryPoint"]
    assert (point["method"], point["region"], point["source"]) == ("snapshot", DR_REGION, "replica-snap")
    # The recovery point is the emulator's snapshot time; restore start and "available" are its Date headers.
    assert iso(point["time"]) == to_second(snapshot["SnapshotCreateTime"])
    started, available = iso(report["restoreStartedAt"]), iso(report["availableAt"])
    assert before <= started <= available <= after
    assert report["targets"]["RPO"]["achievedSeconds"] == (started - iso(point["time"])).total_seconds() >= 1
    assert report["targets"]["RTO"]["achievedSeconds"] == (available - started).total_seconds()
    assert (report["targets"]["RPO"]["targetSeconds"], report["targets"]["RTO"]["targetSeconds"]) == (900, 14400)
    # InstanceCreateTime is the emulator's too: it matches the "DB instance created" event, which outlives it.
    drill_id = report["drillInstance"]["identifier"]
    assert drill_id == f"drill-{DB}-{report['runId'].lower()}"
    created = [
        e["Date"]
        for e in rds(DR_REGION).describe_events(SourceIdentifier=drill_id, SourceType="db-instance")["Events"]
        if e["Message"] == "DB instance created"
    ]
    assert abs(iso(report["drillInstance"]["instanceCreateTime"]) - created[0]) < timedelta(seconds=1)
    assert {c["name"]: c["passed"] for c in report["checks"]} == {
        "status available": True,
        "endpoint present": True,
        "storage encrypted": True,
    }
    assert report["drillInstance"]["deleted"] and report["passed"]
    assert report["drillInstance"]["deletion"].startswith("requested, RDS status")
    assert drill_id not in instance_ids(DR_REGION)
    markdown = reports[1].read_text()
    assert "**Result: PASS**" in markdown and "| RPO | 15 min |" in markdown and "replica-snap" in markdown
    assert f"Run `{report['runId']}`" in markdown and report["earlierDrillInstances"] == []


def test_drill_falls_back_to_primary_and_says_so(aws: str, tmp_path: Path, capsys: Any) -> None:
    seed_database()  # moto takes an automated snapshot at creation; nothing exists in the DR region
    status = main(
        [
            "dr",
            "drill",
            "--stack",
            "prod",
            "--outputs",
            str(write_outputs(tmp_path / "o.json")),
            "--report-dir",
            str(tmp_path),
        ]
    )
    report = report_in(tmp_path)
    assert status == 0, capsys.readouterr()
    assert report["recoveryPoint"]["region"] == PRIMARY
    assert report["recoveryPoint"]["kind"] == "automated snapshot"
    assert any(note.startswith("FALLBACK") for note in report["notes"])
    assert instance_ids(PRIMARY) == [DB]


def test_drill_point_in_time(aws: str, tmp_path: Path) -> None:
    seed_database()
    status = main(
        [
            "dr",
            "drill",
            "--stack",
            "dev",
            "--outputs",
            str(write_outputs(tmp_path / "o.json", "dev")),
            "--report-dir",
            str(tmp_path),
            "--point-in-time",
        ]
    )
    report = report_in(tmp_path)
    assert status == 0
    assert report["recoveryPoint"]["method"] == "point-in-time"
    assert report["targets"]["RPO"]["targetSeconds"] == 24 * 3600
    rpo = iso(report["restoreStartedAt"]) - iso(report["recoveryPoint"]["time"])
    assert report["targets"]["RPO"]["achievedSeconds"] == rpo.total_seconds() >= 0
    assert instance_ids(PRIMARY) == [DB]


def test_drill_fails_a_missed_target(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_database()
    unmeetable = dataclasses.replace(facts_for("dev"), rpo=timedelta(seconds=-1))  # nothing can meet it
    monkeypatch.setattr(dr_drill, "facts_for", lambda tier: unmeetable)
    status = drill_dev(tmp_path)
    report = report_in(tmp_path)
    assert status == 1
    assert report["targets"]["RPO"]["passed"] is False and report["targets"]["RTO"]["passed"] is True
    assert report["drillInstance"]["deleted"]  # cleaned up even on failure
    assert "**Result: FAIL**" in next(tmp_path.glob("dr-drill-*.md")).read_text()


def test_drill_without_recovery_point_fails_with_report(aws: str, tmp_path: Path) -> None:
    status = drill_dev(tmp_path)
    report = report_in(tmp_path)
    assert status == 1 and report["recoveryPoint"] is None and report["targets"]["RPO"]["achievedSeconds"] is None


@pytest.mark.parametrize(
    "tags",
    [
        {},  # a lookalike name
        {CREATED_BY: DRILL_TAG, STACK_TAG: "dev", RUN_TAG: "20261202T031502Z-0000"},  # a concurrent drill's
    ],
)
def test_drill_deletes_only_its_own_instance(aws: str, tags: dict[str, str]) -> None:
    seed_drill_instance("drill-lookalike", tags)
    drill = dr_drill.Drill("dev", {"tier": "dev"}, started=datetime.now(UTC), instance_id="drill-lookalike")
    dr_drill.delete_drill_instance(drill, rds())
    assert not drill.deleted and f"lacks the tag {RUN_TAG}={drill.run_id}" in drill.notes[0]
    assert "drill-lookalike" in instance_ids(PRIMARY)


def test_an_interrupted_drill_deletes_its_instance(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_database()

    def interrupt(*_: object) -> None:
        assert len(instance_ids(PRIMARY)) == 2  # the restore happened
        raise KeyboardInterrupt

    monkeypatch.setattr(dr_drill, "wait_and_check", interrupt)
    outputs = json.loads(write_outputs(tmp_path / "o.json", "dev").read_text())
    drill = dr_drill.Drill("dev", outputs, started=datetime.now(UTC))
    with pytest.raises(KeyboardInterrupt):
        dr_drill.execute(drill, False, timedelta(minutes=5), timedelta(hours=6))
    assert drill.deleted and instance_ids(PRIMARY) == [DB]


def test_a_refused_restore_is_a_finding_not_an_infrastructure_error(aws: str, tmp_path: Path) -> None:
    # No database: DescribeDBInstances answers DBInstanceNotFound, an answer about the stack, not about AWS.
    assert main(drill_argv(tmp_path, "dev", "--point-in-time")) == 1
    (report,) = drill_reports(tmp_path / "reports")
    assert not report["passed"] and "DBInstanceNotFound" in report["notes"][-1]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--timeout-minutes", "0"], "--timeout-minutes 0: must be a number of minutes more than 0"),
        (["--timeout-minutes", "nan"], "--timeout-minutes nan: must be a number of minutes more than 0"),
        (["--orphan-age-hours", "-1"], "--orphan-age-hours -1: must be a number of hours more than 0"),
        (["--orphan-age-hours", "inf"], "--orphan-age-hours inf: must be a number of hours more than 0"),
        (["--orphan-age-hours", "2"], "--orphan-age-hours 2: must be at least the drill's wait of 240 min"),
        (["--timeout-minutes", "600"], "--orphan-age-hours 6: must be at least the drill's wait of 600 min"),
        (["--stack", "acme/platform/prod"], "--stack 'acme/platform/prod': a stack name is 1-100 letters"),
        (["--outputs", "missing.json"], "--outputs missing.json: cannot read the stack outputs"),
    ],
)
def test_drill_usage_errors(
    tmp_path: Path, argv: list[str], named: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AWS points nowhere: a usage error must be found before any AWS call, which would fail differently.
    point_aws_nowhere(monkeypatch)
    assert main([*drill_argv(tmp_path, "prod"), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {named}") and "Traceback" not in err, err
    assert not (tmp_path / "reports").exists()


def test_drill_waits_the_tiers_rto_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from platformctl.commands import dr as dr_command

    waited: list[timedelta] = []
    monkeypatch.setattr(dr_command, "execute", lambda drill, point_in_time, timeout, age: waited.append(timeout))
    argv = ["dr", "drill", "--stack", "prod", "--outputs", str(write_outputs(tmp_path / "o.json"))]
    assert main([*argv, "--report-dir", str(tmp_path)]) == 1  # nothing restored: a failed drill
    assert waited == [facts_for("prod").rto]


def test_drill_of_an_unknown_tier_is_a_usage_error(tmp_path: Path, capsys: Any) -> None:
    outputs = str(write_outputs(tmp_path / "o.json", "qa"))
    assert main(["dr", "drill", "--stack", "qa", "--outputs", outputs, "--report-dir", str(tmp_path)]) == 2
    assert "outputs.tier: unknown tier 'qa'; allowed: dev, staging, prod" in capsys.readouterr().err
