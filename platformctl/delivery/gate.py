"""The deploy gate's decision: may this stack be deployed now? Deploy window, emergency override, change risk.

The window is the tier's `deploy_window` fact (platform_core.tiers): the gate, the database maintenance window
and the documentation cannot disagree about it.

High risk needs the change advisory's approval in every tier. An unrated change (a preview that creates every
resource, without a baseline of what is deployed) needs it in prod only: the approval is what a high rating
would have asked for, so no rating cannot be the cheaper path; in dev and staging no evidence of risk is not
risk, and blocking there would block every new environment.
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
# Tiers where a change nobody could rate needs the change advisory, like a high-risk one.
RATING_REQUIRED = frozenset({Tier.PROD})


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
    """The window is checked first; an emergency overrides it but not the change-advisory rule (high risk, or
    an unrated change in prod)."""
    window = window_for(tier)
    at = at.astimezone(UTC)
    inside = window.contains(at)
    risk_text = assessed.summary() if assessed else "risk not assessed (no --preview)"
    advisory_rule = _advisory_rule(tier, assessed)
    unapproved = advisory_rule is not None and not change_advisory_approved
    if not inside and emergency is None:
        reason = f"refused: {tier} deploys only in its maintenance window {window.describe()}; now {at:%a %H:%M} UTC"
        if unapproved:
            reason += f"; also {risk_text} without --change-advisory-approved"
        return Decision(False, reason, stack, tier, window, at, assessed, emergency)
    where = (
        f"inside {tier} window {window.describe()}"
        if inside
        else f"emergency override outside {tier} window {window.describe()}, now {at:%a %H:%M} UTC"
    )
    if emergency is not None:
        where += f"; incident {emergency.incident}: {emergency.reason}"
    if unapproved:
        reason = f"refused: {risk_text}; {advisory_rule}; {where}"
        return Decision(False, reason, stack, tier, window, at, assessed, emergency)
    approved = ", change-advisory approved" if advisory_rule else ""
    return Decision(True, f"allowed: {where}; {risk_text}{approved}", stack, tier, window, at, assessed, emergency)


def _advisory_rule(tier: str, assessed: risk.Risk | None) -> str | None:
    """Why this change needs --change-advisory-approved, or None when it does not."""
    if assessed is not None and assessed.level == risk.HIGH:
        return "high risk needs --change-advisory-approved"
    if assessed is not None and assessed.level == risk.UNRATED and tier in RATING_REQUIRED:
        return (
            f"{tier} needs a rated change (--baseline FILE), or --change-advisory-approved once the change "
            "advisory reviewed the whole change (e.g. a first deploy)"
        )
    return None


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
