"""Times given on the command line: ISO 8601 with an explicit timezone, compared in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from platform_core.errors import UsageError


def parse_utc(text: str, flag: str) -> datetime:
    """`text` as an aware UTC datetime; a naive time is refused, since its zone would be a guess."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not an ISO 8601 time; use e.g. 2026-11-29T03:00:00Z") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UsageError(f"{flag} {text!r} has no timezone; add one, e.g. {text}Z or {text}+00:00")
    return moment.astimezone(UTC)
