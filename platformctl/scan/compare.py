"""Checkov's findings against the baseline: new findings, baselined ones, stale entries, and a broken bridge.

A finding is baselined when an entry names its check and resource for its stack (or `all`). An entry is stale
when every stack its tier covers was scanned and none of them has its finding any more: a fixed finding or a
renamed resource leaves it behind, ready to excuse whatever takes the address, so it fails the scan like a new
finding (the pack reports stale exemptions the same way). A scan whose Checkov resource count differs from
the exported count, or that had parsing errors, did not check what we exported: that fails too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .baseline import BaselineEntry
from .checkov import CheckovReport, FailedCheck


@dataclass(frozen=True)
class StackScan:
    stack: str
    exported_resources: int  # the AWS resources the exporter wrote into the plan
    report: CheckovReport
    new: list[FailedCheck] = field(default_factory=list)
    baselined: list[tuple[FailedCheck, BaselineEntry]] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Why Checkov's answer cannot be trusted for this stack: it did not read the whole plan."""
        found = [f"Checkov could not parse the plan: {error}" for error in self.report.parsing_errors]
        if self.report.resource_count != self.exported_resources:
            found.append(
                f"Checkov read {self.report.resource_count} resources of the {self.exported_resources} AWS resources "
                "exported: the bridge lost resources (see `platformctl preview --terraform-plan`)"
            )
        return found

    def summary(self) -> dict[str, int]:
        return {
            "resources": self.report.resource_count,
            "exported": self.exported_resources,
            "passed": len(self.report.passed),
            "failed": len(self.report.failed),
            "baselined": len(self.baselined),
            "new": len(self.new),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "parsingErrors": self.report.parsing_errors,
            "problems": self.problems,
            "newFindings": [finding.to_json() for finding in self.new],
            "baselinedFindings": [
                {**finding.to_json(), "owner": entry.owner, "reason": entry.reason} for finding, entry in self.baselined
            ],
        }


@dataclass(frozen=True)
class Verdict:
    stacks: list[StackScan]
    stale: list[BaselineEntry]

    @property
    def ok(self) -> bool:
        return not self.stale and not any(scan.new or scan.problems for scan in self.stacks)


def compare(reports: dict[str, tuple[CheckovReport, int]], entries: list[BaselineEntry]) -> Verdict:
    """`reports`: per stack, Checkov's report and the number of AWS resources exported into its plan."""
    scans = [_stack_scan(stack, report, exported, entries) for stack, (report, exported) in reports.items()]
    return Verdict(scans, stale(entries, scans))


def stale(entries: Iterable[BaselineEntry], scans: list[StackScan]) -> list[BaselineEntry]:
    scanned = {scan.stack for scan in scans}
    used = {id(entry) for scan in scans for _, entry in scan.baselined}
    return [entry for entry in entries if _judged(entry, scanned) and id(entry) not in used]


def _stack_scan(stack: str, report: CheckovReport, exported: int, entries: list[BaselineEntry]) -> StackScan:
    scan = StackScan(stack, exported, report)
    for finding in report.failed:
        entry = next((e for e in entries if e.covers(stack) and _matches(e, finding, stack)), None)
        if entry is None:
            scan.new.append(finding)
        else:
            scan.baselined.append((finding, entry))
    return scan


def _matches(entry: BaselineEntry, finding: FailedCheck, stack: str) -> bool:
    return (entry.check, entry.address_in(stack)) == (finding.check_id, finding.resource)


def _judged(entry: BaselineEntry, scanned: set[str]) -> bool:
    """Every stack the entry covers was scanned: only then can "no finding matched it" be told."""
    return entry.tiers <= scanned
