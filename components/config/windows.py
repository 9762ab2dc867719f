"""Time windows of the stack file: RDS's weekly maintenance and daily backup windows, and AWS Backup's
daily cron schedules, compared minute by minute (all UTC)."""

from __future__ import annotations

import re

from platform_core.aws_cron import minutes_of_day

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-"
    r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def windows_overlap(maintenance: str, daily: str) -> bool:
    """True when a daily window overlaps a weekly one, on any day of the week."""
    week = 7 * 24 * 60
    m = MAINTENANCE_WINDOW.match(maintenance)
    d = DAILY_WINDOW.match(daily)
    if not (m and d):
        return False
    start = _WEEKDAYS.index(m[1]) * 1440 + int(m[2]) * 60 + int(m[3])
    end = _WEEKDAYS.index(m[4]) * 1440 + int(m[5]) * 60 + int(m[6])
    weekly = _minute_spans(start, end, week)
    d_start, d_end = int(d[1]) * 60 + int(d[2]), int(d[3]) * 60 + int(d[4])
    length = (d_end - d_start) % 1440 or 1440
    for day in range(7):
        begin = day * 1440 + d_start
        for span_start, span_end in _minute_spans(begin, begin + length, week):
            if any(a < span_end and span_start < b for a, b in weekly):
                return True
    return False


def _minute_spans(start: int, end: int, period: int) -> list[tuple[int, int]]:
    """A window as half-open minute spans within one period, split where it wraps."""
    start, end = start % period, end % period
    return [(start, end)] if start < end else [(start, period), (0, end)]


def backup_clashes_with_window(expression: str, daily: str, clearance: int) -> str | None:
    """The first run of a daily cron(...) schedule closer than `clearance` minutes to a daily window, as hh:mm."""
    d = DAILY_WINDOW.match(daily)
    times = minutes_of_day(expression)
    if not d or times is None:
        return None
    day = 1440
    start, end = int(d[1]) * 60 + int(d[2]), int(d[3]) * 60 + int(d[4])
    length = (end - start) % day or day
    for minute in sorted(times):
        since_start = (minute - start) % day
        if since_start < length + clearance or since_start > day - clearance:
            return f"{minute // 60:02d}:{minute % 60:02d}"
    return None
