"""`platformctl gate`: may this stack be deployed now? Maintenance windows, emergency override, change risk.

Exit status: 0 allowed, 3 refused, 2 bad usage. The first line printed is always the one-line reason
(on stderr with `--json`, so stdout stays one JSON document).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from . import risk
from .project import UsageError, load_project, tier_of
from .timestamps import parse_utc

EXIT_ALLOWED, EXIT_REFUSED = 0, 3
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
INCIDENT_PATTERN = re.compile(r"[A-Z]+-\d+")
MIN_REASON_CHARS = 10


@dataclass(frozen=True)
class Window:
    """Weekdays (0 = Monday) and a UTC time range, start inclusive, end exclusive, within one day."""

    days: tuple[int, ...]
    start: time
    end: time

    def contains(self, at: datetime) -> bool:
        moment = at.astimezone(UTC)
        return moment.weekday() in self.days and self.start <= moment.time() < self.end

    def describe(self) -> str:
        first, last = DAY_NAMES[self.days[0]], DAY_NAMES[self.days[-1]]
        days = first if len(self.days) == 1 else f"{first}-{last}"  # tables below use single days or runs
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} UTC"


# Deploy windows per tier. prod and staging deploy in the low-traffic hours that are also their
# database maintenance windows (components/tiers.py); dev deploys when people are around to notice breakage.
WINDOWS: dict[str, Window] = {
    "prod": Window(days=(6,), start=time(2), end=time(6)),
    "staging": Window(days=(5,), start=time(2), end=time(6)),
    "dev": Window(days=(0, 1, 2, 3, 4), start=time(9), end=time(17)),
}


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


def add_parser(commands: argparse._SubParsersAction) -> None:
    gate = commands.add_parser("gate", help="Decide whether a stack may be deployed now (exit 0 allowed, 3 refused).")
    gate.add_argument("--stack", required=True, help="Stack name; its tier (config platform:tier) picks the window.")
    gate.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    gate.add_argument("--at", metavar="ISO-TIME", help="Time to decide for, ISO 8601 with a timezone (default: now).")
    gate.add_argument(
        "--preview",
        type=Path,
        metavar="FILE",
        help="`platformctl preview --json` or `pulumi preview --json` of the change, to rate its risk.",
    )
    gate.add_argument("--emergency", action="store_true", help="Deploy outside the window (with --reason, --incident).")
    gate.add_argument("--reason", help=f"Why the emergency cannot wait (at least {MIN_REASON_CHARS} characters).")
    gate.add_argument("--incident", help="Incident ID of the emergency, e.g. INC-1234.")
    gate.add_argument(
        "--change-advisory-approved",
        action="store_true",
        help="The change advisory approved this change: required when the risk is high.",
    )
    gate.add_argument("--json", action="store_true", help="Print the decision as JSON (the reason line to stderr).")
    gate.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    emergency = parse_emergency(args.emergency, args.reason, args.incident)
    at = parse_at(args.at) if args.at else datetime.now(UTC)
    tier = stack_tier(args.cwd.resolve(), args.stack)
    assessed = risk.assess(risk.read_steps(args.preview, args.stack)) if args.preview else None
    decision = decide(args.stack, tier, at, assessed, emergency, args.change_advisory_approved)
    if args.json:
        print(decision.reason, file=sys.stderr)
        print(json.dumps(decision.to_json(), indent=2))
    else:
        print(decision.reason)
    return EXIT_ALLOWED if decision.allowed else EXIT_REFUSED


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
    if tier not in WINDOWS:
        raise UsageError(f"tier {tier!r} has no deploy window; known tiers: {', '.join(WINDOWS)}")
    return WINDOWS[tier]


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
