"""The regional failover runbook, as code (`platformctl dr failover`).

Steps, each printed before it acts: (1) find the DR replica, (2) promote it (no replica: restore the newest
DR snapshot instead), (3) wait until it is available and writable, (4) point the `db.<zone>` CNAME at it,
(5) print the post-failover checklist. A dry run (the default) reads but changes nothing; `--execute`
needs `--confirm <stack>`. Every step checks what is already done, so re-running after a failure resumes;
progress goes to a state file. Exit status: 0 done, 1 a step failed (resume by re-running), 2 bad usage.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

from ..exit_codes import ExitCode
from .outputs import aws_client
from .rds_snapshots import CREATED_BY, newest_snapshot

FAILOVER_TAG = "dr-failover"
POLL_SECONDS = 15
RECORD_TTL = 60  # short, so clients follow a later failback quickly
ROUTE53_REGION = "us-east-1"  # Route 53 is global; its control plane answers in us-east-1
CHECKLIST = (
    "Point the applications' database secret/config at the new endpoint if they do not use db.<zone>.",
    "Check the application health checks and the 5xx / latency alarms in the DR region.",
    "Re-enable alarms and backups for the promoted instance (AWS Backup selection, replica-lag alarm is obsolete).",
    "Freeze deploys to the failed region; record the failover in the incident (time, RPO: replica lag at promote).",
    "Plan failback: a new replica of the promoted instance in the primary region, then the reverse runbook.",
    "No `pulumi up` of this stack until its config matches reality: the program still declares the old primary "
    "and a replica, and would fight the failover.",
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


@dataclass
class Failover:
    stack: str
    outputs: dict[str, Any]
    execute: bool
    state_path: Path
    timeout: timedelta
    state: dict[str, Any] = field(default_factory=dict)
    rds: Any = None

    @property
    def verb(self) -> str:
        return "" if self.execute else "would "

    def save(self) -> None:
        if self.execute:  # a dry run touches nothing, not even the state file
            self.state["updatedAt"] = datetime.now(UTC).isoformat()
            self.state_path.write_text(json.dumps(self.state, indent=2) + "\n", encoding="utf-8")

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
    restored_id = f"{run.outputs['databaseIdentifier']}-dr-restore"
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
    if not run.execute:
        return f"would wait up to {run.timeout.total_seconds() / 60:g} min for {identifier}: available, no source"
    deadline = time.monotonic() + run.timeout.total_seconds()
    attempts = max(1, int(run.timeout.total_seconds() // POLL_SECONDS))
    run.rds.get_waiter("db_instance_available").wait(
        DBInstanceIdentifier=identifier, WaiterConfig={"Delay": POLL_SECONDS, "MaxAttempts": attempts}
    )
    while True:  # available comes before the promotion has cut replication: writable is the real condition
        instance = run.describe(identifier) or {}
        source = replica_source(instance)
        if instance.get("DBInstanceStatus") == "available" and not source:
            endpoint = instance["Endpoint"]["Address"]
            run.state["target"]["endpoint"] = endpoint
            return f"{identifier} is available and writable at {endpoint}"
        if time.monotonic() >= deadline:
            raise StepFailed(
                f"{identifier} is {instance.get('DBInstanceStatus')}, still replicating from {source} "
                f"after {run.timeout.total_seconds() / 60:g} min"
            )
        time.sleep(POLL_SECONDS)


def step_dns(run: Failover) -> str:
    route53 = aws_client("route53", ROUTE53_REGION)
    zone_id = run.outputs["hostedZoneId"]
    zone = route53.get_hosted_zone(Id=zone_id)["HostedZone"]
    record = f"db.{zone['Name'].rstrip('.')}."
    endpoint = run.state["target"].get("endpoint") or _endpoint(run)
    found = route53.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=record, StartRecordType="CNAME", MaxItems="1"
    )["ResourceRecordSets"]
    current = [
        r["Value"] for s in found if s["Name"] == record and s["Type"] == "CNAME" for r in s.get("ResourceRecords", [])
    ]
    if [v.rstrip(".").lower() for v in current] == [endpoint.rstrip(".").lower()]:
        return f"skip: {record} already points at {endpoint}"
    print(
        f"  {run.verb}UPSERT {record} CNAME {endpoint} (TTL {RECORD_TTL}) in zone {zone_id}; "
        f"was {', '.join(current) or 'absent'}"
    )
    if run.execute:
        route53.change_resource_record_sets(
            HostedZoneId=zone_id,
            ChangeBatch={
                "Comment": f"platformctl dr failover {run.stack}",
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": record,
                            "Type": "CNAME",
                            "TTL": RECORD_TTL,
                            "ResourceRecords": [{"Value": endpoint}],
                        },
                    }
                ],
            },
        )
    return f"{run.verb}point {record} at {endpoint}"


def _endpoint(run: Failover) -> str:
    instance = run.describe(run.state["target"]["identifier"]) or {}
    address = (instance.get("Endpoint") or {}).get("Address")
    return address or f"<endpoint of {run.state['target']['identifier']} once restored>"


def step_checklist(run: Failover) -> str:
    for number, item in enumerate(CHECKLIST, start=1):
        print(f"  [ ] {number}. {item}")
    return "checklist printed"


def run_steps(run: Failover) -> ExitCode:
    from botocore.exceptions import BotoCoreError, ClientError

    previous = run.state.get("failedStep")
    if previous:
        print(f"resuming: the last run stopped at step {previous} ({run.state.get('error')}); done steps are skipped")
    for number, (title, step) in enumerate(
        zip(STEPS, (step_find, step_promote, step_wait, step_dns, step_checklist), strict=True), start=1
    ):
        print(f"[step {number}/{len(STEPS)}] {title}")
        try:
            outcome = step(run)
        except (StepFailed, BotoCoreError, ClientError) as error:
            run.state.update(failedStep=number, error=str(error))
            run.save()
            print(f"  FAILED: {error}")
            print(
                f"Resume from step {number}: fix the cause and re-run the same command; completed steps are "
                f"detected and skipped (progress in {run.state_path})."
            )
            return ExitCode.FINDINGS
        print(f"  -> {outcome}")
        run.state.setdefault("steps", {})[str(number)] = {
            "title": title,
            "outcome": outcome,
            "at": datetime.now(UTC).isoformat(),
        }
        run.save()
    run.state.update(failedStep=None, error=None, completedAt=datetime.now(UTC).isoformat())
    run.save()
    print(
        "failover complete"
        if run.execute
        else f"dry run: nothing was changed; add --execute --confirm {run.stack} to act"
    )
    return ExitCode.OK


def prepare(stack: str, outputs: dict[str, Any], execute: bool, state_path: Path, timeout: timedelta) -> Failover:
    """A run that resumes the progress recorded in `state_path` (an execution's only: a dry run records none)."""
    state = load_state(state_path, stack) if execute else {}
    return Failover(
        stack,
        outputs,
        execute,
        state_path,
        timeout,
        state=state or {"stack": stack, "startedAt": datetime.now(UTC).isoformat()},
        rds=aws_client("rds", outputs["drRegion"]),
    )


def load_state(path: Path, stack: str) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise UsageError(f"--state {path}: unreadable ({error}); move it away to start over") from None
    if state.get("stack") != stack:
        raise UsageError(f"--state {path} belongs to stack {state.get('stack')!r}, not {stack!r}")
    if state.get("completedAt"):  # a finished failover's progress must not make a later one skip its promotion
        print(f"state {path}: the failover recorded there completed at {state['completedAt']}; starting afresh")
        return {}
    return state
