"""`platformctl bake`: after a deploy, watch the stack's critical alarms for the tier's bake time.

Exit status: 0 healthy (or nothing to watch: bake time 0, as in dev), 1 an alarm fired during the bake or was
already firing when it began (the report says which; the deploy job rolls back on the first), 2 bad usage (an
alarm that does not exist, an unknown stack), 4 not watched: AWS or the stack's outputs could not be read
(no credentials, no endpoint, denied, throttled), so the deploy is neither healthy nor failing. Ctrl-C: 130.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

from ..delivery.bake import (
    DEFAULT_POLL_SECONDS,
    AlarmState,
    Bake,
    CouldNotWatch,
    Describe,
    cloudwatch_describe,
    default_minutes,
    verdict,
    watch,
)
from ..delivery.gate import stack_tier
from ..exit_codes import ExitCode
from ..ops.aws_errors import one_line
from ..ops.outputs import aws_client, load_outputs
from ..timestamps import parse_utc

OUTPUT = "criticalAlarmNames"
# Looked up at each run: the tests replace them to run a 20-minute bake in milliseconds.
CLOCK, SLEEP = time.monotonic, time.sleep
PULUMI_TIMEOUT_SECONDS = 120

EPILOG = f"""\
The alarms: --alarms, else the stack output {OUTPUT} (from --outputs FILE, else `pulumi stack output --json
--stack STACK` run in --cwd). The region: --region, else the stack output primaryRegion, else the AWS
environment's. The bake time: --minutes, else the tier's (platform_core/tiers.py bake_minutes; the tier is the
stack's platform:tier). With --since (when the deploy started), an alarm found in ALARM at the start that entered
it after that time counts as set off by the deploy; without it, as already firing.
"""


def register(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--stack", required=True, help="Stack name; its tier gives the default bake time.")
    parser.add_argument("--minutes", type=_minutes, metavar="N", help="Watch for N minutes (default: the tier's).")
    parser.add_argument("--alarms", nargs="+", metavar="NAME", help=f"Alarm names (default: stack output {OUTPUT}).")
    parser.add_argument("--outputs", type=Path, metavar="FILE", help="JSON of `pulumi stack output --json`.")
    parser.add_argument("--region", help="Region of the alarms (default: stack output primaryRegion).")
    parser.add_argument(
        "--poll-seconds",
        type=_poll_seconds,
        default=DEFAULT_POLL_SECONDS,
        metavar="N",
        help="Seconds between two looks at the alarms (default %(default)g).",
    )
    parser.add_argument("--since", metavar="ISO-TIME", help="When the deploy started (see below).")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument("--json", action="store_true", help="Print the report as JSON (the verdict line to stderr).")


def run(args: argparse.Namespace) -> int:
    since = parse_utc(args.since, "--since") if args.since else None
    minutes = args.minutes if args.minutes is not None else default_minutes(stack_tier(args.cwd.resolve(), args.stack))
    try:
        outputs = _outputs(args) if minutes and (args.alarms is None or args.region is None) else {}
        alarms = args.alarms if args.alarms is not None else _alarm_names(outputs) if minutes else []
        watching = bool(minutes and alarms)  # else no AWS call at all: dev's bake time is 0
        region = (args.region or outputs.get("primaryRegion") or _environment_region()) if watching else args.region
        bake = watch(
            alarms,
            minutes,
            args.poll_seconds,
            _cloudwatch(region) if watching else _never,
            clock=CLOCK,
            sleep=SLEEP,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
            since=since,
        )
    except CouldNotWatch as error:
        print(f"bake of {args.stack}: could not watch the alarms: {error}", file=sys.stderr)
        return ExitCode.NOT_WATCHED
    _report(args, bake, region)
    return ExitCode.OK if bake.healthy else ExitCode.FINDINGS


def _report(args: argparse.Namespace, bake: Bake, region: str | None) -> None:
    line = verdict(bake, args.stack)
    if args.json:
        print(line, file=sys.stderr)
        print(json.dumps({"stack": args.stack, "region": region, **bake.to_json()}, indent=2))
    else:
        print(line)


def _outputs(args: argparse.Namespace) -> dict[str, Any]:
    if args.outputs is not None:
        return load_outputs(args.outputs)
    command = ["pulumi", "stack", "output", "--json", "--stack", args.stack, "--cwd", str(args.cwd)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=PULUMI_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CouldNotWatch(f"`{' '.join(command)}` did not run ({error}); pass --outputs FILE or --alarms") from None
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[-300:]
        raise CouldNotWatch(f"`{' '.join(command)}` failed ({detail}); pass --outputs FILE or --alarms")
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise CouldNotWatch(f"`{' '.join(command)}` did not print JSON") from None
    return document if isinstance(document, dict) else {}


def _environment_region() -> str:
    import boto3

    region = boto3.session.Session().region_name
    if not region:
        raise CouldNotWatch("no region: pass --region, or set AWS_REGION")
    return str(region)


def _cloudwatch(region: str | None) -> Describe:
    from botocore.exceptions import BotoCoreError

    try:
        return cloudwatch_describe(aws_client("cloudwatch", str(region)))
    except BotoCoreError as error:
        raise CouldNotWatch(one_line(error)) from None


def _alarm_names(outputs: dict[str, Any]) -> list[str]:
    names = outputs.get(OUTPUT)
    if not isinstance(names, list) or not all(isinstance(name, str) and name for name in names):
        raise UsageError(
            f"the stack has no output {OUTPUT} (a list of alarm names; deployed before it existed?): "
            "pass --alarms NAME ..."
        )
    return names


def _never(names: Sequence[str]) -> dict[str, AlarmState]:
    raise AssertionError("nothing to watch, yet asked to describe alarms")


def _minutes(text: str) -> float:
    return _non_negative(text, "--minutes", allow_zero=True)


def _poll_seconds(text: str) -> float:
    return _non_negative(text, "--poll-seconds", allow_zero=False)


def _non_negative(text: str, flag: str, *, allow_zero: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value >= 0 if allow_zero else value > 0) or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{flag} {text!r}: a finite number {'>= 0' if allow_zero else '> 0'}")
    return value
