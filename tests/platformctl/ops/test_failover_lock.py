"""One `dr failover --execute` at a time per stack: the lock in the failover bucket (moto server, conftest.py)."""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from platformctl.cli import main
from platformctl.ops import dr_failover, failover_session
from platformctl.ops.failover_lock import Holder, take
from platformctl.ops.failover_store import SharedStore, locate
from tests.platformctl.ops.failover_stack import (
    ACCOUNT,
    FAILOVER_BUCKET,
    LOCK_KEY,
    STATE_KEY,
    emulate_promotion,
    execute,
    failover,
    s3,
    seed_failover_bucket,
    seed_prod,
    start_cli,
    stored,
)
from tests.platformctl.ops.rds_stack import DB, DR_REGION, REPLICA, cli, write_outputs

BREAK = ("--break-lock", "--confirm", "prod")  # the bucket comes from the outputs, as for --execute


@pytest.fixture(autouse=True)
def no_backend_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)


def test_two_concurrent_executions_one_proceeds_the_other_is_refused_naming_the_holder(
    aws: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    promoted = emulate_promotion(monkeypatch)
    refused = threading.Event()
    real_take = failover_session.take

    def take_and_hold(*args: Any) -> Any:
        lock = real_take(*args)  # the run that loses the race raises here
        refused.wait(timeout=30)  # the winner keeps the lock until the other run has tried
        return lock

    monkeypatch.setattr(failover_session, "take", take_and_hold)
    start = threading.Barrier(2)

    def operator(name: str) -> int:
        start.wait()
        try:
            return main(failover(outputs, *execute(f"outage, run by {name}"), state=tmp_path / f"{name}.json"))
        finally:
            refused.set()  # set by the loser as it gives up; the winner only gets here when it is done

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(operator, name) for name in ("alice", "bob")}
        codes = {name: future.result(timeout=120) for name, future in futures.items()}
    assert sorted(codes.values()) == [0, 3], codes
    winner = next(name for name, code in codes.items() if code == 0)
    err = capsys.readouterr().err
    assert err.count("refused: another failover run holds the lock") == 1
    assert f"reason: 'outage, run by {winner}'" in err and "arn:aws:sts::123456789012:user/moto" in err
    assert "--break-lock --confirm prod" in err
    assert promoted == [REPLICA]  # promoted once, by the winner
    assert [run["reason"] for run in (stored(STATE_KEY) or {})["runs"]] == [f"outage, run by {winner}"]
    assert stored(LOCK_KEY) is None


def test_a_killed_run_keeps_the_lock_until_it_is_broken(aws: str, tmp_path: Path) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    # moto never ends the promotion, so step 3 waits: kill the run there, as an operator's laptop might die.
    run = start_cli(*failover(outputs, *execute("killed run", timeout_minutes="1")), cwd=tmp_path)
    assert run.stdout is not None
    seen = []
    for line in run.stdout:
        seen.append(line)
        if "[step 3/5] waited" in line:
            run.send_signal(signal.SIGKILL)
            break
    assert run.wait(timeout=30) == -signal.SIGKILL, "".join(seen)
    assert (stored(LOCK_KEY) or {})["reason"] == "killed run"

    second = cli(*failover(outputs, *execute("second try")), cwd=tmp_path)
    assert second.returncode == 3 and "Traceback" not in second.stderr
    assert "holds the lock" in second.stderr and "reason: 'killed run'" in second.stderr
    assert stored(LOCK_KEY) is not None  # a refused run leaves the holder's lock alone

    broken = cli(*failover(outputs, *BREAK), cwd=tmp_path)
    assert broken.returncode == 0, broken.stderr
    assert f"broke the lock s3://{FAILOVER_BUCKET}/{LOCK_KEY}" in broken.stdout and "'killed run'" in broken.stdout
    assert stored(LOCK_KEY) is None

    third = cli(*failover(outputs, *execute("after breaking")), cwd=tmp_path)
    assert third.returncode == 1  # moto's promotion still never ends; what matters is the resume
    assert "resuming" not in third.stdout  # the killed run failed no step: it just stopped
    assert third.stdout.count("-> skip: done at") == 2 and "promote read replica" not in third.stdout


def test_break_lock_with_no_lock_says_so_in_the_bucket_given(aws: str, tmp_path: Path) -> None:
    seed_failover_bucket("other-locks")
    outputs = write_outputs(tmp_path / "o.json", databaseArn=f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{DB}")
    result = cli(*failover(outputs, *BREAK, "--state-bucket", "other-locks"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"no lock at s3://other-locks/{LOCK_KEY}: nothing to break" in result.stdout


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (("--break-lock", "--state-bucket", FAILOVER_BUCKET), "--confirm prod"),
        (("--break-lock", "--confirm", "staging", "--state-bucket", FAILOVER_BUCKET), "'staging'"),
        (("--break-lock", "--confirm", "prod", "--execute", "--state-bucket", FAILOVER_BUCKET), "--break-lock"),
        (("--break-lock", "--confirm", "prod"), "o.json: cannot read the stack outputs"),
    ],
)
def test_break_lock_bad_usage(aws: str, tmp_path: Path, extra: tuple[str, ...], named: str) -> None:
    result = cli(*failover(tmp_path / "o.json", *extra), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and named in result.stderr


def test_a_run_whose_lock_was_broken_stops_at_its_next_write(
    aws: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs, _, _ = seed_prod(tmp_path)
    real_find = dr_failover.step_find

    def find_then_lose_the_lock(run: Any) -> str:
        # Meanwhile an operator broke the lock of this (slow, not dead) run and another run recorded progress.
        assert main(failover(outputs, *BREAK)) == 0
        s3().put_object(Bucket=FAILOVER_BUCKET, Key=STATE_KEY, Body=b'{"by": "another run"}')
        return real_find(run)

    monkeypatch.setattr(dr_failover, "step_find", find_then_lose_the_lock)
    assert main(failover(outputs, *execute(), state=tmp_path / "s.json")) == 3
    captured = capsys.readouterr()
    assert "changed under this run" in captured.err and "[step 2/5]" not in captured.out
    assert stored(STATE_KEY) == {"by": "another run"}  # the other run's progress stands


def test_take_reads_back_what_it_wrote(aws: str) -> None:
    seed_failover_bucket()
    store = SharedStore(locate(None, ACCOUNT, DR_REGION), "prod")
    lock = take(store, Holder("alice@laptop", "arn:aws:sts::123456789012:user/alice", "INC-1", {}), "hint")
    body, etag = store.read(LOCK_KEY)
    assert etag == lock.etag and b'"who": "alice@laptop"' in (body or b"")
