"""`platformctl dr drill` and `dr failover`: the restore test, and the regional failover runbook.

Exit status: 0 every drill target met / failover done, 1 a target, check or step failed (or AWS refused; a failover
resumes by re-running), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from platform_core.errors import UsageError
from platform_core.tiers import TierFacts, facts_for

from ..exit_codes import ExitCode
from ..ops import dr_report
from ..ops.dr_drill import Drill, execute
from ..ops.dr_failover import prepare, run_steps
from ..ops.outputs import load_outputs


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="dr_command", required=True, parser_class=type(parser))
    _register_drill(
        actions.add_parser(
            "drill",
            help="Restore the newest recovery point into a throw-away instance, "
            "measure RPO/RTO, delete it, write a report.",
        )
    )
    _register_failover(
        actions.add_parser("failover", help="Fail the database over to the DR region (dry run by default).")
    )


def _register_drill(drill: argparse.ArgumentParser) -> None:
    drill.add_argument("--stack", required=True, help="Stack name (names the report).")
    drill.add_argument(
        "--outputs",
        required=True,
        type=Path,
        metavar="FILE",
        help="JSON of `pulumi stack output --json` for the stack.",
    )
    drill.add_argument(
        "--report-dir",
        type=Path,
        default=Path("dr-reports"),
        metavar="DIR",
        help="Where dr-drill-<stack>-<date>.md/.json go (default ./dr-reports).",
    )
    drill.add_argument(
        "--timeout-minutes",
        type=float,
        metavar="N",
        help="Give up waiting for the restore after N minutes (default: the tier's RTO target).",
    )
    drill.add_argument(
        "--point-in-time",
        action="store_true",
        help="Restore the primary's latest restorable time (continuous backup) instead of the newest snapshot.",
    )


def _register_failover(failover: argparse.ArgumentParser) -> None:
    failover.add_argument("--stack", required=True, help="Stack name; --confirm must repeat it.")
    failover.add_argument(
        "--outputs",
        required=True,
        type=Path,
        metavar="FILE",
        help="JSON of `pulumi stack output --json` for the stack.",
    )
    failover.add_argument("--execute", action="store_true", help="Act (default: dry run, changes nothing).")
    failover.add_argument("--dry-run", action="store_true", help="Print every step, change nothing (the default).")
    failover.add_argument("--confirm", metavar="STACK", help="With --execute: the stack name, typed exactly.")
    failover.add_argument(
        "--state", type=Path, metavar="FILE", help="Progress file (default ./dr-failover-<stack>.json)."
    )
    failover.add_argument(
        "--timeout-minutes",
        type=float,
        default=60.0,
        metavar="N",
        help="How long step 3 waits for the instance (default 60).",
    )


def run(args: argparse.Namespace) -> int:
    return {"drill": _drill, "failover": _failover}[args.dr_command](args)


def _drill(args: argparse.Namespace) -> int:
    if args.timeout_minutes is not None and args.timeout_minutes <= 0:
        raise UsageError(f"--timeout-minutes {args.timeout_minutes:g}: must be more than 0")
    outputs = load_outputs(args.outputs, ("databaseIdentifier", "primaryRegion", "tier"))
    facts = _facts(str(outputs["tier"]))
    timeout = facts.rto if args.timeout_minutes is None else timedelta(minutes=args.timeout_minutes)
    drill = Drill(args.stack, outputs, started=datetime.now(UTC))
    execute(drill, args.point_in_time, timeout)
    markdown, json_path = dr_report.write(drill, args.report_dir)
    print(dr_report.summary(drill))
    print(f"report: {markdown} and {json_path}")
    if not drill.passed:
        print("DR drill FAILED", file=sys.stderr)
    return ExitCode.OK if drill.passed else ExitCode.FINDINGS


def _facts(tier: str) -> TierFacts:
    try:
        return facts_for(tier)
    except ValueError as error:
        raise UsageError(f"outputs.tier: {error}") from None


def _failover(args: argparse.Namespace) -> int:
    if args.execute and args.dry_run:
        raise UsageError("--execute and --dry-run exclude each other")
    if args.execute and args.confirm != args.stack:
        raise UsageError(
            f"--execute fails the database of stack {args.stack!r} over to the DR region: confirm with "
            f"--confirm {args.stack} (typed exactly; got {args.confirm!r})"
        )
    if args.timeout_minutes < 0:
        raise UsageError(f"--timeout-minutes {args.timeout_minutes:g}: must be 0 or more")
    outputs = load_outputs(args.outputs, ("databaseIdentifier", "drRegion", "hostedZoneId"))
    state_path = args.state or Path(f"dr-failover-{args.stack}.json")
    failover = prepare(args.stack, outputs, args.execute, state_path, timedelta(minutes=args.timeout_minutes))
    print(
        f"{'EXECUTING' if args.execute else 'DRY RUN (nothing is changed)'}: failover of stack {args.stack} "
        f"to {outputs['drRegion']}"
    )
    return run_steps(failover)
