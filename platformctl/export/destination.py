"""The `--terraform-plan DIR` of `platformctl preview`: checked before any program runs, written after."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platform_core.errors import UsageError

from ..preview.engine import StackPreview
from .terraform_plan import skipped_counts, write_plans

OPTION = "--terraform-plan"


def check_directory(path: Path) -> None:
    """Create DIR (as `write` would) and prove it writable, so a typo costs seconds, not a whole preview."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{OPTION} {path}: is not a directory; give a directory to write <stack>.tfplan.json into")
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=path, prefix=".platformctl-check-")
        os.close(handle)
        os.unlink(scratch)
    except OSError as error:
        raise UsageError(
            f"{OPTION} {path}: cannot create or write that directory ({error.strerror}); "
            "give a directory you can write to"
        ) from None


def write(previews: list[StackPreview], directory: Path) -> list[str]:
    """Write each stack's plan; one line per file written, saying what it holds and what it leaves out."""
    try:
        written = write_plans(previews, directory)
    except OSError as error:  # the disk filled up or the directory went away since the check
        raise UsageError(f"{OPTION} {directory}: cannot write the plan ({error.strerror})") from None
    lines = []
    for preview in previews:
        if preview.stack not in written:
            continue
        plan = written[preview.stack]
        skipped = ", ".join(f"{count} {package}" for package, count in skipped_counts(preview).items())
        note = f" ({skipped} resources not exported: not AWS)" if skipped else ""
        lines.append(f"{plan.stack}: {plan.aws_resources} AWS resources → {plan.path}{note}")
    return lines
