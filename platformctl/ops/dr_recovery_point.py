"""What a drill restores: the newest recovery point of the stack's database, and the service's clock.

Where the tier copies backups to the DR region the point is taken from there, where a regional outage leaves it;
the primary region only as a fallback the report calls out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from platform_core.tiers import facts_for

from .outputs import aws_client
from .rds_snapshots import newest_snapshot, point_time


@dataclass(frozen=True)
class RecoveryPoint:
    method: str  # "snapshot" or "point-in-time"
    region: str
    source: str  # snapshot identifier, or the instance restored from
    instance: str  # the DB instance the point belongs to
    time: datetime  # the data's age: snapshot creation, or latest restorable time
    detail: str


def to_second(moment: datetime) -> datetime:
    """UTC, whole seconds: the HTTP Date header has no finer resolution, so every figure is compared at it."""
    return moment.astimezone(UTC).replace(microsecond=0)


def server_time(response: dict[str, Any]) -> datetime:
    """When the service answered, by its own clock (the response's Date header); ours only if it sent none."""
    header = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    return to_second(parsedate_to_datetime(header) if header else datetime.now(UTC))


def find_recovery_point(outputs: dict[str, Any], point_in_time: bool, notes: list[str]) -> RecoveryPoint | None:
    """The newest point to restore; how it was chosen, where that matters, goes into notes."""
    database = outputs["databaseIdentifier"]
    primary, dr_region = outputs["primaryRegion"], outputs.get("drRegion")
    if point_in_time:
        source = aws_client("rds", primary).describe_db_instances(DBInstanceIdentifier=database)["DBInstances"][0]
        notes.append("Point-in-time restore from the primary's continuous backup (primary region).")
        return RecoveryPoint(
            "point-in-time",
            primary,
            database,
            database,
            to_second(source["LatestRestorableTime"]),
            "latest restorable time",
        )
    if facts_for(str(outputs["tier"])).backups_copied_to_dr and dr_region:
        in_dr = [i for i in (outputs.get("databaseReplicaIdentifier"), database) if i]
        snapshot = newest_snapshot(aws_client("rds", dr_region), in_dr)
        if snapshot:
            return _snapshot_point(dr_region, snapshot)
        notes.append(
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
