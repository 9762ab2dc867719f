"""`platformctl dr drill` and `dr failover` against a moto server (tests/ops/conftest.py).

Seeded like prod: the primary in us-east-1, its cross-region read replica in us-west-2, a public zone.
Every RPO/RTO figure is checked against timestamps the emulator itself returned.

moto gaps, tested by the nearest path: promote_read_replica leaves ReadReplicaSourceDBInstanceIdentifier
set (AWS clears it when the promotion ends), so `promotion_clears_source` emulates that one field.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from platformctl import dr, dr_failover
from platformctl.cli import main

REPO = Path(__file__).resolve().parents[2]
PRIMARY, DR_REGION = "us-east-1", "us-west-2"
DB, REPLICA = "platform-prod-db", "platform-prod-db-dr"
ZONE = "prod.example.com"


def rds(region: str = PRIMARY) -> Any:
    return boto3.client("rds", region_name=region)


def route53() -> Any:
    return boto3.client("route53", region_name=PRIMARY)


def seed_database(region: str = PRIMARY, identifier: str = DB) -> dict[str, Any]:
    return rds(region).create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="platform",
        MasterUserPassword="not-a-secret-1",
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
    )["DBInstance"]


def seed_replica(primary: dict[str, Any]) -> dict[str, Any]:
    return rds(DR_REGION).create_db_instance_read_replica(
        DBInstanceIdentifier=REPLICA,
        SourceDBInstanceIdentifier=primary["DBInstanceArn"],
        DBInstanceClass="db.t4g.micro",
    )["DBInstance"]


def seed_zone() -> str:
    return route53().create_hosted_zone(Name=ZONE, CallerReference=str(time.time()))["HostedZone"]["Id"].split("/")[-1]


def write_outputs(path: Path, tier: str = "prod", **overrides: Any) -> Path:
    outputs = {
        "tier": tier,
        "primaryRegion": PRIMARY,
        "drRegion": DR_REGION,
        "databaseIdentifier": DB,
        "databaseReplicaIdentifier": REPLICA if tier == "prod" else None,
        "hostedZoneId": "Z0NONE",
    }
    path.write_text(json.dumps({**outputs, **overrides}))
    return path


def server_now() -> datetime:
    """The emulator's clock, from the Date header of any response."""
    header = rds().describe_db_instances()["ResponseMetadata"]["HTTPHeaders"]["date"]
    return parsedate_to_datetime(header)


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def report_in(directory: Path) -> dict[str, Any]:
    (path,) = directory.glob("dr-drill-*.json")
    return json.loads(path.read_text())


def cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def instance_ids(region: str) -> list[str]:
    return [i["DBInstanceIdentifier"] for i in rds(region).describe_db_instances()["DBInstances"]]


# --- drill ---------------------------------------------------------------------------------------------------


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
    assert re.fullmatch(r"dr-drill-prod-\d{4}-\d{2}-\d{2}", reports[0].stem)
    report = json.loads(reports[0].read_text())
    point = report["recoveryPoint"]
    assert (point["method"], point["region"], point["source"]) == ("snapshot", DR_REGION, "replica-snap")
    # The recovery point is the emulator's snapshot time; restore start and "available" are its Date headers.
    assert iso(point["time"]) == dr.to_second(snapshot["SnapshotCreateTime"])
    started, available = iso(report["restoreStartedAt"]), iso(report["availableAt"])
    assert before <= started <= available <= after
    assert report["targets"]["RPO"]["achievedSeconds"] == (started - iso(point["time"])).total_seconds() >= 1
    assert report["targets"]["RTO"]["achievedSeconds"] == (available - started).total_seconds()
    assert (report["targets"]["RPO"]["targetSeconds"], report["targets"]["RTO"]["targetSeconds"]) == (900, 14400)
    # InstanceCreateTime is the emulator's too: it matches the "DB instance created" event, which outlives it.
    drill_id = report["drillInstance"]["identifier"]
    assert re.fullmatch(rf"drill-{DB}-\d{{12}}", drill_id)
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
    monkeypatch.setattr(dr, "DAILY_RPO", timedelta(seconds=-1))  # nothing can meet it
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
        ]
    )
    report = report_in(tmp_path)
    assert status == 1
    assert report["targets"]["RPO"]["passed"] is False and report["targets"]["RTO"]["passed"] is True
    assert report["drillInstance"]["deleted"]  # cleaned up even on failure
    assert "**Result: FAIL**" in next(tmp_path.glob("dr-drill-*.md")).read_text()


def test_drill_without_recovery_point_fails_with_report(aws: str, tmp_path: Path) -> None:
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
        ]
    )
    report = report_in(tmp_path)
    assert status == 1 and report["recoveryPoint"] is None and report["targets"]["RPO"]["achievedSeconds"] is None


def test_drill_deletes_only_tagged_instances(aws: str) -> None:
    seed_database(identifier="drill-lookalike")
    drill = dr.Drill("dev", {"tier": "dev"}, started=datetime.now(UTC), instance_id="drill-lookalike")
    dr.delete_drill_instance(drill, rds())
    assert not drill.deleted and "lacks the tag" in drill.notes[0]
    assert "drill-lookalike" in instance_ids(PRIMARY)


@pytest.mark.parametrize("argv", [["--timeout-minutes", "0"], ["--outputs", "missing.json"]])
def test_drill_usage_errors(aws: str, tmp_path: Path, argv: list[str], capsys: Any) -> None:
    outputs = str(write_outputs(tmp_path / "o.json"))
    assert main(["dr", "drill", "--stack", "prod", "--outputs", outputs, *argv]) == 2
    assert "error:" in capsys.readouterr().err


# --- failover ------------------------------------------------------------------------------------------------


@pytest.fixture
def promotion_clears_source(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Emulate AWS clearing ReadReplicaSourceDBInstanceIdentifier after PromoteReadReplica (moto keeps it).

    The promote call itself still goes to moto; returns the identifiers promoted, in call order.
    """
    promoted: list[str] = []
    real_source, real_client = dr_failover.replica_source, dr_failover.aws_client

    def client(service: str, region: str) -> Any:
        made = real_client(service, region)
        made.meta.events.register(
            "provide-client-params.rds.PromoteReadReplica",
            lambda params, **_: promoted.append(params["DBInstanceIdentifier"]),
        )
        return made

    monkeypatch.setattr(dr_failover, "aws_client", client)
    monkeypatch.setattr(
        dr_failover,
        "replica_source",
        lambda instance: None if instance["DBInstanceIdentifier"] in promoted else real_source(instance),
    )
    return promoted


def cname(zone_id: str) -> list[str]:
    sets = route53().list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    ours = [s for s in sets if (s["Name"], s["Type"]) == (f"db.{ZONE}.", "CNAME")]
    return [r["Value"] for s in ours for r in s["ResourceRecords"]]


def emulator_state(zone_id: str) -> list[Any]:
    """Everything a failover could change; LatestRestorableTime is moto's "now", so it is left out."""
    instances = [
        {k: v for k, v in i.items() if k != "LatestRestorableTime"}
        for region in (PRIMARY, DR_REGION)
        for i in rds(region).describe_db_instances()["DBInstances"]
    ]
    return [
        instances,
        route53().list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"],
        rds(DR_REGION).describe_events()["Events"],
        rds(PRIMARY).describe_events()["Events"],
    ]


def failover(outputs: Path, state: Path, *extra: str) -> list[str]:
    return ["dr", "failover", "--stack", "prod", "--outputs", str(outputs), "--state", str(state), *extra]


def test_failover_dry_run_changes_nothing(aws: str, tmp_path: Path) -> None:
    seed_replica(seed_database())
    zone_id = seed_zone()
    outputs = write_outputs(tmp_path / "o.json", hostedZoneId=zone_id)
    before = emulator_state(zone_id)
    result = cli("dr", "failover", "--stack", "prod", "--outputs", str(outputs), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for number in range(1, 6):
        assert f"[step {number}/5]" in result.stdout
    assert f"would promote read replica {REPLICA}" in result.stdout and f"would UPSERT db.{ZONE}." in result.stdout
    after = emulator_state(zone_id)
    assert after == before and cname(zone_id) == []
    assert list(tmp_path.iterdir()) == [outputs]  # not even a state file


@pytest.mark.parametrize("confirm", [[], ["--confirm", "Prod"], ["--confirm", "staging"]])
def test_failover_execute_needs_exact_confirmation(aws: str, tmp_path: Path, confirm: list[str]) -> None:
    outputs = write_outputs(tmp_path / "o.json")
    result = cli("dr", "failover", "--stack", "prod", "--outputs", str(outputs), "--execute", *confirm, cwd=tmp_path)
    assert result.returncode == 2 and "--confirm prod" in result.stderr and "Traceback" not in result.stderr


def test_failover_resumes_after_dns_failure(
    aws: str, tmp_path: Path, promotion_clears_source: list[str], capsys: Any
) -> None:
    replica = seed_replica(seed_database())
    zone_id = seed_zone()
    state = tmp_path / "state.json"
    execute = ("--execute", "--confirm", "prod", "--timeout-minutes", "0")

    # Injected failure: the outputs name a zone that does not exist.
    assert main(failover(write_outputs(tmp_path / "o.json", hostedZoneId="ZNOSUCHZONE"), state, *execute)) == 1
    out = capsys.readouterr().out
    assert "Resume from step 4" in out and promotion_clears_source == [REPLICA]
    recorded = json.loads(state.read_text())
    assert recorded["failedStep"] == 4 and sorted(recorded["steps"]) == ["1", "2", "3"]

    assert main(failover(write_outputs(tmp_path / "o.json", hostedZoneId=zone_id), state, *execute)) == 0
    out = capsys.readouterr().out
    assert "resuming: the last run stopped at step 4" in out and "skip: platform-prod-db-dr is already promoted" in out
    assert promotion_clears_source == [REPLICA]  # not promoted twice
    assert cname(zone_id) == [replica["Endpoint"]["Address"]]
    assert json.loads(state.read_text())["failedStep"] is None

    assert main(failover(tmp_path / "o.json", state, *execute)) == 0  # a third run finds everything done
    out = capsys.readouterr().out
    assert "completed at" in out and "starting afresh" in out  # a finished run's state never skips a promotion
    assert "skip: db.prod.example.com. already points at" in out


def test_failover_waits_for_writable_and_never_promotes_twice(aws: str, tmp_path: Path, capsys: Any) -> None:
    # Unemulated moto: the promoted replica keeps its source, as a promotion still in progress would on AWS.
    seed_replica(seed_database())
    state, outputs = tmp_path / "state.json", write_outputs(tmp_path / "o.json", hostedZoneId=seed_zone())
    execute = ("--execute", "--confirm", "prod", "--timeout-minutes", "0")
    assert main(failover(outputs, state, *execute)) == 1
    assert "Resume from step 3" in capsys.readouterr().out
    assert main(failover(outputs, state, *execute)) == 1
    out = capsys.readouterr().out
    assert "skip: promotion requested at" in out and "still replicating from" in out
    assert json.loads(state.read_text())["failedStep"] == 3


def test_failover_without_replica_restores_dr_snapshot(aws: str, tmp_path: Path, capsys: Any) -> None:
    seed_database()
    seed_database(DR_REGION)  # stands in for a snapshot copied to the DR region: snapshot it, then drop it
    rds(DR_REGION).create_db_snapshot(DBInstanceIdentifier=DB, DBSnapshotIdentifier="dr-copy")
    rds(DR_REGION).delete_db_instance(DBInstanceIdentifier=DB, SkipFinalSnapshot=True)
    zone_id = seed_zone()
    outputs = write_outputs(tmp_path / "o.json", hostedZoneId=zone_id)
    assert main(failover(outputs, tmp_path / "s.json", "--execute", "--confirm", "prod")) == 0, capsys.readouterr()
    restored = rds(DR_REGION).describe_db_instances(DBInstanceIdentifier=f"{DB}-dr-restore")["DBInstances"][0]
    assert {"Key": "platformctl:created-by", "Value": "dr-failover"} in restored["TagList"]
    assert cname(zone_id) == [restored["Endpoint"]["Address"]]
    with pytest.raises(ClientError):
        rds(DR_REGION).describe_db_instances(DBInstanceIdentifier=REPLICA)
