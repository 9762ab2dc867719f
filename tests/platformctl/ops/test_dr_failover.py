"""`platformctl dr failover`'s steps against a moto server (conftest.py), seeded like prod (failover_stack.py).

moto gaps, tested by the nearest path: promote_read_replica leaves ReadReplicaSourceDBInstanceIdentifier
set (AWS clears it when the promotion ends), so `promotion_clears_source` emulates that one field; moto cannot
deny access, so one test has botocore receive a real AccessDenied response instead of sending the request.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from platformctl.cli import main
from platformctl.ops import dr_failover, failover_dns
from tests.platformctl.ops.failover_stack import (
    FAILOVER_BUCKET,
    LOCK_KEY,
    STATE_KEY,
    emulate_promotion,
    execute,
    failover,
    s3,
    seed_failover_bucket,
    seed_prod,
    stored,
)
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
    seed_zone,
    write_outputs,
)


@pytest.fixture(autouse=True)
def no_backend_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)  # a developer's login must not reach the tests


@pytest.fixture
def promotion_clears_source(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return emulate_promotion(monkeypatch)


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
        s3().list_object_versions(Bucket=FAILOVER_BUCKET).get("Versions", []),
    ]


def test_failover_dry_run_changes_nothing(aws: str, tmp_path: Path) -> None:
    outputs, _, zone_id = seed_prod(tmp_path)
    before = emulator_state(zone_id)
    result = cli(*failover(outputs), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for number in range(1, 6):
        assert f"[step {number}/5]" in result.stdout
    assert f"would promote read replica {REPLICA}" in result.stdout and f"would UPSERT db.{ZONE}." in result.stdout
    assert (
        f"lock s3://{FAILOVER_BUCKET}/{LOCK_KEY}: free" in result.stdout
        and f"shared state s3://{FAILOVER_BUCKET}/{STATE_KEY}: none" in result.stdout
    )
    assert "would wait up to 4h00m00s: tier prod's RTO" in result.stdout
    assert emulator_state(zone_id) == before and cname(zone_id) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs.json"]  # not even a state file


def test_failover_dry_run_without_the_failover_bucket_warns_and_shows_every_step(aws: str, tmp_path: Path) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    s3().delete_bucket(Bucket=FAILOVER_BUCKET)
    result = cli(*failover(outputs), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[step 5/5]" in result.stdout and "dry run: nothing was changed" in result.stdout
    assert result.stderr.startswith("warning: --execute would stop before step 1: ")
    assert f"'{FAILOVER_BUCKET}' ({DR_REGION}) does not exist" in result.stderr and "bootstrap/" in result.stderr


@pytest.mark.parametrize("confirm", [[], ["--confirm", "Prod"], ["--confirm", "staging"]])
def test_failover_execute_needs_exact_confirmation(aws: str, tmp_path: Path, confirm: list[str]) -> None:
    outputs = write_outputs(tmp_path / "o.json")
    result = cli(*failover(outputs, "--execute", *confirm), cwd=tmp_path)
    assert result.returncode == 2 and "--confirm prod" in result.stderr and "Traceback" not in result.stderr


def test_failover_resumes_from_another_working_directory_through_the_shared_state(
    aws: str, tmp_path: Path, promotion_clears_source: list[str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, replica, zone_id = seed_prod(tmp_path)
    first, second = tmp_path / "alice", tmp_path / "bob"
    first.mkdir(), second.mkdir()

    monkeypatch.chdir(first)  # Injected failure: the outputs name a zone that does not exist.
    broken = write_outputs(
        first / "o.json", hostedZoneId="ZNOSUCHZONE", databaseArn=json.loads(outputs.read_text())["databaseArn"]
    )
    assert main(failover(broken, *execute("first operator"))) == 1
    out = capsys.readouterr().out
    assert "Resume from step 4" in out and promotion_clears_source == [REPLICA]
    recorded = stored(STATE_KEY)
    assert recorded is not None and recorded["failedStep"] == 4 and sorted(recorded["steps"]) == ["1", "2", "3"]
    assert stored(LOCK_KEY) is None  # released on failure too

    monkeypatch.chdir(second)  # another operator, another machine: only the bucket is shared
    assert main(failover(outputs, *execute("second operator"))) == 0
    out = capsys.readouterr().out
    assert "resuming: the last run stopped at step 4" in out
    for number in (1, 2, 3):
        assert f"[step {number}/5]" in out
    assert out.count("-> skip: done at") == 3 and "promote read replica" not in out
    assert promotion_clears_source == [REPLICA]  # not promoted twice
    assert cname(zone_id) == [replica["Endpoint"]["Address"]]
    final = stored(STATE_KEY)
    assert final is not None and final["failedStep"] is None and final["completedAt"]
    assert [run["reason"] for run in final["runs"]] == ["first operator", "second operator"]
    assert json.loads((second / "dr-failover-prod.json").read_text()) == final  # the cache in the new cwd

    assert main(failover(outputs, *execute("third run"))) == 0  # a third run finds everything done
    out = capsys.readouterr().out
    assert "completed at" in out and "starting afresh" in out  # a finished run's state never skips a promotion
    assert f"skip: db.{ZONE}. already points at" in out


def test_failover_waits_for_writable_and_never_promotes_twice(aws: str, tmp_path: Path, capsys: Any) -> None:
    # Unemulated moto: the promoted replica keeps its source, as a promotion still in progress would on AWS.
    outputs, _, _ = seed_prod(tmp_path)
    state = tmp_path / "state.json"
    assert main(failover(outputs, *execute(), state=state)) == 1
    assert "Resume from step 3" in capsys.readouterr().out
    assert main(failover(outputs, *execute(), state=state)) == 1
    out = capsys.readouterr().out
    assert "promote read replica" not in out and "still replicating from" in out
    assert json.loads(state.read_text())["failedStep"] == 3 == (stored(STATE_KEY) or {})["failedStep"]


def test_failover_without_replica_restores_dr_snapshot(aws: str, tmp_path: Path, capsys: Any) -> None:
    primary = seed_database()
    seed_database(DR_REGION)  # stands in for a snapshot copied to the DR region: snapshot it, then drop it
    rds(DR_REGION).create_db_snapshot(DBInstanceIdentifier=DB, DBSnapshotIdentifier="dr-copy")
    rds(DR_REGION).delete_db_instance(DBInstanceIdentifier=DB, SkipFinalSnapshot=True)
    zone_id = seed_zone()
    seed_failover_bucket()
    outputs = write_outputs(
        tmp_path / "o.json", hostedZoneId=zone_id, databaseArn=primary["DBInstanceArn"], databaseReplicaIdentifier=None
    )
    argv = failover(outputs, "--execute", "--confirm", "prod", "--reason", "drill", state=tmp_path / "s.json")
    assert main(argv) == 0, capsys.readouterr()
    restored = rds(DR_REGION).describe_db_instances(DBInstanceIdentifier=f"{DB}-dr-restore")["DBInstances"][0]
    assert {"Key": "platformctl:created-by", "Value": "dr-failover"} in restored["TagList"]
    assert cname(zone_id) == [restored["Endpoint"]["Address"]]
    identity = (stored(STATE_KEY) or {})["failover"]
    assert identity["targetKind"] == "restore" and identity["target"] == restored["DBInstanceArn"]
    with pytest.raises(ClientError):
        rds(DR_REGION).describe_db_instances(DBInstanceIdentifier=REPLICA)


class FakeClock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def waiting_run(outputs: dict[str, Any], timeout: timedelta, clock: FakeClock) -> dr_failover.Failover:
    run = dr_failover.prepare("prod", outputs, True, {"target": {"identifier": REPLICA, "kind": "replica"}}, timeout)
    run.clock, run.sleep = clock, clock.sleep
    return run


def outputs_source(outputs: Path) -> str:
    return json.loads(outputs.read_text())["databaseArn"]


def test_wait_prints_progress_at_least_every_15_seconds_until_its_timeout(
    aws: str, tmp_path: Path, capsys: Any
) -> None:
    outputs, _, _ = seed_prod(tmp_path)  # moto's replica never stops replicating: the wait runs out
    clock = FakeClock()
    run = waiting_run(json.loads(outputs.read_text()), timedelta(seconds=50), clock)
    with pytest.raises(dr_failover.StepFailed, match=r"still replicating from .* after 50s \(timeout 50s\)"):
        dr_failover.step_wait(run)
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        f"[step 3/5] waited {waited} of 50s: {REPLICA} is available, still replicating from {outputs_source(outputs)}"
        for waited in ("0s", "15s", "30s", "45s")
    ]
    assert clock.sleeps == [15, 15, 15, 5] and max(clock.sleeps) <= dr_failover.POLL_SECONDS


def test_wait_ends_when_the_promotion_cuts_replication(
    aws: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, replica, _ = seed_prod(tmp_path)
    clock = FakeClock()
    real_source = dr_failover.replica_source
    monkeypatch.setattr(dr_failover, "replica_source", lambda i: None if clock.now >= 30 else real_source(i))
    run = waiting_run(json.loads(outputs.read_text()), timedelta(minutes=10), clock)
    assert dr_failover.step_wait(run) == f"{REPLICA} is available and writable at {replica['Endpoint']['Address']}"
    progress = [line for line in capsys.readouterr().out.splitlines() if "waited" in line]
    assert [line.split(" of ")[0].strip() for line in progress] == ["[step 3/5] waited 0s", "[step 3/5] waited 15s"]
    assert all("of 10m00s" in line for line in progress)


def test_wait_gives_up_at_once_on_an_instance_that_cannot_recover(aws: str, tmp_path: Path) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    clock = FakeClock()
    run = waiting_run(json.loads(outputs.read_text()), timedelta(hours=1), clock)
    run.state["target"]["identifier"] = "no-such-instance"
    with pytest.raises(dr_failover.StepFailed, match="no-such-instance is absent in us-west-2"):
        dr_failover.step_wait(run)
    assert clock.sleeps == []


class _Raw:
    """The raw HTTP body botocore reads an AWSResponse from."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


ACCESS_DENIED = (
    b'<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error>'
    b"<Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:user/moto is not "
    b"authorized to perform: route53:ChangeResourceRecordSets</Message></Error><RequestId>1</RequestId>"
    b"</ErrorResponse>"
)


def denying_route53(real_client: Any) -> Any:
    """Clients whose ChangeResourceRecordSets meets a real AccessDenied response (moto cannot deny)."""

    def client(service: str, region: str) -> Any:
        made = real_client(service, region)
        made.meta.events.register(
            "before-send.route-53.ChangeResourceRecordSets",
            lambda request, **_: AWSResponse(request.url, 403, {}, _Raw(ACCESS_DENIED)),
        )
        return made

    return client


def test_access_denied_at_a_step_exits_2_naming_the_step_and_keeps_the_progress(
    aws: str, tmp_path: Path, promotion_clears_source: list[str], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, _, zone_id = seed_prod(tmp_path)
    monkeypatch.setattr(failover_dns, "aws_client", denying_route53(failover_dns.aws_client))
    assert main(failover(outputs, *execute(), state=tmp_path / "s.json")) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: step 4/5 (Point the database DNS record at it): access denied")
    assert "AccessDenied" in error and len(error.strip().splitlines()) == 1
    recorded = stored(STATE_KEY) or {}
    assert recorded["failedStep"] == 4 and sorted(recorded["steps"]) == ["1", "2", "3"]
    assert stored(LOCK_KEY) is None and cname(zone_id) == []
