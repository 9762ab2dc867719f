"""Tier facts: the numbers the platform documentation fixes per tier, written once.

Config defaults (components/config/defaults.py), the policy pack's per-tier config (generated into
policies/config/<tier>.json), the backup audit, the DR drill, the deploy gate and the post-deploy bake all read
them from here.

Backup frequency: dev and staging snapshot once a day. Prod snapshots every 4 hours (six runs a day, the
documentation's "several backups a day") and its 15-minute RPO is carried by continuous backup (point-in-time
restore), not by the snapshots; the snapshots bound the loss to 4 hours should continuity ever lapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from .aws_cron import daily_times

# Every AWS Backup rule may start this late and must finish within the completion window; an audit of the
# newest recovery point allows the start window on top of the RPO, or every on-time-but-late job would alarm.
BACKUP_START_WINDOW = timedelta(minutes=60)
BACKUP_COMPLETION_WINDOW = timedelta(minutes=180)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_CRON_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_RDS_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Tier(StrEnum):
    DEV = "dev"
    STAGING = "staging"
    PROD = "prod"


@dataclass(frozen=True)
class Window:
    """Weekdays (0 = Monday) and a UTC time range, start inclusive, end exclusive, within one day."""

    days: tuple[int, ...]
    start: time
    end: time

    def contains(self, at: datetime) -> bool:
        moment = at.astimezone(UTC)
        return moment.weekday() in self.days and self.start <= moment.time() < self.end

    def describe(self) -> str:
        first, last = DAY_NAMES[self.days[0]], DAY_NAMES[self.days[-1]]
        days = first if len(self.days) == 1 else f"{first}-{last}"  # single days or runs of days
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} UTC"

    def recurrences(self) -> tuple[str, str]:
        """Unix cron lines for the window's start and end, as EC2 Auto Scaling scheduled actions take them."""
        contiguous = list(self.days) == list(range(self.days[0], self.days[-1] + 1))
        names = [_CRON_DAYS[day] for day in self.days]
        days = f"{names[0]}-{names[-1]}" if contiguous and len(names) > 1 else ",".join(names)
        return (f"{self.start.minute} {self.start.hour} * * {days}", f"{self.end.minute} {self.end.hour} * * {days}")

    def rds_format(self) -> str:
        """`ddd:hh:mm-ddd:hh:mm` as RDS takes it, for a one-day window."""
        (day,) = self.days
        return f"{_RDS_DAYS[day]}:{self.start:%H:%M}-{_RDS_DAYS[day]}:{self.end:%H:%M}"


@dataclass(frozen=True, kw_only=True)
class TierFacts:
    tier: Tier
    availability_percent: float  # monthly, of the public API
    rpo: timedelta  # data a restore may lose
    rto: timedelta  # time to be serving again after losing the database
    backup_retention_days: int  # AWS Backup recovery points and RDS automated backups
    backup_schedule: str  # the AWS Backup snapshot rule, UTC
    continuous_database_backup: bool  # point-in-time restore: what carries a 15-minute RPO
    backups_copied_to_dr: bool  # recovery points copied to the DR region
    maintenance_window: Window  # where disruptive changes may happen
    database_maintenance_window: str  # RDS takes one contiguous slot, inside maintenance_window
    deploy_window: Window  # when `platformctl gate` lets `pulumi up` run
    monthly_budget_usd: int  # the AWS Budget's limit
    # How long `platformctl bake` watches the critical alarms after a deploy before calling it healthy; an
    # alarm in that time rolls the deploy back. 0: not watched (dev deploys feature branches all day).
    bake_minutes: int

    @property
    def backup_runs_per_day(self) -> int:
        """Read from the schedule, which is the fact."""
        times = daily_times(self.backup_schedule)
        if times is None:
            raise ValueError(f"{self.tier}: unreadable backup schedule {self.backup_schedule!r}")
        return len(times)


_SUNDAY_NIGHT = Window(days=(6,), start=time(2), end=time(6))
_SATURDAY_NIGHT = Window(days=(5,), start=time(2), end=time(6))
# Dev's working day: its maintenance and deploy window, and when its nodes run.
BUSINESS_HOURS = Window(days=(0, 1, 2, 3, 4), start=time(9), end=time(17))

FACTS: dict[Tier, TierFacts] = {
    Tier.DEV: TierFacts(
        tier=Tier.DEV,
        availability_percent=99.0,
        rpo=timedelta(hours=24),
        rto=timedelta(hours=4),
        backup_retention_days=7,
        backup_schedule="cron(0 6 * * ? *)",  # an hour clear of the RDS backup window (03:00-04:00)
        continuous_database_backup=False,
        backups_copied_to_dr=False,
        maintenance_window=BUSINESS_HOURS,
        database_maintenance_window="tue:10:00-tue:12:00",  # people are around to notice
        deploy_window=BUSINESS_HOURS,
        monthly_budget_usd=1500,
        bake_minutes=0,
    ),
    Tier.STAGING: TierFacts(
        tier=Tier.STAGING,
        availability_percent=99.5,
        rpo=timedelta(hours=24),
        rto=timedelta(hours=4),
        backup_retention_days=14,
        backup_schedule="cron(0 3 * * ? *)",
        continuous_database_backup=False,
        backups_copied_to_dr=False,
        maintenance_window=_SATURDAY_NIGHT,
        database_maintenance_window=_SATURDAY_NIGHT.rds_format(),
        deploy_window=_SATURDAY_NIGHT,
        monthly_budget_usd=4000,
        bake_minutes=10,
    ),
    Tier.PROD: TierFacts(
        tier=Tier.PROD,
        availability_percent=99.9,
        rpo=timedelta(minutes=15),
        rto=timedelta(hours=4),
        backup_retention_days=30,
        backup_schedule="cron(0 0/4 * * ? *)",
        continuous_database_backup=True,
        backups_copied_to_dr=True,
        maintenance_window=_SUNDAY_NIGHT,
        database_maintenance_window=_SUNDAY_NIGHT.rds_format(),
        deploy_window=_SUNDAY_NIGHT,
        monthly_budget_usd=15000,
        bake_minutes=20,
    ),
}


def facts_for(tier: str) -> TierFacts:
    """The facts of a tier named as in config (`dev`, `staging`, `prod`); ValueError names the allowed ones."""
    try:
        return FACTS[Tier(tier)]
    except ValueError:
        raise ValueError(f"unknown tier {tier!r}; allowed: {', '.join(t.value for t in Tier)}") from None
