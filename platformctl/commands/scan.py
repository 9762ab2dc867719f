"""`platformctl scan`: Checkov on each stack's Terraform-plan export, against policies/scanner-baseline.yaml.

Every stack is previewed offline (as `preview` does), exported with `platformctl.export.terraform_plan`, and
scanned by Checkov from .venv-scan (see platformctl.scan.checkov for how it is kept offline). Exit 0 when each
failed check is in the baseline; 1 for a failed check that is not, a stale baseline entry, or a plan Checkov
did not read whole; 2 for a bad baseline or no Checkov (`make install`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

from ..exit_codes import ExitCode
from ..preview.engine import StackPreview, preview_stacks
from ..preview.outcome import exit_status, report_failures
from ..preview.progress import Progress
from ..project import load_project
from ..scan.baseline import DEFAULT_PATH, BaselineEntry, load_baseline
from ..scan.checkov import CheckovFailed, CheckovReport, checkov_binary, run_checkov
from ..scan.compare import Verdict, compare


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="all", help="Stack name, or `all` (default) for every stack file.")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help=f"The accepted findings (default: {DEFAULT_PATH} of the project).",
    )
    parser.add_argument("--json", action="store_true", help="Print a machine-readable report.")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="Write the plans (<stack>.tfplan.json) and Checkov's reports (<stack>.checkov.json) here and keep them.",
    )
    parser.add_argument("--quiet", action="store_true", help="Print no progress on stderr.")


def run(args: argparse.Namespace) -> int:
    project = load_project(args.cwd.resolve())
    stacks = project.selected_stacks(args.stack)
    binary = checkov_binary(project.root)  # before minutes of previews: exit 2 now
    baseline_path = args.baseline or project.root / DEFAULT_PATH
    entries = load_baseline(baseline_path, datetime.date.today())
    if args.keep:
        _check_keep(args.keep)
    with (
        tempfile.TemporaryDirectory(prefix="platformctl-scan-") as scratch,
        Progress.on_stderr(stacks, args.quiet) as progress,
    ):  # closed (live lines erased) before any result
        previews = preview_stacks(project, stacks, progress=progress)
        if not all(preview.ok for preview in previews):
            progress.close()
            report_failures(previews)
            return exit_status(previews) or ExitCode.FINDINGS
        try:
            reports = _export_and_scan(previews, binary, Path(scratch), args.keep, progress)
        except CheckovFailed as error:
            progress.close()
            print(f"error: {error}", file=sys.stderr)
            return ExitCode.FINDINGS
    verdict = compare(reports, entries)
    if args.json:
        print(json.dumps(report_json(verdict, binary, baseline_path, reports), indent=2))
    else:
        print(report_text(verdict, binary, baseline_path, len(entries)))
    return ExitCode.OK if verdict.ok else ExitCode.FINDINGS


def _export_and_scan(
    previews: list[StackPreview], binary: Path, scratch: Path, keep: Path | None, progress: Progress
) -> dict[str, tuple[CheckovReport, int]]:
    from ..export.terraform_plan import write_plans  # only `scan` and `preview --terraform-plan` need it

    plans = write_plans(previews, keep or scratch / "plans")
    reports = {}
    for stack, plan in plans.items():
        progress.stage(stack, "scanning with Checkov")
        raw = keep / f"{stack}.checkov.json" if keep else None
        reports[stack] = (run_checkov(binary, plan.path, scratch / "checkov-home", raw), plan.aws_resources)
        progress.stage(stack, "scanned")
    return reports


def _check_keep(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--keep {directory}: is not a directory; give a directory to keep the plans in")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--keep {directory}: cannot create it ({error.strerror})") from None


def report_text(verdict: Verdict, binary: Path, baseline: Path, entries: int) -> str:
    lines = [f"Checkov ({binary}) against {baseline} ({entries} entries)"]
    new = [(scan.stack, finding) for scan in verdict.stacks for finding in scan.new]
    if new:
        lines.append("\nFailed checks not in the baseline (fix them, or add an entry with a reason):")
        for stack, finding in new:
            lines.append(f"    {stack:<8} {finding.check_id:<12} {finding.resource}")
            lines.append(f"             {finding.name}" + (f" ({finding.guideline})" if finding.guideline else ""))
    if verdict.stale:
        lines.append("\nStale baseline entries (no failed check matches them any more: remove them):")
        lines.extend(f"    {entry.label}, owner {entry.owner}" for entry in verdict.stale)
    problems = [(scan.stack, problem) for scan in verdict.stacks for problem in scan.problems]
    if problems:
        lines.append("\nPlans Checkov did not read whole:")
        lines.extend(f"    {stack:<8} {problem}" for stack, problem in problems)
    lines.append("\nSummary:")
    for scan in verdict.stacks:
        counts = scan.summary()
        lines.append(
            f"    {scan.stack:<8} {counts['resources']:>4} resources  passed {counts['passed']:>4}  "
            f"failed {counts['failed']:>3}  baselined {counts['baselined']:>3}  new {counts['new']:>3}"
        )
    lines.append("\n" + ("ok" if verdict.ok else _failure_line(verdict, len(new), len(problems))))
    return "\n".join(lines)


def _failure_line(verdict: Verdict, new: int, problems: int) -> str:
    parts = [_count(new, "failed check") + " not in the baseline", _count(len(verdict.stale), "stale entry")]
    if problems:
        parts.append(_count(problems, "plan problem"))
    return "FAILED: " + ", ".join(parts)


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


def report_json(
    verdict: Verdict, binary: Path, baseline: Path, reports: dict[str, tuple[CheckovReport, int]]
) -> dict[str, Any]:
    versions = sorted({report.version for report, _ in reports.values()})
    return {
        "ok": verdict.ok,
        "checkov": {"path": str(binary), "version": versions[0] if len(versions) == 1 else versions},
        "baseline": str(baseline),
        "stacks": {scan.stack: scan.to_json() for scan in verdict.stacks},
        "staleEntries": [_entry_json(entry) for entry in verdict.stale],
    }


def _entry_json(entry: BaselineEntry) -> dict[str, Any]:
    return entry.model_dump(mode="json")
