"""The RDS snapshots a DR drill or a failover restores from, and the tag that marks what platformctl created."""

from __future__ import annotations

from datetime import datetime
from typing import Any

# Only an instance carrying this tag (with the creating command as its value) may be deleted by platformctl.
CREATED_BY = "platformctl:created-by"
# AWS Backup's copies in the DR vault are `awsbackup` snapshots; describe_db_snapshots omits them unless asked.
SNAPSHOT_TYPES = ("automated", "manual", "awsbackup")


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
