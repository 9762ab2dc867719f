"""What the backup audit found and checked, and the AWS read that turns a refusal into a finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from platform_core.tiers import TierFacts

from .backup_declared import Declared

ERROR, WARNING = "error", "warning"
NOT_FOUND = frozenset({"ResourceNotFoundException"})


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str
    resource: str
    finding: str
    expected: str


@dataclass
class Audit:
    declared: Declared
    facts: TierFacts
    now: datetime
    findings: list[Finding] = field(default_factory=list)
    checked: list[dict[str, str]] = field(default_factory=list)

    def add(self, severity: str, check: str, resource: str, finding: str, expected: str) -> None:
        self.findings.append(Finding(severity, check, resource, finding, expected))

    def check(self, check: str, resource: str) -> None:
        self.checked.append({"check": check, "resource": resource})

    def read(
        self, check: str, resource: str, call: Any, missing: tuple[str, str] | None = None, **params: Any
    ) -> dict[str, Any] | None:
        """One AWS read. Not-found (with `missing` = finding, expected) and denied reads become findings, not
        aborts: the audit still covers everything else, and what it could not verify never passes silently."""
        from botocore.exceptions import ClientError

        try:
            return call(**params)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "?")
            if missing and code in NOT_FOUND:
                self.add(ERROR, check, resource, *missing)
            else:
                operation = getattr(error, "operation_name", "?")
                self.add(
                    ERROR,
                    check,
                    resource,
                    f"cannot read it: {operation} failed with {code}",
                    f"read access for the audit ({operation})",
                )
            return None


def paginated(client: Any, operation: str) -> Any:
    return lambda **params: client.get_paginator(operation).paginate(**params).build_full_result()


def duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min" if mins else ""]
    return " ".join(part for part in parts if part) or "0 min"
