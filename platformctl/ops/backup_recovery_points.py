"""Recovery points: the newest must meet the tier's RPO and, with DR copies, have a copy in the DR region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from platform_core.tiers import BACKUP_COMPLETION_WINDOW, BACKUP_START_WINDOW, TierFacts

from .backup_findings import ERROR, Audit, duration, paginated

USABLE = frozenset({"COMPLETED", "AVAILABLE"})  # PARTIAL, EXPIRED, STOPPED, ... cannot be trusted for a restore
# A copy starts once its backup completes (within the plan's completion window); the copy itself gets an hour.
COPY_GRACE = BACKUP_COMPLETION_WINDOW + timedelta(hours=1)


def recovery_point_limit(facts: TierFacts) -> timedelta:
    """How old the newest recovery point may be. A scheduled rule may start late by its start window, on top of
    the RPO; continuous backup keeps its point current, so there the RPO alone is the limit."""
    return facts.rpo if facts.continuous_database_backup else facts.rpo + BACKUP_START_WINDOW


def _limit_text(facts: TierFacts, tier: str) -> str:
    rpo = f"{tier} RPO {duration(facts.rpo)}"
    if facts.continuous_database_backup:
        return f"younger than {duration(facts.rpo)} ({rpo}, continuous backup)"
    window = duration(BACKUP_START_WINDOW)
    return f"younger than {duration(recovery_point_limit(facts))} ({rpo} + {window} backup start window)"


def check_recovery_points(audit: Audit, backup: Any, dr_backup: Any, resource: str) -> None:
    declared, facts = audit.declared, audit.facts
    audit.check("recovery-point", resource)
    listed = audit.read(
        "recovery-point", resource, paginated(backup, "list_recovery_points_by_resource"), ResourceArn=resource
    )
    if listed is None:
        return
    points = [
        p
        for p in listed.get("RecoveryPoints", [])
        if p.get("BackupVaultName") == declared.vault_name and p.get("Status") in USABLE
    ]
    limit = recovery_point_limit(facts)
    expected = _limit_text(facts, declared.tier)
    if not points:
        audit.add(
            ERROR, "recovery-point", resource, f"no usable recovery point in vault {declared.vault_name}", expected
        )
        return
    newest = max(_point_time(point, audit.now) for point in points)
    if audit.now - newest > limit:
        audit.add(
            ERROR,
            "recovery-point",
            resource,
            f"newest recovery point is {duration(audit.now - newest)} old (completed "
            f"{newest.astimezone(UTC):%Y-%m-%d %H:%M} UTC)",
            expected,
        )
    if dr_backup is not None:
        _check_dr_copy(audit, dr_backup, resource, points)


def _check_dr_copy(audit: Audit, dr_backup: Any, resource: str, points: list[dict[str, Any]]) -> None:
    """The newest point old enough to have been copied must have a copy in the DR vault."""
    declared = audit.declared
    due = [p for p in points if p["CreationDate"] <= audit.now - COPY_GRACE]
    if not due:
        return  # every point is younger than a copy takes: nothing can be expected in the DR vault yet
    source = max(due, key=lambda point: point["CreationDate"])
    audit.check("dr-copy", resource)
    listed = audit.read(
        "dr-copy",
        resource,
        paginated(dr_backup, "list_recovery_points_by_backup_vault"),
        BackupVaultName=declared.dr_vault_name,
        ByResourceArn=resource,
    )
    if listed is None:
        return
    copies = [
        c
        for c in listed.get("RecoveryPoints", [])
        if c.get("Status") in USABLE and c["CreationDate"] >= source["CreationDate"]
    ]
    if not copies:
        audit.add(
            ERROR,
            "dr-copy",
            resource,
            f"recovery point of {source['CreationDate']:%Y-%m-%d %H:%M} UTC has no copy in the DR vault",
            f"a copy in {declared.dr_vault_arn} within {duration(COPY_GRACE)}",
        )


def _point_time(point: dict[str, Any], now: datetime) -> datetime:
    # A continuous recovery point keeps absorbing changes while it is usable (AWS marks it STOPPED when the
    # continuity breaks), so it is as fresh as now; a snapshot is as old as its completion.
    if ":continuous:" in point.get("RecoveryPointArn", ""):
        return now
    return point.get("CompletionDate") or point["CreationDate"]
