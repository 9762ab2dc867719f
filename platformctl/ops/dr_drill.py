"""The DR drill: a non-destructive restore test, measured against the tier's RPO and RTO (platform_core.tiers).

The drill first deletes what killed drills of the stack left behind (dr_orphans), then restores the newest
recovery point (where the tier copies backups to the DR region: from there, where a regional outage leaves it)
into an isolated instance `drill-<db>-<run id>` tagged as this run's (dr_drill_run), waits until it is available,
checks it, and deletes it again (only if it carries this run's tags). dr_report writes the report;
dr_failover is the runbook for a real outage.

AWS answering "no" (nothing to restore, a restore refused, a waiter that gave up) is a finding in the report;
AWS not being usable (credentials, endpoint, permissions, throttling) is an InfrastructureError: no report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from platform_core.tiers import facts_for

from .aws_errors import InfrastructureError, is_infrastructure, one_line
from .dr_drill_run import RUN_TAG, drill_identifier, drill_tags, is_ours, new_run_id, tag_values
from .dr_orphans import Orphan, regions_of, sweep
from .dr_recovery_point import RecoveryPoint, find_recovery_point, server_time
from .outputs import aws_client

POLL_SECONDS = 15
# A drawn run id can collide with another drill's started in the same second (1 in 65536): draw again.
RUN_ID_DRAWS = 3


@dataclass
class Drill:
    stack: str
    outputs: dict[str, Any]
    started: datetime
    run_id: str = ""  # drawn from `started` unless given
    point: RecoveryPoint | None = None
    instance_id: str = ""
    restore_started: datetime | None = None
    available_at: datetime | None = None
    instance: dict[str, Any] = field(default_factory=dict)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    deleted: bool = False
    deletion: str = ""  # what RDS answered to the delete request
    restore_requested: bool = False  # from then on an instance may exist that someone must delete
    orphans: list[Orphan] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.run_id = self.run_id or new_run_id(self.started)

    @property
    def tier(self) -> str:
        return str(self.outputs["tier"])

    def targets(self) -> dict[str, tuple[timedelta, timedelta | None]]:
        """target and achieved figure per objective; achieved is None where the drill never got that far."""
        rpo = rto = None
        if self.point and self.restore_started:
            rpo = self.restore_started - self.point.time
        if self.restore_started and self.available_at:
            rto = self.available_at - self.restore_started
        facts = facts_for(self.tier)
        return {"RPO": (facts.rpo, rpo), "RTO": (facts.rto, rto)}

    @property
    def passed(self) -> bool:
        met = all(got is not None and got <= target for target, got in self.targets().values())
        return met and bool(self.checks) and all(ok for _, ok, _ in self.checks) and self.deleted


def utc_now() -> datetime:
    """The drill's start (its run id, report date and the age of orphans); one name for tests to move it."""
    return datetime.now(UTC)


def restore(drill: Drill, rds: Any) -> None:
    from botocore.exceptions import ClientError

    for draw in range(1, RUN_ID_DRAWS + 1):
        drill.instance_id = drill_identifier(str(drill.outputs["databaseIdentifier"]), drill.run_id)
        try:
            return _request_restore(drill, rds)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "DBInstanceAlreadyExists" or draw == RUN_ID_DRAWS:
                raise
            drill.run_id = new_run_id(drill.started)


def _request_restore(drill: Drill, rds: Any) -> None:
    point = drill.point
    assert point is not None
    # Isolated: private, single-AZ, no deletion protection; no security groups named, so the VPC's default group
    # (no ingress from application subnets) applies. Same subnet group as the source, where it has one.
    common: dict[str, Any] = {
        "PubliclyAccessible": False,
        "MultiAZ": False,
        "DeletionProtection": False,
        "Tags": drill_tags(drill.stack, drill.run_id),
    }
    subnet_group = _subnet_group(rds, point.instance)
    if subnet_group:
        common["DBSubnetGroupName"] = subnet_group
    # Flushed: whoever watches a drill that gets killed must have seen which instance it was creating.
    print(
        f"restoring {point.method} {point.source} into new instance {drill.instance_id} in {point.region}", flush=True
    )
    drill.restore_requested = True
    if point.method == "snapshot":
        response = rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier=drill.instance_id, DBSnapshotIdentifier=point.source, **common
        )
    else:
        response = rds.restore_db_instance_to_point_in_time(
            SourceDBInstanceIdentifier=point.source,
            TargetDBInstanceIdentifier=drill.instance_id,
            UseLatestRestorableTime=True,
            **common,
        )
    drill.restore_started = server_time(response)
    drill.instance = response["DBInstance"]
    print(f"restore requested: {drill.instance_id} (run {drill.run_id})", flush=True)


def _subnet_group(rds: Any, instance_id: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        source = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"][0]
    except ClientError as error:  # a snapshot may outlive its instance; the account's default group is used then
        if is_infrastructure(error):
            raise
        return None
    return (source.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")


def wait_and_check(drill: Drill, rds: Any, timeout: timedelta) -> None:
    attempts = max(1, int(timeout.total_seconds() // POLL_SECONDS))
    rds.get_waiter("db_instance_available").wait(
        DBInstanceIdentifier=drill.instance_id, WaiterConfig={"Delay": POLL_SECONDS, "MaxAttempts": attempts}
    )
    # The waiter hides its responses: the first look after it returns dates "available" (within one poll).
    response = rds.describe_db_instances(DBInstanceIdentifier=drill.instance_id)
    drill.available_at, drill.instance = server_time(response), response["DBInstances"][0]
    instance = drill.instance
    endpoint = (instance.get("Endpoint") or {}).get("Address", "")
    drill.checks = [
        ("status available", instance.get("DBInstanceStatus") == "available", str(instance.get("DBInstanceStatus"))),
        ("endpoint present", bool(endpoint), endpoint or "no endpoint"),
        (
            "storage encrypted",
            instance.get("StorageEncrypted") is True,
            f"KMS key {instance.get('KmsKeyId')}" if instance.get("StorageEncrypted") else "NOT encrypted",
        ),
    ]


def delete_drill_instance(drill: Drill, rds: Any) -> None:
    """Delete this run's instance; a failure AWS answers is noted, AWS being unusable raises."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        _delete_if_ours(drill, rds)
    except (BotoCoreError, ClientError) as error:
        if is_infrastructure(error):
            raise
        drill.notes.append(f"Deleting {drill.instance_id} failed, delete it by hand: {one_line(error)}")


def _delete_if_ours(drill: Drill, rds: Any) -> None:
    instance = rds.describe_db_instances(DBInstanceIdentifier=drill.instance_id)["DBInstances"][0]
    tags = tag_values(rds.list_tags_for_resource(ResourceName=instance["DBInstanceArn"])["TagList"])
    # The name alone could collide, and a concurrent drill's instance carries the same created-by tag.
    if not is_ours(tags) or tags.get(RUN_TAG) != drill.run_id:
        drill.notes.append(f"NOT deleted: {drill.instance_id} lacks the tag {RUN_TAG}={drill.run_id} of this drill.")
        return
    print(f"deleting drill instance {drill.instance_id} (run {drill.run_id}, no final snapshot)")
    response = rds.delete_db_instance(
        DBInstanceIdentifier=drill.instance_id, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
    )
    # Not waited for: deleting takes minutes on AWS and needs nothing more from us once accepted.
    drill.deleted = True
    drill.deletion = f"requested, RDS status {response['DBInstance'].get('DBInstanceStatus', 'unknown')}"


def execute(drill: Drill, point_in_time: bool, timeout: timedelta, orphan_age: timedelta) -> None:
    """Sweep orphans, restore, check, delete; findings go into `drill`, InfrastructureError when AWS is unusable."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        drill.orphans = sweep(drill.stack, regions_of(drill.outputs), drill.started, orphan_age, drill.run_id)
        try:
            rds = _restore_newest(drill, point_in_time)
            if rds is not None:
                _check(drill, rds, timeout)
        finally:
            # From the moment the restore is requested, whatever happens next (a failed check, Ctrl-C, SIGTERM
            # raised by cli.main): a drill must not leave a copy of production data running.
            if drill.restore_requested and drill.point:
                delete_drill_instance(drill, aws_client("rds", drill.point.region))
    except (BotoCoreError, ClientError) as error:  # only infrastructure errors get this far
        raise InfrastructureError(_stopped(drill, error)) from None


def _restore_newest(drill: Drill, point_in_time: bool) -> Any | None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        drill.point = find_recovery_point(drill.outputs, point_in_time, drill.notes)
        if drill.point is None:
            drill.notes.append(f"No recovery point of {drill.outputs['databaseIdentifier']} found anywhere.")
            return None
        rds = aws_client("rds", drill.point.region)
        restore(drill, rds)
    except (BotoCoreError, ClientError) as error:
        if is_infrastructure(error):
            raise
        drill.notes.append(f"AWS refused: {one_line(error)}")
        drill.instance_id, drill.restore_requested = "", False  # refused: nothing was created
        return None
    return rds


def _check(drill: Drill, rds: Any, timeout: timedelta) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        wait_and_check(drill, rds, timeout)
    except (BotoCoreError, ClientError) as error:  # WaiterError is a BotoCoreError
        if is_infrastructure(error):
            raise
        drill.notes.append(f"Restore did not become available: {one_line(error)}")


def _stopped(drill: Drill, error: BaseException) -> str:
    message = f"DR drill of stack {drill.stack!r} stopped, AWS could not be used: {one_line(error)}"
    if drill.restore_requested and not drill.deleted and drill.point:
        message += (
            f"; drill instance {drill.instance_id} in {drill.point.region} may remain: delete it, or a later drill "
            "deletes it once it is older than --orphan-age-hours"
        )
    return message
