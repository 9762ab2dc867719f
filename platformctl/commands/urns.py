"""`platformctl urns`: list, snapshot (--write) or check (--check, --preview-json) the URNs of stateful resources.

Exit status 1 when a stateful resource would be gone (deleted and recreated: data loss), so CI stops the change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from platform_core.errors import UsageError

from ..delivery.urn_guard import (
    SNAPSHOT_DIR,
    Resource,
    check,
    destructive_steps,
    read_baseline,
    snapshot_path,
    stateful_urns,
    write_snapshot,
)
from ..exit_codes import ExitCode
from ..preview.engine import preview_stacks
from ..project import load_project


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", default="all", help="Stack name, or `all` (default).")
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project.")
    parser.add_argument(
        "--snapshot-dir", type=Path, help=f"Where the snapshots live (default: <project>/{SNAPSHOT_DIR})."
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="Store the URNs as the stacks' snapshots.")
    mode.add_argument(
        "--check",
        action="store_true",
        help="Fail (exit 1) when a snapshot URN is neither produced nor aliased by the program.",
    )
    mode.add_argument(
        "--preview-json",
        type=Path,
        metavar="FILE",
        help="Fail (exit 1) when this `pulumi preview --json` deletes or replaces a stateful resource.",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="With --check and one stack: compare with this snapshot or `pulumi stack export` file.",
    )


def run(args: argparse.Namespace) -> int:
    if args.preview_json:
        return _check_preview_json(args.preview_json)
    project = load_project(args.cwd.resolve())
    stacks = project.stacks() if args.stack == "all" else [args.stack]
    if args.baseline and (len(stacks) != 1 or not args.check):
        raise UsageError("--baseline needs --check and a single --stack")
    snapshot_dir = (args.snapshot_dir or project.root / SNAPSHOT_DIR).resolve()
    baselines = (
        {stack: read_baseline(args.baseline or snapshot_path(snapshot_dir, stack)) for stack in stacks}
        if args.check
        else {}
    )
    status = ExitCode.OK
    for preview in preview_stacks(project, stacks):
        if not preview.ok:
            raise UsageError(f"stack '{preview.stack}': the program did not run ({preview.status}):\n{preview.message}")
        if args.check:
            status = max(status, _report_check(preview.stack, baselines[preview.stack], preview.resources))
        elif args.write:
            path = snapshot_path(snapshot_dir, preview.stack)
            changed = write_snapshot(path, preview.stack, stateful_urns(preview.resources))
            print(f"{path}: {'written' if changed else 'already up to date'}")
        else:
            print("\n".join([f"{preview.stack}:", *(f"  {urn}" for urn in stateful_urns(preview.resources))]))
    return status


def _report_check(stack: str, baseline: list[str], resources: list[Resource]) -> ExitCode:
    gone = check(stack, baseline, resources)
    for item in gone:
        print(f"error: {item.message}", file=sys.stderr)
    kept = len(baseline) - len(gone)
    print(f"{stack}: {kept} of {len(baseline)} stateful resources kept" + (f", {len(gone)} gone" if gone else ""))
    return ExitCode.FINDINGS if gone else ExitCode.OK


def _check_preview_json(path: Path) -> ExitCode:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read the preview {path}: {error}") from None
    steps = destructive_steps(document)
    for step in steps:
        print(f"error: the preview would end a stateful resource ({step})", file=sys.stderr)
    print(f"{path}: {len(steps)} stateful resources deleted or replaced")
    return ExitCode.FINDINGS if steps else ExitCode.OK
