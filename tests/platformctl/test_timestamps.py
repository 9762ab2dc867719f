"""Times on the command line (`gate --at`, `backup audit --now`): ISO 8601 with a timezone, within range."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platform_core.errors import UsageError
from platformctl.cli import main
from platformctl.timestamps import ACCEPTED, parse_utc


def test_a_zoned_time_is_converted_to_utc():
    assert parse_utc("2026-11-29T05:00:00+02:00", "--at") == datetime(2026, 11, 29, 3, tzinfo=UTC)
    assert parse_utc("2026-11-29T03:00:00Z", "--at") == datetime(2026, 11, 29, 3, tzinfo=UTC)


def test_the_edges_of_the_range_are_accepted():
    assert parse_utc("1970-01-01T00:00:00Z", "--at") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_utc("9999-12-31T23:59:59+00:00", "--at") == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("9999-12-31T23:59:59-14:00", "is out of range: it must fall between 1970-01-01T00:00:00Z and 9999-12-31"),
        ("0001-01-01T00:00:00+14:00", "is out of range"),
        ("1969-12-31T23:59:59Z", "is out of range"),
        ("2026-11-29T03:00:00", "has no timezone; add one, e.g. 2026-11-29T03:00:00Z"),
        ("2026-11-29", "has no timezone"),
        ("2026-02-30T03:00:00Z", "is not an ISO 8601 time"),
        ("2026-11-29T03:00:00+25:00", "is not an ISO 8601 time"),
        ("next sunday", "is not an ISO 8601 time"),
    ],
)
def test_a_time_it_cannot_place_names_the_value_and_the_format(text, problem):
    with pytest.raises(UsageError) as raised:
        parse_utc(text, "--now")
    message = str(raised.value)
    assert message.startswith(f"--now {text!r} {problem}")
    assert ACCEPTED in message


def test_backup_audit_refuses_an_out_of_range_now(tmp_path, capsys):
    argv = ["backup", "audit", "--stack", "prod", "--outputs", str(tmp_path / "o.json")]
    assert main([*argv, "--now", "9999-12-31T23:59:59-14:00"]) == 2
    assert capsys.readouterr().err.startswith("error: --now '9999-12-31T23:59:59-14:00' is out of range")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("9999-12-31T23:59:59-14:00", "is out of range"),
        ("0001-01-01T00:00:00+14:00", "is out of range"),
        ("2026-11-29T03:00:00", "has no timezone"),
        ("2026-13-01T00:00:00Z", "is not an ISO 8601 time"),
    ],
)
def test_gate_refuses_an_at_it_cannot_place(capsys, value, problem):
    assert main(["gate", "--stack", "prod", "--at", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --at {value!r} {problem}")
    assert ACCEPTED in err
