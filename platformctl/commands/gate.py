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

from platform_core.errors import UsageError

from ..delivery import risk
from ..delivery.deployed import read_deployed
from ..delivery.gate import MIN_REASON_CHARS, decide, parse_at, parse_emergency, stack_tier
from ..delivery.steps import read_steps
from ..exit_codes import ExitCode

EPILOG = """\
Risk: a preview with any step other than a create (a real `pulumi preview --json` of a deployed stack: its
root stack step is `same`) was diffed against the stack's state and is rated from its steps. A preview that
creates every resource (every offline `platformctl preview`, or the first deploy of a stack) shows nothing of
what changes: with --baseline only what differs from the baseline counts (same type and inputs: no change;
other inputs: a change, high risk on a stateful or protected resource since it may be a replacement; a
resource the preview no longer has: a delete); without one the risk is "unrated". High risk needs
--change-advisory-approved in every tier; an unrated change needs it in prod (or --baseline, to have it rated)
and is allowed in dev and staging.

Baselines: a `platformctl preview --json` of the deployed commit (best for an offline preview: same engine,
same mock values) or a `pulumi preview --json --show-sames` of it (without --show-sames it leaves out unchanged
resources), `pulumi stack export` (inputs computed from other resources differ from an offline preview's mock
values, so those count as changes), or a stateful snapshot tests/snapshots/stateful-<stack>.json (shows lost
stateful resources only; anything else stays unrated). The preview and the baseline must be of --stack.
"""


def register(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--stack", required=True, help="Stack name; its tier (config platform:tier) picks the window.")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument(
        "--at", metavar="ISO-TIME", help="Time to decide for, ISO 8601 with a timezone, e.g. 2026-11-29T03:00:00Z."
    )
    parser.add_argument(
        "--preview",
        type=Path,
        metavar="FILE",
        help="`platformctl preview --json` or `pulumi preview --json` of the change (of --stack), to rate its risk.",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="What is deployed, to rate a preview that creates every resource (see below).",
    )
    parser.add_argument(
        "--emergency", action="store_true", help="Deploy outside the window (with --reason, --incident)."
    )
    parser.add_argument("--reason", help=f"Why the emergency cannot wait (at least {MIN_REASON_CHARS} characters).")
    parser.add_argument("--incident", help="Incident ID of the emergency, e.g. INC-1234.")
    parser.add_argument(
        "--change-advisory-approved",
        action="store_true",
        help="The change advisory approved this change: required when the risk is high, and in prod when unrated.",
    )
    parser.add_argument("--json", action="store_true", help="Print the decision as JSON (the reason line to stderr).")


def run(args: argparse.Namespace) -> int:
    emergency = parse_emergency(args.emergency, args.reason, args.incident)
    at = parse_at(args.at) if args.at else datetime.now(UTC)
    tier = stack_tier(args.cwd.resolve(), args.stack)
    assessed = _assess(args)
    decision = decide(args.stack, tier, at, assessed, emergency, args.change_advisory_approved)
    if args.json:
        print(decision.reason, file=sys.stderr)
        print(json.dumps(decision.to_json(), indent=2))
    else:
        print(decision.reason)
    return ExitCode.OK if decision.allowed else ExitCode.REFUSED


def _assess(args: argparse.Namespace) -> risk.Risk | None:
    if args.preview is None:
        if args.baseline is not None:
            raise UsageError(f"--baseline {args.baseline} rates a preview: give --preview FILE too")
        return None
    steps = read_steps(args.preview, args.stack)
    deployed = read_deployed(args.baseline, args.stack) if args.baseline else None
    return risk.rate(steps, deployed)
