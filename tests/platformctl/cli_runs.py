"""`python -m platformctl` in a subprocess, as an operator runs it, and small Pulumi projects to run it on."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A program with one priced resource (a customer-managed KMS key): a preview of it takes a second or two.
ONE_KEY = """
import pulumi, pulumi_aws as aws
key = aws.kms.Key("key", description="one key", enable_key_rotation=True)
pulumi.export("arn", key.arn)
"""


def platformctl(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def tiny_project(directory: Path, body: str = ONE_KEY, config: str = "  aws:region: eu-west-1\n") -> Path:
    """A project `tiny` with one stack, `test`."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: tiny\nruntime: python\n")
    (directory / "Pulumi.test.yaml").write_text(f"config:\n{config}")
    (directory / "__main__.py").write_text(textwrap.dedent(body))
    return directory


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, exited but not yet reaped, does not), from /proc."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"
