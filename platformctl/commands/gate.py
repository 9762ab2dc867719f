"""`platformctl gate`: may this stack be deployed now? Exit 0 allowed, 3 refused, 2 bad usage.

The first line printed is always the one-line reason (on stderr with `--json`, so stdout stays one JSON
document): the deploy job shows it as the reason it stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..delivery import risk
from ..delivery.gate import MIN_REASON_CHARS, decide, parse_at, parse_emergency, stack_tier
from ..exit_codes import ExitCode


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, help="Stack name; its tier (config platform:tier) picks the window.")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument("--at", metavar="ISO-TIME", help="Time to decide for, ISO 8601 with a timezone (default: now).")
    parser.add_argument(
        "--preview",
        type=Path,
        metavar="FILE",
        help="`platformctl preview --json` or `pulumi preview --json` of the change, to rate its risk.",
    )
    parser.add_argument(
        "--emergency", action="store_true", help="Deploy outside the window (with --reason, --incident)."
    )
    parser.add_argument("--reason", help=f"Why the emergency cannot wait (at least {MIN_REASON_CHARS} characters).")
    parser.add_argument("--incident", help="Incident ID of the emergency, e.g. INC-1234.")
    parser.add_argument(
        "--change-advisory-approved",
        action="store_true",
        help="The change advisory approved this change: required when the risk is high.",
    )
    parser.add_argument("--json", action="store_true", help="Print the decision as JSON (the reason line to stderr).")


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
    return ExitCode.OK if decision.allowed else ExitCode.REFUSED
