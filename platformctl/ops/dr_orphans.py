"""Instances earlier drills of the same stack left behind: a drill killed between restore and delete (SIGKILL,
a cancelled CI job, a lost laptop) leaves a running, billed copy of the production data.

Every drill starts by looking for them: in the primary and the DR region (a drill restores in either), instances
named like a drill and carrying the drill's created-by tag and this stack's tag. Those older than the orphan age
are deleted (no final snapshot, as the drill's own cleanup); younger ones may belong to a drill still running
and are left alone. Both are listed in the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .aws_errors import is_infrastructure, one_line
from .dr_drill_run import PREFIX, RUN_TAG, STACK_TAG, is_ours, run_started, tag_values
from .outputs import aws_client

DEFAULT_ORPHAN_AGE = timedelta(hours=6)


@dataclass(frozen=True)
class Orphan:
    identifier: str
    region: str
    run_id: str  # "" for an instance of a drill from before run ids
    age: timedelta | None  # None when neither its run id nor RDS says when it was created
    deleted: bool
    detail: str


def regions_of(outputs: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(r for r in (outputs["primaryRegion"], outputs.get("drRegion")) if r))


def sweep(stack: str, regions: list[str], now: datetime, max_age: timedelta, current_run: str) -> list[Orphan]:
    """Delete this stack's drill instances older than max_age; every one found is returned, deleted or not.

    Infrastructure errors propagate: a sweep that could not look proves nothing either way.
    """
    found = []
    for region in regions:
        rds = aws_client("rds", region)
        for instance in _drill_instances(rds):
            tags = tag_values(rds.list_tags_for_resource(ResourceName=instance["DBInstanceArn"])["TagList"])
            if is_ours(tags) and tags.get(STACK_TAG) == stack and tags.get(RUN_TAG) != current_run:
                found.append(_settle(rds, region, instance, tags.get(RUN_TAG, ""), now, max_age))
    return found


def _drill_instances(rds: Any) -> Iterator[dict[str, Any]]:
    for page in rds.get_paginator("describe_db_instances").paginate():
        for instance in page["DBInstances"]:
            # One already being deleted is on its way out: nothing left to do, nothing to report.
            if instance["DBInstanceIdentifier"].startswith(PREFIX) and instance.get("DBInstanceStatus") != "deleting":
                yield instance


def _settle(rds: Any, region: str, instance: dict[str, Any], run_id: str, now: datetime, max_age: timedelta) -> Orphan:
    from botocore.exceptions import ClientError

    identifier = instance["DBInstanceIdentifier"]
    # Its run id is its drill's start by the same kind of clock as `now`; RDS's create time covers older drills.
    created = run_started(run_id) or instance.get("InstanceCreateTime")
    age = now - created if created else None
    if age is None or age <= max_age:
        return Orphan(identifier, region, run_id, age, False, "kept: may belong to a drill still running")
    print(f"deleting orphaned drill instance {identifier} in {region} (run {run_id or 'unknown'}, no final snapshot)")
    try:
        rds.delete_db_instance(DBInstanceIdentifier=identifier, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)
    except ClientError as error:
        if is_infrastructure(error):
            raise
        return Orphan(identifier, region, run_id, age, False, f"NOT deleted, delete it by hand: {one_line(error)}")
    return Orphan(identifier, region, run_id, age, True, "deleted (no final snapshot)")
