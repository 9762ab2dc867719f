"""Exemptions: one resource excused from one rule, with a reason, an owner and an expiry date.

They live in the pack's `exemptions.yaml` (policies/exemptions.yaml), reviewed like code, in the format
`platform_core.exemptions_schema` reads (platformctl reads it with the same code, and refuses a broken file
before running anything). A valid exemption moves the finding from its rule to the advisory
`exempted-findings` policy, so it stays visible in every report; an exemption without reason, owner or
expiry, for an unknown rule, or past its expiry date is itself a mandatory violation of
`policy-exemptions-valid`, and so is a file the pack cannot read at all: the pack keeps running. An
exemption for the stack under analysis that matches none of its resources is reported by the advisory
`stale-exemptions` policy: a renamed or deleted resource leaves it behind, ready to excuse whatever takes the URN.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError
from platform_core.exemptions_schema import REQUIRED_FIELDS, Entry, parse_entry, read_entries

__all__ = [
    "REQUIRED_FIELDS",
    "Exemption",
    "active",
    "load_exemptions",
    "load_for_pack",
    "parse_exemption",
    "problems",
    "stale",
]

MIN_REASON_LENGTH = 15  # "n/a" or "temporary" is not a justification
URN_PREFIX = "urn:pulumi:"


@dataclass(frozen=True)
class Exemption:
    entry: Entry

    @property
    def rule(self) -> str:
        return self.entry.get("rule")

    @property
    def urn(self) -> str:
        return self.entry.get("urn")

    @property
    def reason(self) -> str:
        return self.entry.get("reason")

    @property
    def owner(self) -> str:
        return self.entry.get("owner")

    @property
    def expires(self) -> datetime.date | None:
        return self.entry.expires

    @property
    def label(self) -> str:
        line = f" (line {self.entry.line})" if self.entry.line else ""
        return f"{self.rule or '<no rule>'} on {self.urn or '<no urn>'}{line}"

    def summary(self) -> str:
        return f"exempted until {self.expires} by {self.owner}: {self.reason}"


def load_exemptions(path: Path) -> list[Exemption]:
    """The file's exemptions (none when it does not exist); a `UsageError` when it cannot be read as exemptions."""
    return [Exemption(entry) for entry in read_entries(path)]


def load_for_pack(path: Path) -> tuple[list[Exemption], str | None]:
    """As the pack loads them: a broken file is no exemptions plus the reason, reported as a violation."""
    try:
        return load_exemptions(path), None
    except UsageError as error:
        return [], str(error)


def parse_exemption(values: Mapping[str, Any]) -> Exemption:
    return Exemption(parse_entry(values))


def problems(exemption: Exemption, today: datetime.date, known_rules: Iterable[str]) -> list[str]:
    """Why an exemption cannot be honoured; empty when it is valid today."""
    found = list(exemption.entry.problems)
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


def stale(exemptions: Iterable[Exemption], urns: Iterable[str]) -> list[Exemption]:
    """The exemptions for this stack (its stack and project, read from its URNs) that match none of its resources."""
    present = set(urns)
    stacks = {_stack_of(urn) for urn in present} - {None}
    return [e for e in exemptions if e.urn and e.urn not in present and _stack_of(e.urn) in stacks]


def _stack_of(urn: str) -> tuple[str, str] | None:
    """(stack, project) of `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    parts = urn.split("::")
    if len(parts) < 4 or not parts[0].startswith(URN_PREFIX):
        return None
    return parts[0].removeprefix(URN_PREFIX), parts[1]
