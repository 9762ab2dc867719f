"""Checkov, run from its own virtualenv (.venv-scan, built by `make install` from requirements-scan.txt) on one
exported Terraform plan, fully offline, and its JSON report read into what `platformctl scan` compares.

Offline and quiet (https://www.checkov.io/2.Basics/CLI%20Command%20Reference.html): `--skip-download` stops the
download of guidelines and check-id mappings from the Prisma Cloud API (without it Checkov calls
api0.prismacloud.io and waits on it when there is no network); CKV_SKIP_PACKAGE_UPDATE_CHECK stops its PyPI
version check; the environment is rebuilt from nothing so a BC_API_KEY, PRISMA_API_URL or CKV_* of the caller
cannot switch the platform integration (or a check filter) on; HOME and the working directory are a scratch
directory so no .checkov.yaml of the repository or the operator is read. `--soft-fail` makes the exit status
mean "Checkov ran" (0) or "Checkov broke", never "a check failed": the baseline decides that.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

VENV = Path(".venv-scan")
FRAMEWORK = "terraform_plan"
TIMEOUT_SECONDS = 600  # a full prod plan takes well under a minute; a hung Checkov must not hold CI for hours
_KEPT_VARIABLES = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
_OFFLINE = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "WARNING"}


class CheckovFailed(Exception):
    """Checkov did not produce a report: its own words (stderr's last lines) are the message."""


@dataclass(frozen=True)
class FailedCheck:
    check_id: str
    name: str
    resource: str  # the plan address, e.g. aws_db_instance.platform-dev-db
    guideline: str | None = None
    severity: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check_id,
            "name": self.name,
            "resource": self.resource,
            "guideline": self.guideline,
            "severity": self.severity,
        }


@dataclass(frozen=True)
class CheckovReport:
    passed: list[tuple[str, str]]  # (check id, resource address)
    failed: list[FailedCheck]
    resource_count: int
    parsing_errors: list[str] = field(default_factory=list)
    version: str = ""


def checkov_binary(root: Path) -> Path:
    """.venv-scan/bin/checkov of the project; a `UsageError` (exit 2) when `make install` has not built it."""
    binary = root / VENV / "bin" / "checkov"
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise UsageError(
            f"Checkov is not installed: {binary} does not exist; run `make install` (it builds {VENV} from "
            "requirements-scan.txt)"
        )
    return binary


def run_checkov(binary: Path, plan: Path, scratch: Path, raw: Path | None = None) -> CheckovReport:
    """Checkov's findings on one plan file (its JSON also written to `raw`); `CheckovFailed` when it crashes,
    hangs or prints no report. `scratch` is its HOME and working directory."""
    scratch.mkdir(parents=True, exist_ok=True)
    command = [
        str(binary),
        *("-f", str(plan.resolve()), "--framework", FRAMEWORK, "-o", "json"),
        *("--skip-download", "--soft-fail", "--compact"),
    ]
    try:
        done = subprocess.run(
            command,
            cwd=scratch,
            env=_environment(scratch),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CheckovFailed(f"Checkov did not finish on {plan.name} within {TIMEOUT_SECONDS}s") from None
    if done.returncode != 0:
        raise CheckovFailed(f"Checkov failed on {plan.name} (exit {done.returncode}):\n{_tail(done.stderr)}")
    if raw is not None:
        raw.write_text(done.stdout)
    try:
        return parse_report(json.loads(done.stdout))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, StopIteration) as error:
        raise CheckovFailed(
            f"Checkov's report on {plan.name} is not the JSON report expected ({error!r}):\n{_tail(done.stdout)}"
        ) from None


def parse_report(document: Any) -> CheckovReport:
    """`checkov -o json` for one framework: {check_type, results: {failed_checks, parsing_errors…}, summary}.

    A file with nothing Checkov recognises (or cannot parse: it says nothing more) prints the summary alone;
    several frameworks print a list.
    """
    if isinstance(document, list):
        document = next(d for d in document if d.get("check_type") == FRAMEWORK)
    summary = document.get("summary", document)
    results = document.get("results", {})
    failed = {
        (check["check_id"], check["resource"]): FailedCheck(
            check_id=check["check_id"],
            name=check.get("check_name") or "",
            resource=check["resource"],
            guideline=check.get("guideline") or None,
            severity=check.get("severity") or None,
        )
        for check in results.get("failed_checks", [])
    }
    parsing_errors = [str(error) for error in results.get("parsing_errors", [])]
    if summary.get("parsing_errors") and not parsing_errors:
        parsing_errors = [f"{summary['parsing_errors']} file(s) Checkov could not parse"]
    return CheckovReport(
        passed=sorted({(check["check_id"], check["resource"]) for check in results.get("passed_checks", [])}),
        failed=sorted(failed.values(), key=lambda f: (check_order(f.check_id), f.resource)),
        resource_count=int(summary["resource_count"]),
        parsing_errors=parsing_errors,
        version=str(summary.get("checkov_version", "")),
    )


def check_order(check_id: str) -> tuple[str, int]:
    """CKV_AWS_9 before CKV_AWS_10, as Checkov's documentation lists them."""
    prefix, _, number = check_id.rpartition("_")
    return (prefix, int(number)) if number.isdigit() else (check_id, 0)


def _environment(scratch: Path) -> dict[str, str]:
    kept = {name: os.environ[name] for name in _KEPT_VARIABLES if name in os.environ}
    return {**kept, "HOME": str(scratch), **_OFFLINE}


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"
