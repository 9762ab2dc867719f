"""`python -m platformctl …`: the operator CLI.

Exit status: 0 success, 1 a program failed, 2 bad usage or bad configuration (one paragraph on
stderr naming the key, the value and what is allowed; never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .engine import StackPreview, preview_stacks
from .project import UsageError, load_project
from .render import preview_json, preview_text

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
    preview.add_argument("--json", action="store_true",
                         help="Print the preview as JSON, shaped like `pulumi preview --json`.")
    preview.set_defaults(handler=run_preview)
    docs = commands.add_parser("config-docs", help="Print (or --write into Pulumi.yaml) the platform:* key reference.")
    docs.add_argument("--write", action="store_true", help="Refresh the generated block in ./Pulumi.yaml.")
    docs.set_defaults(handler=run_config_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


def run_preview(args: argparse.Namespace) -> int:
    project = load_project(args.cwd.resolve())
    stacks = project.stacks() if args.stack == "all" else [args.stack]
    if not stacks:
        raise UsageError(f"no stack files (Pulumi.<stack>.yaml) in {project.stack_config_dir}")
    previews = preview_stacks(project, stacks)
    if args.json:
        documents = {preview.stack: _json_document(preview) for preview in previews}
        body = documents[stacks[0]] if len(stacks) == 1 else {"stacks": documents}
        print(json.dumps(body, indent=2))
    else:
        for preview in previews:
            if preview.ok:
                print(preview_text(preview), end="\n\n")
        print(_summary(previews))
    _report_failures(previews)
    return _exit_status(previews)


def run_config_docs(args: argparse.Namespace) -> int:
    from .config_docs import reference, refresh  # imports the platform's own model: not needed by preview

    if args.write:
        changed = refresh(Path.cwd() / "Pulumi.yaml")
        print("Pulumi.yaml updated" if changed else "Pulumi.yaml already up to date")
    else:
        print(reference())
    return EXIT_OK


def _json_document(preview: StackPreview) -> dict:
    document = preview_json(preview)
    if not preview.ok:
        document["diagnostics"].append({"severity": "error", "message": preview.message})
    return document


def _summary(previews: list[StackPreview]) -> str:
    lines = ["Summary:"]
    for preview in previews:
        state = f"{len(preview.resources)} resources" if preview.ok else preview.status
        lines.append(f"    {preview.stack:<10} {state:<16} {preview.wall_seconds:6.2f}s")
    return "\n".join(lines)


def _report_failures(previews: list[StackPreview]) -> None:
    for preview in previews:
        if preview.status == "config-error":
            print(f"error: stack '{preview.stack}': {preview.message}", file=sys.stderr)
        elif preview.status == "program-error":
            print(f"error: stack '{preview.stack}': the program failed:\n{preview.message}", file=sys.stderr)


def _exit_status(previews: list[StackPreview]) -> int:
    statuses = {preview.status for preview in previews}
    if "config-error" in statuses:
        return EXIT_USAGE
    return EXIT_FAILED if "program-error" in statuses else EXIT_OK
