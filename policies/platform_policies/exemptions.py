"""Exemptions: one resource excused from one rule, with a reason, an owner and an expiry date.

They live in the pack's `exemptions.yaml` (policies/exemptions.yaml), reviewed like code. A valid
exemption moves the finding from its rule to the advisory `exempted-findings` policy, so it stays
visible in every report; an exemption without reason, owner or expiry, for an unknown rule, or past
its expiry date is itself a mandatory violation of `policy-exemptions-valid`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REQUIRED_FIELDS = ("rule", "urn", "reason", "owner", "expires")
MIN_REASON_LENGTH = 15  # "n/a" or "temporary" is not a justification


@dataclass(frozen=True)
class Exemption:
    rule: str
    urn: str
    reason: str
    owner: str
    expires: datetime.date | None
    raw: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.rule} on {self.urn or '<no urn>'}"

    def summary(self) -> str:
        return f"exempted until {self.expires} by {self.owner}: {self.reason}"


def load_exemptions(path: Path) -> list[Exemption]:
    if not path.is_file():
        return []
    document = yaml.safe_load(path.read_text()) or {}
    return [parse_exemption(entry) for entry in document.get("exemptions") or []]


def parse_exemption(entry: Mapping[str, Any]) -> Exemption:
    entry = entry if isinstance(entry, Mapping) else {}
    return Exemption(
        rule=str(entry.get("rule") or ""),
        urn=str(entry.get("urn") or ""),
        reason=str(entry.get("reason") or "").strip(),
        owner=str(entry.get("owner") or "").strip(),
        expires=_date(entry.get("expires")),
        raw=entry,
    )


def problems(exemption: Exemption, today: datetime.date, known_rules: Iterable[str]) -> list[str]:
    """Why an exemption cannot be honoured; empty when it is valid today."""
    found = [f"missing `{key}`" for key in REQUIRED_FIELDS if not exemption.raw.get(key)]
    if exemption.raw.get("expires") and exemption.expires is None:
        found.append(f"`expires` {exemption.raw['expires']!r} is not a date (YYYY-MM-DD)")
    if exemption.reason and len(exemption.reason) < MIN_REASON_LENGTH:
        found.append(f"reason {exemption.reason!r} is too short to justify anything")
    if exemption.rule and exemption.rule not in set(known_rules):
        found.append(f"rule {exemption.rule!r} is not in this pack")
    if exemption.expires and exemption.expires < today:
        found.append(f"expired on {exemption.expires}")
    return found


def active(
    exemptions: Iterable[Exemption], today: datetime.date, known_rules: Iterable[str]
) -> dict[tuple[str, str], Exemption]:
    """(rule, urn) -> the exemption that currently excuses it."""
    rules = set(known_rules)
    return {(e.rule, e.urn): e for e in exemptions if not problems(e, today, rules)}


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
