"""One `dr failover` run around the steps: check the destinations, take the lock, pick the state, release.

Order matters: everything that can be checked without AWS (the outputs, the identity, the `--state` file and
its directory, a local state from another failover, `--state-bucket`) is checked first, so a mistake exits 2
before any call; then the failover bucket (in the DR region: failover_store) and the caller, then the lock; the
state is read only under the lock.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from platform_core.errors import UsageError
from platform_core.tiers import TierFacts

from ..exit_codes import ExitCode
from .dr_failover import clock_text, prepare, run_steps
from .failover_errors import InfrastructureError, one_line
from .failover_lock import Holder, LockHeld, break_lock, describe, operator, release, take
from .failover_state import Book, Identity, Superseded, accept, check_state_path, fresh, load_local, parse
from .failover_store import Location, SharedStore, locate
from .outputs import aws_client

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    stack: str
    outputs: dict[str, Any]
    outputs_path: Path
    facts: TierFacts
    execute: bool
    state_path: Path
    state_bucket: str | None  # --state-bucket; None: the DR-region failover bucket of the outputs' account
    reason: str
    timeout_minutes: float | None

    def break_hint(self) -> str:
        bucket = f" --state-bucket {shlex.quote(self.state_bucket)}" if self.state_bucket else ""
        return (
            f"platformctl dr failover --stack {self.stack} --outputs {self.outputs_path} --break-lock "
            f"--confirm {self.stack}{bucket}"
        )


def run_failover(request: Request) -> ExitCode:
    identity = Identity.from_outputs(request.stack, request.outputs, request.outputs_path)
    check_state_path(request.state_path)
    where = f"--state {request.state_path}"
    local = accept(load_local(request.state_path), identity, where, f"move {request.state_path} away")
    location = locate(request.state_bucket, identity.account, identity.region)
    mode = "EXECUTING" if request.execute else "DRY RUN (nothing is changed)"
    print(f"{mode}: failover of stack {request.stack} to {request.outputs['drRegion']}", flush=True)
    if not request.execute:
        _peek(SharedStore(location, request.stack))
        return run_steps(prepare(request.stack, request.outputs, False, {}, _budget(request, None)))
    store = SharedStore(location, request.stack)
    before_step_1(_checking(location), store.check)
    caller = before_step_1("asking STS who runs this", lambda: _caller(request.outputs["drRegion"]))
    holder = Holder(operator(), caller, request.reason, identity.as_dict())
    try:
        lock = before_step_1("taking the lock", lambda: take(store, holder, request.break_hint()))
    except LockHeld as held:
        print(f"refused: {held}", file=sys.stderr)
        return ExitCode.REFUSED
    print(f"lock taken: {store.url(store.lock_key)} (released at the end of this run)")
    try:
        return _execute(request, identity, store, local, holder)
    except Superseded as error:
        print(f"refused: {error}", file=sys.stderr)
        return ExitCode.REFUSED
    finally:
        release(lock)


def _execute(
    request: Request, identity: Identity, store: SharedStore, local: dict[str, Any], holder: Holder
) -> ExitCode:
    body, etag = before_step_1("reading the shared state", lambda: store.read(store.state_key))
    where = store.url(store.state_key)
    shared = accept(
        None if body is None else parse(body, where), identity, where, f"move it aside: aws s3 mv {where} {where}.old"
    )
    if body is None and local:
        print(f"resuming from the local cache --state {request.state_path}: the failover bucket has none yet")
    state = (shared if body is not None else local) or fresh(identity)
    state.setdefault("runs", []).append(
        {"by": holder.who, "callerArn": holder.caller_arn, "at": holder.at, "reason": holder.reason}
    )
    book = Book(store, etag, request.state_path)
    before_step_1("recording the run in the shared state", lambda: book.save(state))
    print(f"progress: {where} (cache: {request.state_path})")
    failover = prepare(request.stack, request.outputs, True, state, _budget(request, state.get("startedAt")))
    failover.record = book.save
    return run_steps(failover)


def break_stale_lock(location: Location, stack: str) -> ExitCode:
    """`--break-lock`: remove the lock a dead run left, saying whose it was."""
    store = SharedStore(location, stack)
    before_step_1(_checking(location), store.check)
    print(before_step_1("breaking the lock", lambda: break_lock(store)))
    return ExitCode.OK


def _checking(location: Location) -> str:
    return f"checking the failover bucket {location.bucket} in {location.region}"


def before_step_1(phase: str, call: Callable[[], T]) -> T:
    """`call()`; an AWS error becomes exit 2 with one line naming the phase: nothing has changed yet."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return call()
    except (BotoCoreError, ClientError) as error:
        raise InfrastructureError(f"before step 1 ({phase}): {one_line(error)}") from None


def _caller(region: str) -> str:
    return str(aws_client("sts", region).get_caller_identity()["Arn"])


def _peek(store: SharedStore) -> None:
    """A dry run only reports what an execution would meet: the lock and any progress in the bucket.

    A bucket the execution could not use is said, not fatal: the dry run still shows every step.
    """
    try:
        before_step_1(_checking(store.location), store.check)
    except (UsageError, InfrastructureError) as error:
        print(f"warning: --execute would stop before step 1: {error}", file=sys.stderr)
        return
    lock, _ = before_step_1("reading the lock", lambda: store.read(store.lock_key))
    print(f"lock {store.url(store.lock_key)}: {'held by ' + describe(lock) if lock else 'free'}")
    body, _ = before_step_1("reading the shared state", lambda: store.read(store.state_key))
    state = parse(body, store.url(store.state_key)) if body else {}
    done = ", ".join(sorted(state.get("steps") or {}, key=str)) or "none"
    progress = (
        f"completed at {state['completedAt']}"
        if state.get("completedAt")
        else f"started at {state.get('startedAt')}, steps done: {done}, failed step: {state.get('failedStep')}"
    )
    print(f"shared state {store.url(store.state_key)}: {progress if state else 'none'}")


def _budget(request: Request, started_at: Any) -> timedelta:
    """How long step 3 may wait: --timeout-minutes, else what the failover has left of the tier's RTO.

    `started_at` None: a dry run, which has the whole RTO ahead of it.
    """
    if request.timeout_minutes is not None:
        print(f"step 3 waits up to {request.timeout_minutes:g} min (--timeout-minutes)")
        return timedelta(minutes=request.timeout_minutes)
    rto, tier = request.facts.rto, request.facts.tier.value
    if started_at is None:
        print(f"step 3 would wait up to {clock_text(rto.total_seconds())}: tier {tier}'s RTO")
        return rto
    try:
        spent = datetime.now(UTC) - datetime.fromisoformat(str(started_at))
    except (TypeError, ValueError):
        raise UsageError(f"failover state: startedAt {started_at!r} is not an ISO 8601 time with a zone") from None
    if spent >= rto:
        print(
            f"RTO budget spent: tier {tier}'s RTO is {clock_text(rto.total_seconds())} and this failover started at "
            f"{started_at} ({clock_text(spent.total_seconds())} ago); step 3 checks once and does not wait "
            "(--timeout-minutes N waits anyway)"
        )
        return timedelta(0)
    left = rto - spent
    print(
        f"step 3 waits up to {clock_text(left.total_seconds())}: what is left of tier {tier}'s RTO of "
        f"{clock_text(rto.total_seconds())} since the failover started at {started_at}"
    )
    return left
