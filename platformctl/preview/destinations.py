"""Report files (--sarif, --markdown) checked before the programs run, and written after.

A preview takes minutes in CI; a report path with a typo in its directory should cost seconds. The check
creates and removes a scratch file beside the destination: permission bits alone do not tell (root may
write anywhere they forbid, and a read-only mount or sysfs refuses root too).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platform_core.errors import UsageError


def check_writable(option: str, path: Path) -> None:
    directory = path.absolute().parent
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory; give the path of a file to write the report to")
    if not directory.is_dir():
        reason = "does not exist" if not directory.exists() else "is not a directory"
        raise UsageError(
            f"{option} {path}: directory {directory} {reason}; create it first, or give a path in an existing directory"
        )
    try:
        handle, scratch = tempfile.mkstemp(dir=directory, prefix=".platformctl-check-")
        os.close(handle)
        os.unlink(scratch)
        if path.exists():
            with path.open("a"):  # appending nothing: opens it for writing without touching its content
                pass
    except OSError as error:
        raise UsageError(
            f"{option} {path}: cannot write there ({error.strerror}); give a path in a directory you can write to"
        ) from None


def write_report(option: str, path: Path, text: str) -> None:
    try:
        path.write_text(text)
    except OSError as error:  # the disk filled up or the directory went away since the check
        raise UsageError(f"{option} {path}: cannot write the report ({error.strerror})") from None
