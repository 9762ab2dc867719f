"""Times given on the command line: ISO 8601 with an explicit timezone, compared in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from platform_core.errors import UsageError

ACCEPTED = "ISO 8601 with a timezone, YYYY-MM-DDTHH:MM[:SS] then Z or ±HH:MM, e.g. 2026-11-29T03:00:00Z"
# Commands subtract grace periods and RPOs from these times: year 1 would overflow, and nothing they
# judge (deploy windows, recovery points) predates the Unix epoch.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


def parse_utc(text: str, flag: str) -> datetime:
    """`text` as an aware UTC datetime; a naive time is refused, since its zone would be a guess."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not an ISO 8601 time; accepted: {ACCEPTED}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UsageError(f"{flag} {text!r} has no timezone; add one, e.g. {text}Z or {text}+00:00 ({ACCEPTED})")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-14:00 is a valid local time whose UTC instant is in year 10000
        utc = None
    if utc is None or utc < EARLIEST:
        raise UsageError(
            f"{flag} {text!r} is out of range: it must fall between 1970-01-01T00:00:00Z and "
            f"9999-12-31T23:59:59Z in UTC; accepted: {ACCEPTED}"
        )
    return utc
