"""`platformctl dr failover` against a moto server (conftest.py), seeded like prod (rds_stack.py).

moto gaps, tested by the nearest path: promote_read_replica leaves ReadReplicaSourceDBInstanceIdentifier
set (AWS clears it when the promotion ends), so `promotion_clears_source` emulates that one field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from platformctl.cli import main
from platformctl.ops import dr_failover
from tests.platformctl.ops.rds_stack import (
    DB,
    DR_REGION,
    PRIMARY,
    REPLICA,
    ZONE,
    cli,
    rds,
    route53,
    seed_database,
    seed_replica,
    seed_zone,
    write_outputs,
)


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
