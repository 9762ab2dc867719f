"""The DR drill: a non-destructive restore test, measured against the tier's RPO and RTO (platform_core.tiers).

The drill restores the newest recovery point (where the tier copies backups to the DR region: from there, where a
regional outage leaves it) into an isolated instance `drill-<db>-<yyyymmddhhmm>` tagged
`platformctl:created-by=dr-drill`, waits until it is available, checks it, and deletes it again (only if it
carries our tag). dr_report writes the dated report; dr_failover is the runbook for a real outage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from platform_core.tiers import facts_for

from .outputs import aws_client
from .rds_snapshots import CREATED_BY, newest_snapshot, point_time

DRILL_TAG = "dr-drill"
POLL_SECONDS = 15
MAX_IDENTIFIER = 63


@dataclass(frozen=True)
class RecoveryPoint:
    method: str  # "snapshot" or "point-in-time"
    region: str
    source: str  # snapshot identifier, or the instance restored from
    instance: str  # the DB instance the point belongs to
    time: datetime  # the data's age: snapshot creation, or latest restorable time
    detail: str


@dataclass
class Drill:
    stack: str
    outputs: dict[str, Any]
    started: datetime
    point: RecoveryPoint | None = None
    instance_id: str = ""
    restore_started: datetime | None = None
    available_at: datetime | None = None
    instance: dict[str, Any] = field(default_factory=dict)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    deleted: bool = False
    deletion: str = ""  # what RDS answered to the delete request

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


def to_second(moment: datetime) -> datetime:
    """UTC, whole seconds: the HTTP Date header has no finer resolution, so every figure is compared at it."""
    return moment.astimezone(UTC).replace(microsecond=0)


def server_time(response: dict[str, Any]) -> datetime:
    """When the service answered, by its own clock (the response's Date header); ours only if it sent none."""
    header = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    return to_second(parsedate_to_datetime(header) if header else datetime.now(UTC))


def find_recovery_point(drill: Drill, point_in_time: bool) -> RecoveryPoint | None:
    outputs, database = drill.outputs, drill.outputs["databaseIdentifier"]
    primary, dr_region = outputs["primaryRegion"], outputs.get("drRegion")
    if point_in_time:
        source = aws_client("rds", primary).describe_db_instances(DBInstanceIdentifier=database)["DBInstances"][0]
        drill.notes.append("Point-in-time restore from the primary's continuous backup (primary region).")
        return RecoveryPoint(
            "point-in-time",
            primary,
            database,
            database,
            to_second(source["LatestRestorableTime"]),
            "latest restorable time",
        )
    if facts_for(drill.tier).backups_copied_to_dr and dr_region:
        in_dr = [i for i in (outputs.get("databaseReplicaIdentifier"), database) if i]
        snapshot = newest_snapshot(aws_client("rds", dr_region), in_dr)
        if snapshot:
            return _snapshot_point(dr_region, snapshot)
        drill.notes.append(
            f"FALLBACK: no recovery point of {', '.join(in_dr)} in the DR region {dr_region}; "
            f"restored from the primary region {primary} instead. The DR copy is missing."
        )
    snapshot = newest_snapshot(aws_client("rds", primary), [database])
    return _snapshot_point(primary, snapshot) if snapshot else None


def _snapshot_point(region: str, snapshot: dict[str, Any]) -> RecoveryPoint:
    return RecoveryPoint(
        "snapshot",
        region,
        snapshot["DBSnapshotIdentifier"],
        snapshot["DBInstanceIdentifier"],
        to_second(point_time(snapshot)),
        f"{snapshot.get('SnapshotType', '?')} snapshot",
    )


def drill_identifier(database: str, at: datetime) -> str:
    stamp = at.strftime("%Y%m%d%H%M")
    room = MAX_IDENTIFIER - len("drill--") - len(stamp)
    return f"drill-{database[:room].rstrip('-')}-{stamp}"


def restore(drill: Drill, rds: Any) -> None:
    point = drill.point
    assert point is not None
    # Isolated: private, single-AZ, no deletion protection; no security groups named, so the VPC's default group
    # (no ingress from application subnets) applies. Same subnet group as the source, where it has one.
    common: dict[str, Any] = {
        "PubliclyAccessible": False,
        "MultiAZ": False,
        "DeletionProtection": False,
        "Tags": [{"Key": CREATED_BY, "Value": DRILL_TAG}, {"Key": "platformctl:stack", "Value": drill.stack}],
    }
    subnet_group = _subnet_group(rds, point.instance)
    if subnet_group:
        common["DBSubnetGroupName"] = subnet_group
    print(f"restoring {point.method} {point.source} into new instance {drill.instance_id} in {point.region}")
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


def _subnet_group(rds: Any, instance_id: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        source = rds.describe_db_instances(DBInstanceIdentifier=instance_id)["DBInstances"][0]
    except ClientError:  # a snapshot may outlive its instance; the account's default group is used then
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
    """Delete the drill instance, but only when it carries our tag: the name alone could collide."""
    from botocore.exceptions import ClientError

    try:
        instance = rds.describe_db_instances(DBInstanceIdentifier=drill.instance_id)["DBInstances"][0]
    except ClientError as error:
        drill.notes.append(f"Drill instance {drill.instance_id} not found for deletion: {error}")
        return
    tags = rds.list_tags_for_resource(ResourceName=instance["DBInstanceArn"])["TagList"]
    if {"Key": CREATED_BY, "Value": DRILL_TAG} not in tags:
        drill.notes.append(f"NOT deleted: {drill.instance_id} lacks the tag {CREATED_BY}={DRILL_TAG}.")
        return
    print(f"deleting drill instance {drill.instance_id} (tagged {CREATED_BY}={DRILL_TAG}, no final snapshot)")
    response = rds.delete_db_instance(
        DBInstanceIdentifier=drill.instance_id, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
    )
    # Not waited for: deleting takes minutes on AWS and needs nothing more from us once accepted.
    drill.deleted = True
    drill.deletion = f"requested, RDS status {response['DBInstance'].get('DBInstanceStatus', 'unknown')}"


def execute(drill: Drill, point_in_time: bool, timeout: timedelta) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        drill.point = find_recovery_point(drill, point_in_time)
        if drill.point is None:
            drill.notes.append(f"No recovery point of {drill.outputs['databaseIdentifier']} found anywhere.")
            return
        rds = aws_client("rds", drill.point.region)
        drill.instance_id = drill_identifier(drill.outputs["databaseIdentifier"], drill.started)
        restore(drill, rds)
    except (BotoCoreError, ClientError) as error:
        drill.notes.append(f"AWS refused: {error}")
        return
    try:
        wait_and_check(drill, rds, timeout)
    except (BotoCoreError, ClientError) as error:  # WaiterError is a BotoCoreError
        drill.notes.append(f"Restore did not become available: {error}")
    finally:
        try:
            delete_drill_instance(drill, rds)
        except (BotoCoreError, ClientError) as error:
            drill.notes.append(f"Deleting {drill.instance_id} failed, delete it by hand: {error}")
