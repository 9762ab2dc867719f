"""The pack on our own three stacks, through the Analyzer protocol: exactly the findings recorded before.

tests/snapshots/findings-<tier>.json hold them; a change to a rule that moves a finding on the program
shows here, and so does a tier that picks up a mandatory violation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from platformctl.policy.runner import Finding, evaluate
from tests.conftest import TIERS

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
FIELDS = ("policyName", "urn", "enforcementLevel", "severity", "message", "exempted", "framework", "remediationSteps")


def comparable(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields a snapshot keeps, in a stable order."""
    kept = [{field: finding[field] for field in FIELDS} for finding in findings]
    return sorted(kept, key=lambda finding: json.dumps(finding, sort_keys=True))


def snapshot(tier: str) -> list[dict[str, Any]]:
    return comparable(json.loads((REPO / "tests" / "snapshots" / f"findings-{tier}.json").read_text()))


def found(findings: list[Finding]) -> list[dict[str, Any]]:
    return comparable([finding.to_json() for finding in findings])


@pytest.mark.parametrize("tier", TIERS)
def test_the_pack_finds_on_each_stack_what_the_snapshot_holds(stacks, project, tier):
    findings = evaluate(PACK, PACK / "config" / f"{tier}.json", stacks[tier].resources, project.name, tier, {})
    blocking = [(f.policy, f.urn, f.message) for f in findings if f.level == "mandatory" and not f.exempted]
    assert not blocking, f"{tier} has mandatory violations"
    assert found(findings) == snapshot(tier)
