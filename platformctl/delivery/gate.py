"""The deploy gate's decision: may this stack be deployed now? Deploy window, emergency override, change risk.

The window is the tier's `deploy_window` fact (platform_core.tiers): the gate, the database maintenance window
and the documentation cannot disagree about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError
from platform_core.tiers import Tier, Window, facts_for

from ..project import load_project, tier_of
from ..timestamps import parse_utc
from . import risk

INCIDENT_PATTERN = re.compile(r"[A-Z]+-\d+")
MIN_REASON_CHARS = 10


@dataclass(frozen=True)
class Emergency:
    reason: str
    incident: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    stack: str
    tier: str
    window: Window
    at: datetime
    risk: risk.Risk | None
    emergency: Emergency | None

    def to_json(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "stack": self.stack,
            "tier": self.tier,
            "window": self.window.describe(),
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "risk": self.risk.level if self.risk else None,
            "riskReasons": self.risk.reasons if self.risk else [],
            "emergency": {"reason": self.emergency.reason, "incident": self.emergency.incident}
            if self.emergency
            else None,
        }


def decide(
    stack: str,
    tier: str,
    at: datetime,
    assessed: risk.Risk | None,
    emergency: Emergency | None,
    change_advisory_approved: bool,
) -> Decision:
    """The window is checked first; an emergency overrides it but not the change-advisory rule for high risk."""
    window = window_for(tier)
    at = at.astimezone(UTC)
    inside = window.contains(at)
    risk_text = assessed.summary() if assessed else "risk not assessed (no --preview)"
    high_unapproved = assessed is not None and assessed.level == risk.HIGH and not change_advisory_approved
    if not inside and emergency is None:
        reason = f"refused: {tier} deploys only in its maintenance window {window.describe()}; now {at:%a %H:%M} UTC"
        if high_unapproved:
            reason += f"; also {risk_text} without --change-advisory-approved"
        return Decision(False, reason, stack, tier, window, at, assessed, emergency)
    where = (
        f"inside {tier} window {window.describe()}"
        if inside
        else f"emergency override outside {tier} window {window.describe()}, now {at:%a %H:%M} UTC"
    )
    if emergency is not None:
        where += f"; incident {emergency.incident}: {emergency.reason}"
    if high_unapproved:
        reason = f"refused: {risk_text}; high risk needs --change-advisory-approved; {where}"
        return Decision(False, reason, stack, tier, window, at, assessed, emergency)
    approved = ", change-advisory approved" if assessed is not None and assessed.level == risk.HIGH else ""
    return Decision(True, f"allowed: {where}; {risk_text}{approved}", stack, tier, window, at, assessed, emergency)


def window_for(tier: str) -> Window:
    try:
        return facts_for(tier).deploy_window
    except ValueError:
        raise UsageError(f"tier {tier!r} has no deploy window; known tiers: {', '.join(Tier)}") from None


def stack_tier(cwd: Path, stack: str) -> str:
    return tier_of(load_project(cwd), stack)


def parse_at(text: str) -> datetime:
    return parse_utc(text, "--at")


def parse_emergency(emergency: bool, reason: str | None, incident: str | None) -> Emergency | None:
    if not emergency:
        if reason is not None or incident is not None:
            raise UsageError("--reason and --incident only go with --emergency")
        return None
    reason = " ".join((reason or "").split())  # the decision is one line, whatever was pasted into the reason
    incident = (incident or "").strip()
    problems = []
    if len(reason) < MIN_REASON_CHARS:
        problems.append(
            f"--reason of at least {MIN_REASON_CHARS} characters (got {reason!r})"
            if reason
            else f"--reason (at least {MIN_REASON_CHARS} characters)"
        )
    if not INCIDENT_PATTERN.fullmatch(incident):
        problems.append(
            f"--incident like INC-1234, pattern [A-Z]+-\\d+ (got {incident!r})"
            if incident
            else "--incident (an incident ID like INC-1234)"
        )
    if problems:
        raise UsageError("--emergency refused: it needs " + " and ".join(problems))
    return Emergency(reason=reason, incident=incident)
