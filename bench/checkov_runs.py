"""Checkov as `platformctl scan` runs it, in a child process the bench measures (see scaling_child)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformctl.scan.checkov import CheckovFailed, run_checkov


@dataclass(frozen=True)
class Scanned:
    resources: int  # as Checkov counted them
    passed: int
    failed: int


def checkov_scan(binary: str, plan: str, scratch: str) -> Scanned:
    try:
        report = run_checkov(Path(binary), Path(plan), Path(scratch))
    except CheckovFailed as error:
        raise SystemExit(f"bench: Checkov failed: {error}") from None
    if report.parsing_errors:
        raise SystemExit(f"bench: Checkov did not read {plan} whole: {report.parsing_errors}")
    return Scanned(report.resource_count, len(report.passed), len(report.failed))
