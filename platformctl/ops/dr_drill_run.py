"""A drill run's identity: its run id, the throw-away instance's identifier and the tags that mark it ours.

The run id (`20261202T031502Z-4f9a`: start time in UTC to the second, and a random suffix) keeps two drills of
the same stack started in the same second apart: their instances, tags and report files never collide.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from .rds_snapshots import CREATED_BY

DRILL_TAG = "dr-drill"
STACK_TAG = "platformctl:stack"
RUN_TAG = "platformctl:drill-run"
PREFIX = "drill-"
# RDS: 1-63 letters, digits and hyphens, a letter first, no "--", no trailing hyphen; stored lowercase.
MAX_IDENTIFIER = 63
_RUN_TIME = "%Y%m%dT%H%M%SZ"
_RUN_ID = re.compile(r"(\d{8}T\d{6}Z)-[0-9a-f]+")


def new_run_id(started: datetime) -> str:
    return f"{started.astimezone(UTC):{_RUN_TIME}}-{suffix()}"


def suffix() -> str:
    return secrets.token_hex(2)


def run_started(run_id: str) -> datetime | None:
    """When the run with this id started, by its own clock; None for a value we did not write."""
    match = _RUN_ID.fullmatch(run_id)
    return datetime.strptime(match.group(1), _RUN_TIME).replace(tzinfo=UTC) if match else None


def drill_identifier(database: str, run_id: str) -> str:
    """`drill-<db>-<run id>`: the database part is shortened to fit, never the run id that makes it unique."""
    run = run_id.lower()  # RDS lowercases identifiers; comparing with what it returns needs the same
    db = re.sub(r"[^a-z0-9]+", "-", database.lower()).strip("-")
    room = MAX_IDENTIFIER - len(PREFIX) - len("-") - len(run)
    db = db[:room].rstrip("-")
    return f"{PREFIX}{db}-{run}" if db else f"{PREFIX}{run}"


def drill_tags(stack: str, run_id: str) -> list[dict[str, str]]:
    return [
        {"Key": CREATED_BY, "Value": DRILL_TAG},
        {"Key": STACK_TAG, "Value": stack},
        {"Key": RUN_TAG, "Value": run_id},
    ]


def tag_values(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags}


def is_ours(tags: dict[str, str]) -> bool:
    """Only an instance carrying the drill's created-by tag may be deleted by a drill: a name can collide."""
    return tags.get(CREATED_BY) == DRILL_TAG
