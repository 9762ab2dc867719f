"""`platformctl dr drill`: a non-destructive restore test, measured against the tier's RPO and RTO targets.

The drill restores the newest recovery point (prod: in the DR region, where a regional outage leaves it) into
an isolated instance `drill-<db>-<yyyymmddhhmm>` tagged `platformctl:created-by=dr-drill`, waits until it
is available, checks it, deletes it again (only if it carries our tag) and writes a dated Markdown + JSON
report. `dr failover` (the runbook as code) lives in dr_failover.py.

Exit status: 0 every target met, 1 a target or check failed (or AWS refused), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from . import dr_report
from .ops_outputs import aws_client, load_outputs
from .project import UsageError

EXIT_PASS, EXIT_FAIL = 0, 1
CREATED_BY = "platformctl:created-by"
DRILL_TAG = "dr-drill"
# The platform documentation's targets (README "Tiers"): prod can restore to within 15 minutes through continuous
# backup; dev and staging back up daily, so a day of data is what they can lose. Every tier: running in 4 hours.
PROD_RPO, DAILY_RPO, RTO = timedelta(minutes=15), timedelta(hours=24), timedelta(hours=4)
POLL_SECONDS = 15
# AWS Backup's copies in the DR vault are `awsbackup` snapshots; describe_db_snapshots omits them unless asked.
SNAPSHOT_TYPES = ("automated", "manual", "awsbackup")
MAX_IDENTIFIER = 63


def add_parser(commands: Any) -> None:
    """Register `dr drill` and `dr failover` under the CLI's subcommands."""
    from . import dr_failover  # imports this module's helpers: importing it at the top would be circular

    dr = commands.add_parser("dr", help="Disaster recovery: restore drill and regional failover.")
    actions = dr.add_subparsers(dest="dr_command", required=True, parser_class=type(dr))
    drill = actions.add_parser(
        "drill",
        help="Restore the newest recovery point into a throw-away instance, "
        "measure RPO/RTO, delete it, write a report.",
    )
    drill.add_argument("--stack", required=True, help="Stack name (names the report).")
    drill.add_argument(
        "--outputs",
        required=True,
        type=Path,
        metavar="FILE",
        help="JSON of `pulumi stack output --json` for the stack.",
    )
    drill.add_argument(
        "--report-dir",
        type=Path,
        default=Path("dr-reports"),
        metavar="DIR",
        help="Where dr-drill-<stack>-<date>.md/.json go (default ./dr-reports).",
    )
    drill.add_argument(
        "--timeout-minutes",
        type=float,
        default=RTO.total_seconds() / 60,
        metavar="N",
        help="Give up waiting for the restore after N minutes (default: the 4 h RTO target).",
    )
    drill.add_argument(
        "--point-in-time",
        action="store_true",
        help="Restore the primary's latest restorable time (continuous backup) instead of the newest snapshot.",
    )
    drill.set_defaults(handler=run_drill)
    dr_failover.add_parser(actions)


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
        return {"RPO": (PROD_RPO if self.tier == "prod" else DAILY_RPO, rpo), "RTO": (RTO, rto)}

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


def point_time(snapshot: dict[str, Any]) -> datetime:
    # A copy's SnapshotCreateTime is when it was copied; OriginalSnapshotCreateTime is when the data was taken.
    return snapshot.get("OriginalSnapshotCreateTime") or snapshot["SnapshotCreateTime"]


def newest_snapshot(rds: Any, instance_ids: list[str]) -> dict[str, Any] | None:
    """The newest available snapshot of any of these instances in the client's region, of any type."""
    found = []
    paginator = rds.get_paginator("describe_db_snapshots")
    for instance_id in instance_ids:
        for kind in SNAPSHOT_TYPES:
            for page in paginator.paginate(DBInstanceIdentifier=instance_id, SnapshotType=kind):
                found += [s for s in page["DBSnapshots"] if s.get("Status") == "available"]
    return max(found, key=point_time, default=None)


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
    if drill.tier == "prod" and dr_region:
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


def run_drill(args: argparse.Namespace) -> int:
    if args.timeout_minutes <= 0:
        raise UsageError(f"--timeout-minutes {args.timeout_minutes:g}: must be more than 0")
    outputs = load_outputs(args.outputs, ("databaseIdentifier", "primaryRegion", "tier"))
    drill = Drill(args.stack, outputs, started=datetime.now(UTC))
    execute(drill, args.point_in_time, timedelta(minutes=args.timeout_minutes))
    markdown, json_path = dr_report.write(drill, args.report_dir)
    print(dr_report.summary(drill))
    print(f"report: {markdown} and {json_path}")
    if not drill.passed:
        print("DR drill FAILED", file=sys.stderr)
    return EXIT_PASS if drill.passed else EXIT_FAIL
