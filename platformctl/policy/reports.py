"""Policy reports: a terminal table, SARIF 2.1.0 for code scanning, and Markdown for a pull request."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from collections import Counter
from collections.abc import Iterable

from .runner import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"mandatory": "error", "advisory": "warning"}
_ORDER = {"mandatory": 0, "advisory": 1}


def level_label(finding: Finding) -> str:
    return "exempted" if finding.exempted else finding.level


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.exempted, _ORDER.get(f.level, 2), f.policy, f.urn))


def resource_label(urn: str) -> str:
    """`aws:rds/instance:Instance platform-prod-db-instance` from a URN; the stack itself for stack-wide findings."""
    if not urn:
        return "(stack)"
    parts = urn.split("::")
    return f"{parts[2].split('$')[-1]} {parts[3]}" if len(parts) >= 4 else urn


def counts(findings: Iterable[Finding]) -> Counter:
    return Counter(level_label(f) for f in findings)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == "mandatory" and not f.exempted]


def table(findings: list[Finding], width: int | None = None) -> str:
    """Rule, severity, level and resource fitted to `width` (the terminal's by default); under the table each
    finding's message and remediation in full, wrapped, never cut: the reason is the point of a finding."""
    if not findings:
        return "Policy Violations: none"
    width = max(width or shutil.get_terminal_size().columns, 40)
    findings = ordered(findings)
    rows = [(str(n), f.policy, f.severity, level_label(f), resource_label(f.urn)) for n, f in enumerate(findings, 1)]
    headers = ("#", "Rule", "Severity", "Level", "Resource")
    natural = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    widths = _fit(natural, width - 4 - 2 * (len(headers) - 1))
    header = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    lines = ["Policy Violations:", f"    {header}".rstrip()]
    for row in rows:
        cells = [_clip(value, w).ljust(w) for value, w in zip(row, widths, strict=True)]
        lines.append("    " + "  ".join(cells).rstrip())
    summary = counts(findings)
    lines.append(
        f"    {summary['mandatory']} mandatory, {summary['advisory']} advisory, {summary['exempted']} exempted"
    )
    for n, f in enumerate(findings, 1):
        lines += ["", *_wrapped(f"{n}. {f.policy}, {resource_label(f.urn)}", width, "    ", "       ")]
        lines += _wrapped(f.message, width, "       ", "       ")
        if f.remediation:
            lines += _wrapped(f"Remediation: {f.remediation}", width, "       ", "       ")
    return "\n".join(lines)


def _fit(natural: list[int], room: int) -> list[int]:
    """Narrow the wider of the Rule and Resource columns (to 12 at least) until the row fits `room`; what is
    clipped there is named in full under the table."""
    widths = list(natural)
    while sum(widths) > room and max(widths[1], widths[4]) > 12:
        widths[1 if widths[1] > widths[4] else 4] -= 1
    return widths


def _wrapped(text: str, width: int, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(
            paragraph, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
        ) or [first.rstrip()]
        first = rest
    return lines


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def sarif(findings_by_stack: dict[str, list[Finding]], stack_files: dict[str, str]) -> dict:
    findings = [f for stack in findings_by_stack.values() for f in stack]
    policies = sorted({f.policy: f for f in findings}.values(), key=lambda f: f.policy)
    rule_index = {f.policy: i for i, f in enumerate(policies)}
    results = [
        _sarif_result(f, stack, stack_files.get(stack, "Pulumi.yaml"), rule_index)
        for stack, stack_findings in findings_by_stack.items()
        for f in ordered(stack_findings)
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "platform-policies",
                        "informationUri": "https://www.pulumi.com/docs/iac/packages-and-automation/crossguard/",
                        "rules": [_sarif_rule(f) for f in policies],
                    }
                },
                "results": results,
            }
        ],
    }


def _sarif_rule(finding: Finding) -> dict:
    return {
        "id": finding.policy,
        "name": finding.policy,
        "shortDescription": {"text": finding.description},
        "help": {"text": finding.remediation or finding.description},
        "properties": {
            "tags": [t for t in (finding.framework, f"severity:{finding.severity}") if t],
            "security-severity": {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}.get(
                finding.severity, "5.0"
            ),
        },
    }


def _sarif_result(finding: Finding, stack: str, stack_file: str, rule_index: dict[str, int]) -> dict:
    result = {
        "ruleId": finding.policy,
        "ruleIndex": rule_index[finding.policy],
        "level": _SARIF_LEVEL.get(finding.level, "note"),
        "message": {"text": f"[{stack}] {resource_label(finding.urn)}: {finding.message}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": stack_file}, "region": {"startLine": 1}},
                "logicalLocations": [{"fullyQualifiedName": finding.urn or f"stack:{stack}", "kind": "resource"}],
            }
        ],
        "partialFingerprints": {
            "policyFinding/v1": hashlib.sha256(
                f"{stack}|{finding.policy}|{finding.urn}|{finding.message}".encode()
            ).hexdigest()
        },
    }
    if finding.exempted:
        result["suppressions"] = [{"kind": "external", "justification": finding.message}]
    return result


def markdown(findings_by_stack: dict[str, list[Finding]]) -> str:
    lines = ["## Policy check", "", "| Stack | Mandatory | Advisory | Exempted | Result |", "|---|---|---|---|---|"]
    for stack, findings in findings_by_stack.items():
        summary = counts(findings)
        verdict = "❌ blocked" if blocking(findings) else "✅ passes"
        lines.append(
            f"| {stack} | {summary['mandatory']} | {summary['advisory']} | {summary['exempted']} | {verdict} |"
        )
    for stack, findings in findings_by_stack.items():
        if not findings:
            continue
        lines += [
            "",
            f"<details{' open' if blocking(findings) else ''}><summary><b>{stack}</b>: "
            f"{len(findings)} finding(s)</summary>",
            "",
            "| Level | Severity | Rule | Resource | Message | Remediation |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {level_label(f)} | {f.severity} | `{f.policy}` | `{resource_label(f.urn)}` | {_md(f.message)} "
            f"| {_md(f.remediation)} |"
            for f in ordered(findings)
        ]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
