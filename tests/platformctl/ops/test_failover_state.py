"""A failover's state belongs to its failover: another failover's is refused, never resumed (moto server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from platformctl.ops.failover_state import Identity
from tests.platformctl.ops.failover_stack import (
    FAILOVER_BUCKET,
    LOCK_KEY,
    STATE_KEY,
    execute,
    failover,
    s3,
    seed_prod,
    stored,
)
from tests.platformctl.ops.rds_stack import DB, REPLICA, cli, instance_ids, write_outputs

SOURCE = f"arn:aws:rds:us-east-1:123456789012:db:{DB}"


@pytest.fixture(autouse=True)
def no_backend_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)


def other_failover(**changes: str) -> dict[str, Any]:
    identity = {
        "stack": "prod",
        "source": SOURCE,
        "target": f"arn:aws:rds:us-west-2:123456789012:db:{REPLICA}",
        "targetKind": "replica",
        "region": "us-west-2",
        **changes,
    }
    return {
        "stack": "prod",
        "failover": identity,
        "startedAt": "2030-01-01T00:00:00+00:00",
        "steps": {
            "1": {"title": "t", "outcome": "o", "at": "x"},
            "2": {"title": "t", "outcome": "promoted", "at": "x"},
        },
        "target": {"identifier": "old-replica", "kind": "replica"},
        "failedStep": 3,
    }


def test_identity_comes_from_the_outputs_alone(tmp_path: Path) -> None:
    outputs = {"databaseArn": SOURCE, "drRegion": "eu-west-1", "databaseIdentifier": DB}
    replica = Identity.from_outputs("prod", {**outputs, "databaseReplicaIdentifier": "r"}, tmp_path)
    assert replica.as_dict() == {
        "stack": "prod",
        "source": SOURCE,
        "target": "arn:aws:rds:eu-west-1:123456789012:db:r",
        "targetKind": "replica",
        "region": "eu-west-1",
    }
    restore = Identity.from_outputs("prod", outputs, tmp_path)
    assert (restore.target, restore.target_kind) == (
        f"arn:aws:rds:eu-west-1:123456789012:db:{DB}-dr-restore",
        "restore",
    )


def test_shared_state_of_another_replica_is_refused_naming_both(aws: str, tmp_path: Path) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    theirs = "arn:aws:rds:us-west-2:123456789012:db:old-replica"
    s3().put_object(Bucket=FAILOVER_BUCKET, Key=STATE_KEY, Body=json.dumps(other_failover(target=theirs)).encode())
    result = cli(*failover(outputs, *execute()), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: s3://{FAILOVER_BUCKET}/{STATE_KEY} records another failover")
    assert theirs in first and f"arn:aws:rds:us-west-2:123456789012:db:{REPLICA}" in first
    assert "aws s3 mv" in first
    assert stored(STATE_KEY) == other_failover(target=theirs)  # nothing recorded over it
    assert stored(LOCK_KEY) is None  # refused, and the lock released


@pytest.mark.parametrize(
    "changes",
    [{"source": "arn:aws:rds:us-east-1:123456789012:db:legacy-db"}, {"region": "eu-west-1"}, {"stack": "prod2"}],
)
def test_local_state_of_another_failover_is_refused_before_any_aws_call(
    aws: str, tmp_path: Path, changes: dict[str, str]
) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)
    state = tmp_path / "s.json"
    state.write_text(json.dumps(other_failover(**changes)))
    # No database, zone or bucket exists: a run that got past the check would fail on AWS instead.
    result = cli(*failover(outputs, *execute(), state=state), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"error: --state {state} records another failover" in result.stderr
    assert next(iter(changes.values())) in result.stderr and f"move {state} away" in result.stderr
    assert instance_ids("us-west-2") == []


def test_state_without_an_identity_is_refused(aws: str, tmp_path: Path) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)
    state = tmp_path / "s.json"
    state.write_text(json.dumps({"stack": "prod", "steps": {"2": {"outcome": "promoted"}}}))
    result = cli(*failover(outputs, *execute(), state=state), cwd=tmp_path)
    assert result.returncode == 2 and "written by an older platformctl" in result.stderr


@pytest.mark.parametrize(("content", "named"), [("{not json", "not a failover state"), ("[1, 2]", "a JSON list")])
def test_unreadable_local_state_is_bad_input(aws: str, tmp_path: Path, content: str, named: str) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn=SOURCE)
    state = tmp_path / "s.json"
    state.write_text(content)
    result = cli(*failover(outputs, *execute(), state=state), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--state {state}" in result.stderr and named in result.stderr


def test_malformed_database_arn_is_bad_input(aws: str, tmp_path: Path) -> None:
    outputs = write_outputs(tmp_path / "o.json", databaseArn="platform-prod-db")
    result = cli(*failover(outputs), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--outputs {outputs}: databaseArn 'platform-prod-db' is not an RDS instance ARN" in result.stderr


def test_outputs_without_database_arn_are_bad_input(aws: str, tmp_path: Path) -> None:
    outputs = write_outputs(tmp_path / "o.json")
    result = cli(*failover(outputs), cwd=tmp_path)
    assert result.returncode == 2 and "missing stack output(s) databaseArn" in result.stderr
