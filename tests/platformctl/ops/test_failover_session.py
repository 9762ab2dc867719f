"""`dr failover` checks its destinations and flags before step 1, and sizes its wait from the RTO (moto server)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from platform_core.tiers import facts_for
from platformctl.cli import main
from platformctl.ops import failover_session, failover_store
from platformctl.ops.failover_session import Request
from tests.platformctl.ops.failover_stack import (
    FAILOVER_BUCKET,
    LOCK_KEY,
    REASON,
    STATE_KEY,
    execute,
    failover,
    s3,
    seed_failover_bucket,
    seed_prod,
    stored,
)
from tests.platformctl.ops.rds_stack import DB, DR_REGION, PRIMARY, REPLICA, cli, write_outputs

SOURCE = f"arn:aws:rds:us-east-1:123456789012:db:{DB}"
EXECUTE = ("--execute", "--confirm", "prod", "--reason", REASON)
PRIMARY_STATE_BUCKET = f"platform-pulumi-state-123456789012-{PRIMARY}"


@pytest.fixture(autouse=True)
def no_backend_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)


def bad(result: Any, named: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1 and named in result.stderr, result.stderr


def test_missing_state_directory_exits_2_before_any_aws_call(
    aws: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)
    clients: list[Any] = []

    def no_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        clients.append(args)
        raise RuntimeError("an AWS client was made")

    monkeypatch.setattr(boto3.session.Session, "client", no_client)
    state = tmp_path / "missing" / "s.json"
    assert main(failover(outputs, *execute(), state=state)) == 2
    assert capsys.readouterr().err.startswith(f"error: --state {state}: directory {state.parent} does not exist")
    assert clients == []


@pytest.mark.parametrize(
    ("state", "named"),
    [
        ("missing/s.json", "directory missing does not exist"),
        ("/sys/dr-failover.json", "directory /sys is not writable"),  # sysfs refuses new files, even to root
        (".", "is a directory"),
    ],
)
def test_unusable_state_file_is_bad_input(aws: str, tmp_path: Path, state: str, named: str) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)
    bad(cli(*failover(outputs, *execute(), "--state", state), cwd=tmp_path), named)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        ((*EXECUTE, "--state-bucket", "gs://state"), "--state-bucket 'gs://state': not an S3 location"),
        (
            (*EXECUTE, "--state-bucket", "no-such-bucket-x"),
            "--state-bucket 'no-such-bucket-x' (us-west-2) does not exist",
        ),
        (("--execute", "--confirm", "prod"), "--execute needs --reason TEXT"),
        (("--execute", "--confirm", "prod", "--reason", "  "), "--execute needs --reason TEXT"),
        (("--execute", "--dry-run"), "--execute and --dry-run exclude each other"),
        (("--timeout-minutes", "-1"), "--timeout-minutes -1: must be a number of minutes, 0 or more"),
        (("--timeout-minutes", "nan"), "--timeout-minutes nan: must be a number of minutes, 0 or more"),
    ],
)
def test_bad_failover_usage(aws: str, tmp_path: Path, argv: tuple[str, ...], named: str) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)
    bad(cli(*failover(outputs, *argv), cwd=tmp_path), named)


def test_a_missing_failover_bucket_exits_2_naming_it_and_the_bootstrap_step(aws: str, tmp_path: Path) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)  # no bucket: bootstrap/ has not created it
    result = cli(*failover(outputs, *execute()), cwd=tmp_path)
    bad(result, f"error: the DR-region failover bucket '{FAILOVER_BUCKET}' (us-west-2) does not exist")
    assert "`pulumi up` in bootstrap/ with bootstrap:drRegion set to us-west-2" in result.stderr
    assert "failoverBucket" in result.stderr and "[step 1/5]" not in result.stdout


def test_bad_stack_name_is_bad_input(aws: str, tmp_path: Path) -> None:
    result = cli("dr", "failover", "--stack", "acme/platform/prod", "--outputs", "o.json", cwd=tmp_path)
    bad(result, "--stack 'acme/platform/prod'")


def test_no_credentials_exit_2_naming_the_cause_before_step_1(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    result = cli(*failover(outputs, *execute()), cwd=tmp_path)
    bad(result, f"error: before step 1 (checking the failover bucket {FAILOVER_BUCKET} in us-west-2): ")
    assert "no usable AWS credentials (NoCredentialsError" in result.stderr and "[step 1/5]" not in result.stdout


def seed_shared_state(started: datetime) -> None:
    identity = {
        "stack": "prod",
        "source": SOURCE,
        "target": f"arn:aws:rds:us-west-2:123456789012:db:{REPLICA}",
        "targetKind": "replica",
        "region": "us-west-2",
    }
    state = {"stack": "prod", "failover": identity, "startedAt": started.isoformat()}
    s3().put_object(Bucket=FAILOVER_BUCKET, Key=STATE_KEY, Body=json.dumps(state).encode())


def test_spent_rto_budget_is_said_and_step_3_checks_once(aws: str, tmp_path: Path) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    seed_shared_state(datetime.now(UTC) - timedelta(hours=5))  # prod's RTO is 4 h
    result = cli(*failover(outputs, *execute(timeout_minutes=None)), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "RTO budget spent: tier prod's RTO is 4h00m00s and this failover started at" in result.stdout
    assert "(5h00m" in result.stdout and "after 0s (timeout 0s)" in result.stdout
    assert (stored(STATE_KEY) or {})["startedAt"] < datetime.now(UTC).isoformat()


def budget_request(timeout_minutes: float | None = None) -> Request:
    return Request(
        stack="prod",
        outputs={},
        outputs_path=Path("o.json"),
        facts=facts_for("prod"),
        execute=True,
        state_path=Path("s.json"),
        state_bucket=None,
        reason="r",
        timeout_minutes=timeout_minutes,
    )


def test_default_wait_is_what_is_left_of_the_rto(capsys: Any) -> None:
    started = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    left = failover_session._budget(budget_request(), started)
    assert timedelta(hours=2, minutes=59) < left <= timedelta(hours=3)
    assert f"what is left of tier prod's RTO of 4h00m00s since the failover started at {started}" in (
        capsys.readouterr().out
    )
    assert failover_session._budget(budget_request(7.5), started) == timedelta(minutes=7.5)  # explicit wins


def test_execute_keeps_its_lock_in_the_dr_region_bucket_and_never_touches_the_primary_region(
    aws: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    assert s3().get_bucket_location(Bucket=FAILOVER_BUCKET)["LocationConstraint"] == DR_REGION
    # An operator logged in to the Pulumi state bucket in the primary region: no longer a lock location.
    seed_failover_bucket(PRIMARY_STATE_BUCKET, PRIMARY)
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"s3://{PRIMARY_STATE_BUCKET}?region={PRIMARY}")
    monkeypatch.chdir(tmp_path)
    regions: list[str] = []
    real_client = failover_store.aws_client

    def client(service: str, region: str) -> Any:
        regions.append(region)
        return real_client(service, region)

    monkeypatch.setattr(failover_store, "aws_client", client)
    locks: list[Any] = []
    real_take = failover_session.take

    def take_and_look(*args: Any) -> Any:
        lock = real_take(*args)
        locks.append(stored(LOCK_KEY))  # read from the DR region's bucket while it is held
        return lock

    monkeypatch.setattr(failover_session, "take", take_and_look)
    assert main(failover(outputs, *execute())) == 1  # moto's promotion never ends; the lock is what matters
    out = capsys.readouterr().out
    assert f"lock taken: s3://{FAILOVER_BUCKET}/{LOCK_KEY}" in out
    assert [lock["reason"] for lock in locks] == [REASON] and stored(LOCK_KEY) is None  # released
    assert (stored(STATE_KEY) or {})["failedStep"] == 3
    assert regions == [DR_REGION]  # the one S3 client, made in the DR region
    assert "Contents" not in s3(PRIMARY).list_objects_v2(Bucket=PRIMARY_STATE_BUCKET)


def test_state_bucket_option_names_another_bucket_and_prefix(aws: str, tmp_path: Path) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    given = f"s3://{FAILOVER_BUCKET}/team-a?region={DR_REGION}&awssdk=v2"
    result = cli(*failover(outputs, *EXECUTE, "--timeout-minutes", "0", "--state-bucket", given), cwd=tmp_path)
    assert result.returncode == 1 and f"s3://{FAILOVER_BUCKET}/team-a/platformctl/dr-failover/prod/state.json" in (
        result.stdout
    )
    assert os.path.exists(tmp_path / "dr-failover-prod.json")
    assert stored(STATE_KEY) is None  # under the given prefix
