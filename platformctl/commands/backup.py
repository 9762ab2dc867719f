"""`platformctl backup audit`: compare the live AWS Backup setup with what the stack declares.

Exit status: 0 clean, 1 at least one finding, 2 bad usage (outputs file, tier, --now, no AWS access).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from platform_core.errors import UsageError
from platform_core.tiers import Tier

from ..exit_codes import ExitCode
from ..ops.backup_audit import audit_stack
from ..ops.backup_declared import REQUIRED_OUTPUTS, declared_from
from ..ops.backup_findings import Audit
from ..ops.outputs import load_outputs
from ..timestamps import parse_utc


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="backup_command", metavar="ACTION", required=True, parser_class=type(parser))
    audit = actions.add_parser("audit", help="Compare the live AWS Backup setup with the stack (exit 1 on findings).")
    audit.add_argument("--stack", required=True, help="Stack name, for the report.")
    audit.add_argument(
        "--outputs",
        type=Path,
        required=True,
        metavar="FILE",
        help="JSON of `pulumi stack output --json` for the stack.",
    )
    audit.add_argument(
        "--tier", choices=[tier.value for tier in Tier], help="Tier to audit against (default: outputs.tier)."
    )
    audit.add_argument("--json", action="store_true", help='Print {"stack", "findings", "checked"} as JSON.')
    audit.add_argument("--now", metavar="ISO-TIME", help="Time to measure recovery-point ages from (default: now).")


def run(args: argparse.Namespace) -> int:
    return {"audit": _audit}[args.backup_command](args)


def _audit(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError

    now = parse_utc(args.now, "--now") if args.now else datetime.now(UTC)
    outputs = load_outputs(args.outputs, REQUIRED_OUTPUTS)
    declared = declared_from(args.stack, outputs, args.tier, source=f"--outputs {args.outputs}")
    try:
        audit = audit_stack(declared, now)
    except BotoCoreError as error:  # no credentials, no endpoint: nothing was audited
        raise UsageError(f"cannot audit stack {args.stack!r}: {error}") from None
    if args.json:
        findings = [asdict(f) for f in audit.findings]
        print(json.dumps({"stack": declared.stack, "findings": findings, "checked": audit.checked}, indent=2))
    else:
        print(report(audit))
    return ExitCode.FINDINGS if audit.findings else ExitCode.OK


def report(audit: Audit) -> str:
    declared = audit.declared
    head = f"backup audit of stack {declared.stack} ({declared.tier}, {declared.region}): "
    if not audit.findings:
        return head + f"clean, {len(audit.checked)} checks passed"
    rows = [("SEVERITY", "CHECK", "RESOURCE", "FINDING", "EXPECTED")]
    rows += [(f.severity, f.check, f.resource, f.finding, f.expected) for f in audit.findings]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]]) for row in rows
    ]
    return "\n".join([head + f"{len(audit.findings)} finding(s)", *lines])
