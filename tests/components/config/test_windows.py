"""Time windows: a daily window against a weekly one, and a backup schedule's clearance around a daily window."""

from __future__ import annotations

import pytest

from components.config.windows import backup_clashes_with_window, windows_overlap


@pytest.mark.parametrize(
    "maintenance,backup,overlap",
    [
        ("sun:02:00-sun:06:00", "00:00-01:00", False),
        ("sun:02:00-sun:06:00", "05:30-06:30", True),
        ("sun:02:00-sun:06:00", "06:00-07:00", False),  # touching ends do not overlap
        ("sat:23:00-sun:01:00", "00:30-00:45", True),  # maintenance across midnight
        ("tue:10:00-tue:12:00", "23:30-00:30", False),  # backup across midnight
        ("sun:23:30-mon:00:30", "00:00-00:40", True),  # both wrap, across the week's end
    ],
)
def test_window_overlap(maintenance, backup, overlap):
    assert windows_overlap(maintenance, backup) is overlap


@pytest.mark.parametrize(
    "expression,window,clash",
    [
        ("cron(0 3 * * ? *)", "03:00-04:00", "03:00"),  # inside
        ("cron(30 4 * * ? *)", "03:00-04:00", "04:30"),  # 30 min after the end
        ("cron(0 5 * * ? *)", "03:00-04:00", None),  # exactly an hour after
        ("cron(30 2 * * ? *)", "03:00-04:00", "02:30"),  # 30 min before the start
        ("cron(0 2 * * ? *)", "03:00-04:00", None),  # exactly an hour before
        ("cron(0 0/4 * * ? *)", "00:00-01:00", "00:00"),  # one of several runs
        ("cron(0 0/4 * * ? *)", "01:00-01:30", None),  # prod: between the 4-hourly runs
        ("cron(0 1 * * ? *)", "23:30-00:30", "01:00"),  # window across midnight
        ("cron(15 3 ? * SUN *)", "03:00-04:00", "03:15"),  # weekly: the Sunday run still meets the window
    ],
)
def test_backup_clearance_around_the_rds_window(expression, window, clash):
    assert backup_clashes_with_window(expression, window, 60) == clash
