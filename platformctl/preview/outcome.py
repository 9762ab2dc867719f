"""What a preview's failures mean for the operator: the errors on stderr and the exit status."""

from __future__ import annotations

import sys

from ..exit_codes import ExitCode
from .engine import StackPreview


def report_failures(previews: list[StackPreview]) -> None:
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


def exit_status(previews: list[StackPreview]) -> ExitCode:
    """A bad stack file is the operator's to fix (usage); a failing program or a refused resource is a finding."""
    statuses = {preview.status for preview in previews}
    if "config-error" in statuses:
        return ExitCode.USAGE
    return ExitCode.FINDINGS if statuses & {"program-error", "check-error"} else ExitCode.OK
