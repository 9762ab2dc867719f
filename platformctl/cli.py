"""`python -m platformctl …`: the operator CLI.

Exit status: 0 success, 1 a program failed or the AWS provider would refuse a resource (one error per
resource, with its URN, as `pulumi preview` reports them), 2 bad usage or bad configuration (one paragraph
on stderr naming the key, the value and what is allowed; never a traceback), 3 `gate` refused the deploy.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import backup_audit, cost_report, dr, gate, urn_guard
from .engine import StackPreview, preview_stacks
from .policy_check import check_stacks, config_for, pack_paths
from .policy_runner import Finding, PackFailed, pack_interpreter
from .project import Project, UsageError, load_project
from .render import preview_json, preview_text
from .reports import blocking, counts, markdown, ordered, sarif, table

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code is already 2; keep its text short
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="platformctl", description="Operate the platform-infrastructure program.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    preview = commands.add_parser("preview", help="Preview stacks offline under the Pulumi SDK's mock monitor.")
    preview.add_argument("--stack", default="all", help="Stack name, or `all` (default) for every stack file.")
    preview.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    preview.add_argument(
        "--json", action="store_true", help="Print the preview as JSON, shaped like `pulumi preview --json`."
    )
    preview.add_argument(
        "--policy-pack",
        action="append",
        default=[],
        metavar="DIR",
        help="Run this CrossGuard policy pack over each stack (repeatable).",
    )
    preview.add_argument(
        "--policy-pack-config",
        action="append",
        default=[],
        metavar="FILE",
        help="Config of the policy pack at the same position; {stack} in the path is replaced by the stack name.",
    )
    preview.add_argument("--sarif", type=Path, metavar="FILE", help="Write policy findings as SARIF 2.1.0.")
    preview.add_argument("--markdown", type=Path, metavar="FILE", help="Write a pull-request summary in Markdown.")
    preview.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="`preview --json` of the target branch: the Markdown shows each stack's cost change.",
    )
    preview.set_defaults(handler=run_preview)
    cost = commands.add_parser("cost", help="Estimate each stack's monthly AWS cost offline.")
    cost.add_argument("--stack", default="all", help="Stack name, or `all` (default).")
    cost.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    cost.add_argument("--json", action="store_true", help="Print the estimates as JSON.")
    cost.set_defaults(handler=run_cost)
    docs = commands.add_parser("config-docs", help="Print (or --write into Pulumi.yaml) the platform:* key reference.")
    docs.add_argument("--write", action="store_true", help="Refresh the generated block in ./Pulumi.yaml.")
    docs.set_defaults(handler=run_config_docs)
    gate.add_parser(commands)
    urn_guard.add_command(commands)
    backup_audit.add_parser(commands)
    dr.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_preview(args: argparse.Namespace) -> int:
    base = Path.cwd()
    project = load_project(args.cwd.resolve())
    stacks = project.stacks() if args.stack == "all" else [args.stack]
    if not stacks:
        raise UsageError(f"no stack files (Pulumi.<stack>.yaml) in {project.stack_config_dir}")
    packs, configs = pack_paths(args.policy_pack, args.policy_pack_config, base)
    interpreters = {pack: pack_interpreter(pack) for pack in packs}  # a missing pack virtualenv: usage error
    for stack in stacks:  # a missing per-stack config is a usage error before anything runs
        for config in configs:
            config_for(config, stack, base)
    baseline = cost_report.read_baseline(args.baseline) if args.baseline else None
    previews = preview_stacks(project, stacks)
    try:
        findings = check_stacks(project, previews, packs, configs, base) if packs else {}
    except PackFailed as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    estimates = cost_report.estimate_previews(project, previews)
    _print_results(args, stacks, previews, findings, estimates, interpreters)
    _write_reports(args, project, findings, estimates, baseline)
    _report_failures(previews)
    status = _exit_status(previews)
    return status if status != EXIT_OK else (EXIT_FAILED if any(map(blocking, findings.values())) else EXIT_OK)


def run_config_docs(args: argparse.Namespace) -> int:
    from .config_docs import reference, refresh  # imports the platform's own model: not needed by preview

    if args.write:
        changed = refresh(Path.cwd() / "Pulumi.yaml")
        print("Pulumi.yaml updated" if changed else "Pulumi.yaml already up to date")
    else:
        print(reference())
    return EXIT_OK


def run_cost(args: argparse.Namespace) -> int:
    project = load_project(args.cwd.resolve())
    stacks = project.stacks() if args.stack == "all" else [args.stack]
    previews = preview_stacks(project, stacks)
    estimates = cost_report.estimate_previews(project, previews)
    if args.json:
        print(json.dumps(cost_report.to_json(estimates), indent=2))
    else:
        print("\n\n".join(cost_report.table(estimate) for estimate in estimates.values()))
        print("\n" + cost_report.totals(estimates))
    _report_failures(previews)
    return _exit_status(previews)


def _print_results(
    args: argparse.Namespace,
    stacks: list[str],
    previews: list[StackPreview],
    findings: dict[str, list[Finding]],
    estimates: dict[str, cost_report.StackEstimate],
    interpreters: dict[Path, str],
) -> None:
    if args.json:
        documents = {
            preview.stack: _json_document(preview, findings.get(preview.stack), estimates.get(preview.stack))
            for preview in previews
        }
        for document in documents.values():
            if interpreters:  # which Python ran each pack: its own virtualenv, as the CLI would use
                document["policyPacks"] = [
                    {"path": str(pack), "interpreter": interpreter} for pack, interpreter in interpreters.items()
                ]
        body = documents[stacks[0]] if len(stacks) == 1 else {"stacks": documents}
        print(json.dumps(body, indent=2))
        return
    for preview in previews:
        if preview.ran:  # refused resources show in the tree's diagnostics, as `pulumi preview` lists them
            print(preview_text(preview))
            if preview.stack in findings:
                print("\n" + table(findings[preview.stack]))
            print()
    print(_summary(previews, findings))
    if interpreters:
        print(
            "\nPolicy packs:\n"
            + "\n".join(f"    {pack}: ran with {interpreter}" for pack, interpreter in interpreters.items())
        )
    if estimates:
        print("\n" + cost_report.totals(estimates))


def _write_reports(
    args: argparse.Namespace,
    project: Project,
    findings: dict[str, list[Finding]],
    estimates: dict[str, cost_report.StackEstimate],
    baseline: dict[str, float] | None,
) -> None:
    if args.sarif:
        stack_files = {stack: str(project.stack_file(stack).relative_to(project.root)) for stack in findings}
        args.sarif.write_text(json.dumps(sarif(findings, stack_files), indent=2))
    if args.markdown:
        sections = [markdown(findings)] if findings else []
        sections.append(cost_report.markdown(estimates, baseline, cost_report.rise_alert_percent()))
        args.markdown.write_text("\n".join(sections))


def _json_document(
    preview: StackPreview, findings: list[Finding] | None, estimate: cost_report.StackEstimate | None
) -> dict:
    document = preview_json(preview)
    if not preview.ran:  # a refused resource is already a diagnostic of its own, with its URN
        document["diagnostics"].append({"severity": "error", "message": preview.message})
    if findings is not None:
        document["policyViolations"] = [f.to_json() for f in ordered(findings)]
    if estimate is not None:
        document["cost"] = estimate.to_json()
    return document


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


def _report_failures(previews: list[StackPreview]) -> None:
    for preview in previews:
        if preview.status == "config-error":
            print(f"error: stack '{preview.stack}': {preview.message}", file=sys.stderr)
        elif preview.status == "program-error":
            print(f"error: stack '{preview.stack}': the program failed:\n{preview.message}", file=sys.stderr)
        elif preview.status == "check-error":
            print(
                f"error: stack '{preview.stack}': {len(preview.violations)} error(s) the AWS provider would report:",
                file=sys.stderr,
            )
            for violation in preview.violations:
                print(f"error: {violation['urn']}: {violation['message']}", file=sys.stderr)


def _exit_status(previews: list[StackPreview]) -> int:
    statuses = {preview.status for preview in previews}
    if "config-error" in statuses:
        return EXIT_USAGE
    return EXIT_FAILED if statuses & {"program-error", "check-error"} else EXIT_OK
