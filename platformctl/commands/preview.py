"""`platformctl preview`: every stack offline, through the policy packs, with its cost; reports for CI."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from ..cost import report as cost_report
from ..exit_codes import ExitCode
from ..export import destination as plan_export
from ..policy.check import Started, check_stacks, config_for, pack_paths, started_packs
from ..policy.reports import blocking, counts, markdown, ordered, sarif, table
from ..policy.runner import Finding, PackFailed, pack_interpreter
from ..policy.validate import validate_pack_inputs
from ..preview.destinations import check_writable, write_report
from ..preview.engine import StackPreview, preview_stacks
from ..preview.outcome import exit_status, report_failures
from ..preview.progress import Progress
from ..preview.render import preview_json, preview_text
from ..project import Project, load_project


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="all", help="Stack name, or `all` (default) for every stack file.")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument(
        "--json", action="store_true", help="Print the preview as JSON, shaped like `pulumi preview --json`."
    )
    parser.add_argument(
        "--policy-pack",
        action="append",
        default=[],
        metavar="DIR",
        help="Run this CrossGuard policy pack over each stack (repeatable).",
    )
    parser.add_argument(
        "--policy-pack-config",
        action="append",
        default=[],
        metavar="FILE",
        help="Config of the policy pack at the same position; {stack} in the path is replaced by the stack name.",
    )
    parser.add_argument("--sarif", type=Path, metavar="FILE", help="Write policy findings as SARIF 2.1.0.")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="Write a pull-request summary in Markdown.")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="`preview --json` of the target branch: each stack's cost change is shown beside its total.",
    )
    parser.add_argument(
        "--terraform-plan",
        type=Path,
        metavar="DIR",
        help="Also write DIR/<stack>.tfplan.json, each stack's AWS resources as `terraform show -json` writes a plan.",
    )
    parser.add_argument("--quiet", action="store_true", help="Print no progress on stderr.")


def run(args: argparse.Namespace) -> int:
    base = Path.cwd()
    project = load_project(args.cwd.resolve())
    stacks = project.selected_stacks(args.stack)
    packs, configs = pack_paths(args.policy_pack, args.policy_pack_config, base)
    interpreters = {pack: pack_interpreter(pack) for pack in packs}  # a missing pack virtualenv: usage error
    for stack in stacks:  # a missing per-stack config is a usage error before anything runs
        for config in configs:
            config_for(config, stack, base)
    validate_pack_inputs(packs, configs, stacks, base)  # exemptions and configs vs the pack's schema: exit 2 now
    for option, destination in (("--sarif", args.sarif), ("--markdown", args.markdown)):
        if destination:  # a report that cannot be written fails now, not after every program has run
            check_writable(option, destination)
    if args.terraform_plan:
        plan_export.check_directory(args.terraform_plan)
    baseline = cost_report.read_baseline(args.baseline) if args.baseline else None
    prices = cost_report.load_prices()  # a broken price book fails in a second, not after every program has run
    try:
        with (
            Progress.on_stderr(stacks, args.quiet) as progress,  # closed (live lines erased) before any result
            started_packs(project, stacks, packs) as started,
        ):
            previews = preview_stacks(project, stacks, progress=progress)
            findings = _check(project, previews, packs, configs, base, progress, started)
            for preview in previews:
                if preview.ok:
                    progress.stage(preview.stack, "pricing")
            estimates = cost_report.estimate_previews(project, previews, prices)
    except PackFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.FINDINGS
    alert = prices.rise_alert_percent
    _print_results(args, stacks, previews, findings, estimates, interpreters, baseline, alert)
    _write_reports(args, project, findings, estimates, baseline, alert)
    if args.terraform_plan:  # with --json, stdout stays one JSON document: the lines go to stderr
        for line in plan_export.write(previews, args.terraform_plan):
            print(line, file=sys.stderr if args.json else sys.stdout)
    report_failures(previews)
    status = exit_status(previews)
    if status == ExitCode.OK and any(map(blocking, findings.values())):
        return ExitCode.FINDINGS
    return status


def _check(
    project: Project,
    previews: list[StackPreview],
    packs: list[Path],
    configs: list[str | None],
    base: Path,
    progress: Progress,
    started: Started,
) -> dict[str, list[Finding]]:
    if not packs:
        return {}
    for preview in previews:
        if preview.ok:
            progress.stage(preview.stack, "evaluating policies")
    found = check_stacks(project, previews, packs, configs, base, started)
    # Findings in a fixed order before the reports order them by level and rule: ties then fall the same way.
    return {stack: sorted(items, key=lambda f: (f.policy, f.urn, f.message)) for stack, items in found.items()}


def _print_results(
    args: argparse.Namespace,
    stacks: list[str],
    previews: list[StackPreview],
    findings: dict[str, list[Finding]],
    estimates: dict[str, cost_report.StackEstimate],
    interpreters: dict[Path, str],
    baseline: dict[str, float] | None,
    alert_percent: float,
) -> None:
    if args.json:
        body = _json_body(stacks, previews, findings, _cost_json(estimates, baseline, alert_percent), interpreters)
        print(json.dumps(body, indent=2))
        return
    width = shutil.get_terminal_size().columns  # COLUMNS when set; 80 when stdout is no terminal
    for preview in previews:
        if preview.ran:  # refused resources show in the tree's diagnostics, as `pulumi preview` lists them
            print(preview_text(preview))
            if preview.stack in findings:
                print("\n" + table(findings[preview.stack], width=width))
            print()
    print(_summary(previews, findings))
    if interpreters:
        print(
            "\nPolicy packs:\n"
            + "\n".join(f"    {pack}: ran with {interpreter}" for pack, interpreter in interpreters.items())
        )
    if estimates:
        print("\n" + cost_report.totals(estimates, baseline, alert_percent))


def _cost_json(
    estimates: dict[str, cost_report.StackEstimate], baseline: dict[str, float] | None, alert_percent: float
) -> dict[str, dict[str, Any]]:
    documents = {stack: estimate.to_json() for stack, estimate in estimates.items()}
    if baseline is not None:  # additive: the keys `pulumi preview --json` consumers know stay as they are
        for stack, document in documents.items():
            document.update(cost_report.change_json(estimates[stack].high, baseline.get(stack), alert_percent))
    return documents


def _json_body(
    stacks: list[str],
    previews: list[StackPreview],
    findings: dict[str, list[Finding]],
    costs: dict[str, dict[str, Any]],
    interpreters: dict[Path, str],
) -> dict[str, Any]:
    """One stack: its document, as `pulumi preview --json` prints it; several: `{"stacks": {name: document}}`."""
    documents = {
        preview.stack: _json_document(preview, findings.get(preview.stack), costs.get(preview.stack))
        for preview in previews
    }
    for document in documents.values():
        if interpreters:  # which Python ran each pack: its own virtualenv, as the CLI would use
            document["policyPacks"] = [
                {"path": str(pack), "interpreter": interpreter} for pack, interpreter in interpreters.items()
            ]
    return documents[stacks[0]] if len(stacks) == 1 else {"stacks": documents}


def _json_document(
    preview: StackPreview, findings: list[Finding] | None, cost: dict[str, Any] | None
) -> dict[str, Any]:
    document = preview_json(preview)
    if not preview.ran:  # a refused resource is already a diagnostic of its own, with its URN
        document["diagnostics"].append({"severity": "error", "message": preview.message})
    if findings is not None:
        document["policyViolations"] = [f.to_json() for f in ordered(findings)]
    if cost is not None:
        document["cost"] = cost
    return document


def _write_reports(
    args: argparse.Namespace,
    project: Project,
    findings: dict[str, list[Finding]],
    estimates: dict[str, cost_report.StackEstimate],
    baseline: dict[str, float] | None,
    alert_percent: float,
) -> None:
    if args.sarif:
        stack_files = {stack: str(project.stack_file(stack).relative_to(project.root)) for stack in findings}
        write_report("--sarif", args.sarif, json.dumps(sarif(findings, stack_files), indent=2))
    if args.markdown:
        sections = [markdown(findings)] if findings else []
        sections.append(cost_report.markdown(estimates, baseline, alert_percent))
        write_report("--markdown", args.markdown, "\n".join(sections))


def _summary(previews: list[StackPreview], findings: dict[str, list[Finding]]) -> str:
    lines = ["Summary:"]
    for preview in previews:
        state = f"{len(preview.resources)} resources" if preview.ok else preview.status
        if preview.status == "check-error":
            state = f"{len(preview.violations)} errors"
        policy = ""
        if preview.stack in findings:
            summary = counts(findings[preview.stack])
            policy = (
                f"  policies: {summary['mandatory']} mandatory, {summary['advisory']} advisory, "
                f"{summary['exempted']} exempted"
            )
        lines.append(f"    {preview.stack:<10} {state:<16} {preview.wall_seconds:6.2f}s{policy}")
    return "\n".join(lines)
