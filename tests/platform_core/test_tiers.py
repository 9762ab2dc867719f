"""The tier facts: internally consistent, and what the platform documentation states."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from platform_core.tiers import FACTS, Tier, facts_for

_RDS_WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)-(mon|tue|wed|thu|fri|sat|sun):(\d\d):(\d\d)$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.mark.parametrize("tier", list(Tier))
def test_the_database_maintenance_slot_lies_inside_the_tier_maintenance_window(tier):
    facts = FACTS[tier]
    match = _RDS_WINDOW.match(facts.database_maintenance_window)
    assert match, f"{tier}: {facts.database_maintenance_window!r} is not in RDS's ddd:hh:mm-ddd:hh:mm form"
    day, start_h, start_m, end_day, end_h, end_m = match.groups()
    assert day == end_day, f"{tier}: the database slot crosses midnight"
    monday = datetime(2026, 11, 30, tzinfo=UTC)  # a Monday
    start = monday + timedelta(days=_DAYS.index(day), hours=int(start_h), minutes=int(start_m))
    last_minute = monday + timedelta(days=_DAYS.index(day), hours=int(end_h), minutes=int(end_m) - 1)
    window = facts.maintenance_window
    assert window.contains(start) and window.contains(last_minute), (
        f"{tier}: database slot {facts.database_maintenance_window} is outside {window.describe()}"
    )


def test_the_documented_targets():
    prod, staging, dev = FACTS[Tier.PROD], FACTS[Tier.STAGING], FACTS[Tier.DEV]
    assert (dev.backup_retention_days, staging.backup_retention_days, prod.backup_retention_days) == (7, 14, 30)
    assert prod.rpo == timedelta(minutes=15) and prod.rto == timedelta(hours=4)
    assert prod.availability_percent == 99.9
    assert prod.continuous_database_backup, "a 15-minute RPO needs point-in-time restore"
    assert prod.backup_runs_per_day > 1, "prod keeps several backups a day"
    assert dev.backup_runs_per_day == staging.backup_runs_per_day == 1
    assert prod.maintenance_window.describe() == "Sun 02:00-06:00 UTC"
    assert staging.maintenance_window.describe() == "Sat 02:00-06:00 UTC"
    assert dev.maintenance_window.describe() == "Mon-Fri 09:00-17:00 UTC"


@pytest.mark.parametrize("tier", list(Tier))
def test_the_snapshot_schedule_cannot_lose_more_than_the_rpo_without_continuous_backup(tier):
    facts = FACTS[tier]
    gap = timedelta(hours=24 / facts.backup_runs_per_day)
    assert facts.continuous_database_backup or gap <= facts.rpo, f"{tier}: snapshots every {gap}, RPO {facts.rpo}"


def test_window_contains_is_start_inclusive_end_exclusive():
    window = FACTS[Tier.PROD].maintenance_window
    sunday = datetime(2026, 12, 6, tzinfo=UTC)
    assert window.contains(sunday.replace(hour=2)) and not window.contains(sunday.replace(hour=6))
    assert not window.contains(sunday.replace(hour=3) - timedelta(days=1))


def test_an_unknown_tier_is_named_with_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown tier 'qa'; allowed: dev, staging, prod"):
        facts_for("qa")


def test_recurrences_are_the_windows_start_and_end_in_unix_cron():
    assert FACTS[Tier.DEV].maintenance_window.recurrences() == ("0 9 * * MON-FRI", "0 17 * * MON-FRI")
    assert FACTS[Tier.PROD].maintenance_window.recurrences() == ("0 2 * * SUN", "0 6 * * SUN")
