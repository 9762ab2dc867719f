"""`platformctl cost`: each stack's monthly AWS cost, estimated from an offline preview."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..cost import report as cost_report
from ..preview.engine import preview_stacks
from ..preview.outcome import exit_status, report_failures
from ..preview.progress import Progress
from ..project import load_project


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="all", help="Stack name, or `all` (default).")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument("--json", action="store_true", help="Print the estimates as JSON.")
    parser.add_argument("--quiet", action="store_true", help="Print no progress on stderr.")


def run(args: argparse.Namespace) -> int:
    project = load_project(args.cwd.resolve())
    stacks = project.selected_stacks(args.stack)
    prices = cost_report.load_prices()  # a broken price book fails in a second, not after every program has run
    with Progress.on_stderr(stacks, args.quiet) as progress:
        previews = preview_stacks(project, stacks, progress=progress)
        for preview in previews:
            if preview.ok:
                progress.stage(preview.stack, "pricing")
        estimates = cost_report.estimate_previews(project, previews, prices)
    if args.json:
        print(json.dumps(cost_report.to_json(estimates), indent=2))
    else:
        print("\n\n".join(cost_report.table(estimate) for estimate in estimates.values()))
        print("\n" + cost_report.totals(estimates))
    report_failures(previews)
    return exit_status(previews)
