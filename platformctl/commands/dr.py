"""`platformctl dr drill` and `dr failover`: the restore test, and the regional failover runbook.

Exit status: 0 every drill target met / failover done, 1 a target, check or step failed (or AWS refused; a failover
resumes by re-running), 2 bad usage or AWS not usable (credentials, endpoint, permissions, throttling after
retries: one line; the drill writes no report), 3 a failover refused: another run holds the stack's lock.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from datetime import timedelta
from pathlib import Path

from platform_core.errors import UsageError
from platform_core.tiers import TierFacts, facts_for

from ..exit_codes import ExitCode
from ..ops import dr_drill, dr_report
from ..ops.aws_errors import InfrastructureError
from ..ops.dr_drill import Drill, execute
from ..ops.dr_orphans import DEFAULT_ORPHAN_AGE
from ..ops.failover_session import Request, break_stale_lock, run_failover
from ..ops.failover_state import Identity
from ..ops.failover_store import locate
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
        metavar="DIR",
        help=f"Where dr-drill-<stack>-<run id>.md/.json go (default ./{dr_report.DEFAULT_DIRECTORY}, git-ignored); "
        "checked before anything is restored.",
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
    drill.add_argument(
        "--orphan-age-hours",
        type=float,
        default=DEFAULT_ORPHAN_AGE / timedelta(hours=1),
        metavar="N",
        help="Delete instances earlier drills of the stack left behind once older than N hours "
        "(default %(default)g; at least the drill's wait plus 10 min, so a drill still running is never taken "
        "for one).",
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
    failover.add_argument(
        "--confirm", metavar="STACK", help="With --execute or --break-lock: the stack name, typed exactly."
    )
    failover.add_argument(
        "--reason", metavar="TEXT", help="With --execute (required): why, recorded in the lock and the state."
    )
    failover.add_argument(
        "--state-bucket",
        metavar="BUCKET",
        help="Bucket (or s3://bucket[/prefix][?region=R]) holding the lock and progress (default: bootstrap/'s "
        "platform-failover-<account>-<drRegion>, in the DR region so that a failing primary region cannot block it; "
        "account and drRegion come from --outputs).",
    )
    failover.add_argument(
        "--state", type=Path, metavar="FILE", help="Local cache of the progress (default ./dr-failover-<stack>.json)."
    )
    failover.add_argument(
        "--timeout-minutes",
        type=float,
        metavar="N",
        help="How long step 3 waits for the instance (default: what is left of the tier's RTO).",
    )
    failover.add_argument(
        "--break-lock",
        action="store_true",
        help="Remove the stack's failover lock left by a dead run (needs --confirm STACK); fails nothing over.",
    )


def run(args: argparse.Namespace) -> int:
    return {"drill": _drill, "failover": _failover}[args.dr_command](args)


# Pulumi's rule for a stack's own name (no org/project: the name goes into file names and tags).
STACK_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
# A drill's instance lives for its wait plus finding and restoring the point: an older one is an orphan.
ORPHAN_MARGIN = timedelta(minutes=10)


def _drill(args: argparse.Namespace) -> int:
    _check_drill_flags(args)
    outputs = load_outputs(args.outputs, ("databaseIdentifier", "primaryRegion", "tier"))
    facts = _facts(str(outputs["tier"]))
    timeout = facts.rto if args.timeout_minutes is None else timedelta(minutes=args.timeout_minutes)
    orphan_age = timedelta(hours=args.orphan_age_hours)
    if orphan_age < timeout + ORPHAN_MARGIN:
        raise UsageError(
            f"--orphan-age-hours {args.orphan_age_hours:g}: must be at least the drill's wait of "
            f"{timeout / timedelta(minutes=1):g} min (the tier's RTO, or --timeout-minutes) plus "
            f"{ORPHAN_MARGIN / timedelta(minutes=1):g} min: a younger drill instance may belong to a drill "
            "still running"
        )
    directory = dr_report.prepare_directory(args.report_dir)  # before any AWS call
    drill = Drill(args.stack, outputs, started=dr_drill.utc_now())
    try:
        execute(drill, args.point_in_time, timeout, orphan_age)
    except InfrastructureError as error:
        raise InfrastructureError(f"{error}; no report written") from None
    print(dr_report.summary(drill))
    try:
        markdown, json_path = dr_report.write(drill, directory)
    except OSError as error:
        raise UsageError(f"report directory {directory}: cannot write the report ({error.strerror or error})") from None
    print(f"report: {markdown} and {json_path}")
    if not drill.passed:
        print("DR drill FAILED", file=sys.stderr)
    return ExitCode.OK if drill.passed else ExitCode.FINDINGS


def _check_drill_flags(args: argparse.Namespace) -> None:
    if not STACK_NAME.fullmatch(args.stack):
        raise UsageError(
            f"--stack {args.stack!r}: a stack name is 1-100 letters, digits, '-', '_' or '.', without an "
            "organization or project (it names the report files and the drill's tags)"
        )
    for flag, value, unit in (
        ("--timeout-minutes", args.timeout_minutes, "minutes"),
        ("--orphan-age-hours", args.orphan_age_hours, "hours"),
    ):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise UsageError(f"{flag} {value:g}: must be a number of {unit} more than 0")


def _facts(tier: str) -> TierFacts:
    try:
        return facts_for(tier)
    except ValueError as error:
        raise UsageError(f"outputs.tier: {error}") from None


FAILOVER_OUTPUTS = ("databaseIdentifier", "databaseArn", "drRegion", "hostedZoneId", "tier")


def _failover(args: argparse.Namespace) -> int:
    _check_failover_flags(args)
    outputs = load_outputs(args.outputs, FAILOVER_OUTPUTS)
    if args.break_lock:  # the outputs name the DR region even when --state-bucket names the bucket
        identity = Identity.from_outputs(args.stack, outputs, args.outputs)
        return break_stale_lock(locate(args.state_bucket, identity.account, identity.region), args.stack)
    request = Request(
        stack=args.stack,
        outputs=outputs,
        outputs_path=args.outputs,
        facts=_facts(str(outputs["tier"])),
        execute=args.execute,
        state_path=args.state or Path(f"dr-failover-{args.stack}.json"),
        state_bucket=args.state_bucket,
        reason=(args.reason or "").strip(),
        timeout_minutes=args.timeout_minutes,
    )
    return run_failover(request)


def _check_failover_flags(args: argparse.Namespace) -> None:
    if not STACK_NAME.fullmatch(args.stack):
        raise UsageError(
            f"--stack {args.stack!r}: a stack name is 1-100 letters, digits, '-', '_' or '.', without an "
            "organization or project (it names the lock and state keys in the failover bucket)"
        )
    if args.execute and args.dry_run:
        raise UsageError("--execute and --dry-run exclude each other")
    if args.break_lock and (args.execute or args.dry_run):
        raise UsageError("--break-lock only removes the lock; run --execute again once it is broken")
    if (args.execute or args.break_lock) and args.confirm != args.stack:
        action = "--break-lock removes the failover lock" if args.break_lock else "--execute fails the database"
        raise UsageError(
            f"{action} of stack {args.stack!r}: confirm with --confirm {args.stack} "
            f"(typed exactly; got {args.confirm!r})"
        )
    if args.execute and not (args.reason or "").strip():
        raise UsageError(
            "--execute needs --reason TEXT: why this failover runs (e.g. the incident), recorded in the lock and "
            "the state and shown to anyone who tries a second run"
        )
    if args.timeout_minutes is not None and not (math.isfinite(args.timeout_minutes) and args.timeout_minutes >= 0):
        raise UsageError(f"--timeout-minutes {args.timeout_minutes:g}: must be a number of minutes, 0 or more")
