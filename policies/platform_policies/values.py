"""Reading property values the way the engine and CrossGuard deliver them, and showing them in messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def as_list(value: Any) -> list[Any]:
    """IAM fields hold either one value or a list of them.

    Under CrossGuard lists arrive as read-only sequence proxies, not `list`, so test for Sequence.
    """
    if value is None:
        return []
    return list(value) if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) else [value]


def is_true(value: Any) -> bool:
    """Booleans some schemas (launch templates) carry as text ("true")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def as_int(value: Any) -> int | None:
    """Numbers from the engine and from policy config arrive as floats (30.0)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def shown(value: Any) -> str:
    """A value as a message shows it: `unset` rather than None, 30 rather than 30.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "unset" if value is None else repr(value)
