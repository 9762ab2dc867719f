"""AWS cron expressions (`cron(min hour day-of-month month day-of-week year)`), as backup plans use them.

One parser for the config model (backups clear of the RDS window), the backup audit and the policy pack.
"""

from __future__ import annotations

import re

_CRON = re.compile(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+)(?: (\S+))?\)")


def runs_per_day(expression: str) -> int | None:
    """Backups an AWS cron(min hour day-of-month month day-of-week year) schedule takes on *every* day.

    A schedule restricted to some days (weekly, weekdays, monthly) takes 0 on the others, so it does not
    count towards "daily". None when the expression cannot be read.
    """
    times = daily_times(expression)
    return None if times is None else len(times)


def daily_times(expression: object) -> set[tuple[int, int]] | None:
    """(hour, minute) of each run on every day; empty when the schedule skips days; None when unreadable."""
    times = minutes_of_day(expression)
    match = _CRON.fullmatch(str(expression).strip())
    if times is None or match is None:
        return None
    _, _, day, month, weekday, year = match.groups()
    every_day = day in ("*", "?") and weekday in ("*", "?") and month == "*" and year in (None, "*")
    return {divmod(minute, 60) for minute in times} if every_day else set()


def minutes_of_day(expression: object) -> set[int] | None:
    """Minutes of the day a schedule starts a run on any day it runs at all; None when unreadable."""
    match = _CRON.fullmatch(expression.strip()) if isinstance(expression, str) else None
    if not match:
        return None
    minutes, hours = _cron_values(match[1], 59), _cron_values(match[2], 23)
    return None if minutes is None or hours is None else {h * 60 + m for h in hours for m in minutes}


def _cron_values(field_text: str, highest: int) -> set[int] | None:
    """The values of a minute or hour field: `*`, `n`, `a-b`, lists of those, each optionally `/step`."""
    values: set[int] = set()
    for item in field_text.split(","):
        match = re.fullmatch(r"(\*|\d+)(?:-(\d+))?(?:/(\d+))?", item)
        if not match:
            return None
        start_text, end_text, step_text = match.groups()
        start = 0 if start_text == "*" else int(start_text)
        end = highest if start_text == "*" or (step_text and not end_text) else int(end_text or start)
        step = int(step_text or 1)
        if start > end or end > highest or step < 1:
            return None
        values.update(range(start, end + 1, step))
    return values
