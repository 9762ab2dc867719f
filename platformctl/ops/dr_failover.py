"""The regional failover runbook, as code (`platformctl dr failover`).

Steps, each printed before it acts: (1) find the DR replica, (2) promote it (no replica: restore the newest
DR snapshot instead), (3) wait until it is available and writable, (4) point the `db.<zone>` CNAME at it,
(5) print the post-failover checklist. A dry run (the default) reads but changes nothing. An execution records
each step in its state once done (failover_session: under the stack's lock, in the DR-region failover bucket)
and skips the recorded ones when resumed; a step also checks AWS for what is already done, for a run killed
between acting and recording. Exit status: 0 done, 1 a step failed (resume by re-running), 2 bad usage or a
broken environment.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..exit_codes import ExitCode
from .failover_dns import step_checklist, step_dns
from .failover_errors import InfrastructureError, infra_cause, one_line
from .failover_state import RESTORE_SUFFIX
from .outputs import aws_client
from .rds_snapshots import CREATED_BY, newest_snapshot

FAILOVER_TAG = "dr-failover"
POLL_SECONDS = 15  # also how often a wait prints its progress
# Statuses an instance does not leave by itself: waiting out the timeout would only waste the RTO budget.
HOPELESS = frozenset(
    {
        "deleting",
        "failed",
        "inaccessible-encryption-credentials",
        "incompatible-network",
        "incompatible-parameters",
        "incompatible-restore",
        "restore-error",
        "storage-full",
    }
)
STEPS = (
    "Find the DR replica",
    "Promote it (or restore the newest DR snapshot)",
    "Wait until available and writable",
    "Point the database DNS record at it",
    "Post-failover checklist",
)


class StepFailed(Exception):
    """A step could not complete; the run stops and can be resumed from this step."""


def replica_source(instance: dict[str, Any]) -> str | None:
    """The instance it still replicates from; None once it is a standalone, writable instance."""
    return instance.get("ReadReplicaSourceDBInstanceIdentifier") or None


def _no_record(state: dict[str, Any]) -> None:
    """A dry run records nothing."""


@dataclass
class Failover:
    stack: str
    outputs: dict[str, Any]
    execute: bool
    timeout: timedelta
    state: dict[str, Any] = field(default_factory=dict)
    rds: Any = None
    record: Callable[[dict[str, Any]], None] = _no_record
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    @property
    def verb(self) -> str:
        return "" if self.execute else "would "

    def describe(self, identifier: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError

        try:
            return self.rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
                return None
            raise


def step_find(run: Failover) -> str:
    replica_id = run.outputs.get("databaseReplicaIdentifier")
    replica = run.describe(replica_id) if replica_id else None
    if replica:
        run.state["target"] = {"identifier": replica_id, "kind": "replica"}
        source = replica_source(replica)
        role = f"replicating from {source}" if source else "already standalone (promoted)"
        return f"replica {replica_id} found in {run.outputs['drRegion']}: {replica['DBInstanceStatus']}, {role}"
    restored_id = f"{run.outputs['databaseIdentifier']}{RESTORE_SUFFIX}"
    run.state["target"] = {"identifier": restored_id, "kind": "restore"}
    if run.describe(restored_id):
        return f"no replica; {restored_id} (restored by an earlier run) found"
    snapshot = newest_snapshot(run.rds, [i for i in (replica_id, run.outputs["databaseIdentifier"]) if i])
    if snapshot is None:
        raise StepFailed(
            f"no DR replica ({replica_id or 'none in the outputs'}) and no snapshot of the database "
            f"in {run.outputs['drRegion']}: nothing to fail over to"
        )
    run.state["target"]["snapshot"] = snapshot["DBSnapshotIdentifier"]
    return f"no replica; will restore snapshot {snapshot['DBSnapshotIdentifier']} as {restored_id}"


def step_promote(run: Failover) -> str:
    target = run.state["target"]
    instance = run.describe(target["identifier"])
    if target["kind"] == "restore":
        if instance:
            return f"skip: {target['identifier']} already exists"
        print(
            f"  {run.verb}restore snapshot {target['snapshot']} into {target['identifier']} "
            f"({run.outputs['drRegion']}, tagged {CREATED_BY}={FAILOVER_TAG})"
        )
        if run.execute:
            run.rds.restore_db_instance_from_db_snapshot(
                DBInstanceIdentifier=target["identifier"],
                DBSnapshotIdentifier=target["snapshot"],
                PubliclyAccessible=False,
                Tags=[{"Key": CREATED_BY, "Value": FAILOVER_TAG}],
            )
        return f"{run.verb}restore {target['identifier']}"
    if instance is None or not replica_source(instance):
        return f"skip: {target['identifier']} is already promoted"
    if run.state.get("promoteRequestedAt"):  # promotion in progress: a second request would be refused
        return f"skip: promotion requested at {run.state['promoteRequestedAt']}, step 3 waits for it"
    print(
        f"  {run.verb}promote read replica {target['identifier']} in {run.outputs['drRegion']} "
        f"(stops replication from {replica_source(instance)}; irreversible)"
    )
    if run.execute:
        run.rds.promote_read_replica(DBInstanceIdentifier=target["identifier"])
        run.state["promoteRequestedAt"] = datetime.now(UTC).isoformat()
    return f"{run.verb}promote {target['identifier']}"


def step_wait(run: Failover) -> str:
    identifier = run.state["target"]["identifier"]
    limit = run.timeout.total_seconds()
    if not run.execute:
        return f"would wait up to {clock_text(limit)} for {identifier}: available, no source"
    started = run.clock()
    while True:  # available comes before the promotion has cut replication: writable is the real condition
        instance = run.describe(identifier)
        status = (instance or {}).get("DBInstanceStatus", "absent")
        source = replica_source(instance) if instance else None
        if instance and status == "available" and not source:
            endpoint = instance["Endpoint"]["Address"]
            run.state["target"]["endpoint"] = endpoint
            return f"{identifier} is available and writable at {endpoint}"
        if instance is None or status in HOPELESS:
            raise StepFailed(f"{identifier} is {status} in {run.outputs['drRegion']}: it will not become available")
        waited = run.clock() - started
        detail = f"{identifier} is {status}" + (f", still replicating from {source}" if source else "")
        if waited >= limit:
            raise StepFailed(f"{detail} after {clock_text(waited)} (timeout {clock_text(limit)})")
        print(f"  [step 3/{len(STEPS)}] waited {clock_text(waited)} of {clock_text(limit)}: {detail}", flush=True)
        run.sleep(min(POLL_SECONDS, limit - waited))


def clock_text(seconds: float) -> str:
    whole = round(seconds)
    hours, minutes, rest = whole // 3600, whole % 3600 // 60, whole % 60
    return f"{hours}h{minutes:02d}m{rest:02d}s" if hours else f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def run_steps(run: Failover) -> ExitCode:
    from botocore.exceptions import BotoCoreError, ClientError

    previous = run.state.get("failedStep")
    if previous:
        print(f"resuming: the last run stopped at step {previous} ({run.state.get('error')}); done steps are skipped")
    steps = (step_find, step_promote, step_wait, step_dns, step_checklist)
    for number, (title, step) in enumerate(zip(STEPS, steps, strict=True), start=1):
        print(f"[step {number}/{len(STEPS)}] {title}", flush=True)
        done = run.state.get("steps", {}).get(str(number))
        if done:
            print(f"  -> skip: done at {done['at']} ({done['outcome']})")
            continue
        try:
            outcome = step(run)
            run.state.setdefault("steps", {})[str(number)] = {
                "title": title,
                "outcome": outcome,
                "at": datetime.now(UTC).isoformat(),
            }
            run.record(run.state)
        except (StepFailed, BotoCoreError, ClientError) as error:
            return _failed(run, number, title, error)
        print(f"  -> {outcome}", flush=True)
    run.state.update(failedStep=None, error=None, completedAt=datetime.now(UTC).isoformat())
    run.record(run.state)
    print(
        "failover complete"
        if run.execute
        else f"dry run: nothing was changed; add --execute --confirm {run.stack} --reason TEXT to act"
    )
    return ExitCode.OK


def _failed(run: Failover, number: int, title: str, error: Exception) -> ExitCode:
    from botocore.exceptions import BotoCoreError, ClientError

    cause = infra_cause(error)
    run.state.update(failedStep=number, error=cause or str(error))
    try:
        run.record(run.state)
    except (BotoCoreError, ClientError) as unrecorded:
        print(f"  (this failure is not recorded: {one_line(unrecorded)})")
    if cause:
        raise InfrastructureError(
            f"step {number}/{len(STEPS)} ({title}): {cause}; fix that and re-run the same command to resume"
        )
    print(f"  FAILED: {error}")
    print(
        f"Resume from step {number}: fix the cause and re-run the same command (from any machine: the progress "
        "is in the failover bucket); completed steps are skipped."
    )
    return ExitCode.FINDINGS


def prepare(stack: str, outputs: dict[str, Any], execute: bool, state: dict[str, Any], timeout: timedelta) -> Failover:
    """A run over `state` (the progress to resume; {} for a fresh start) with an RDS client in the DR region."""
    return Failover(stack, outputs, execute, timeout, state=state, rds=aws_client("rds", outputs["drRegion"]))
