"""platformctl's side of the pack: policy-pack config merged like the CLI does, and the findings' reports.

(These specify platformctl modules and belong with its tests once its policy modules have settled.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.policy.config import merged_policy_config
from platformctl.policy.reports import blocking, markdown, sarif, table
from platformctl.policy.runner import EXEMPTED_MARKER, Finding

URN = "urn:pulumi:prod::platform::aws:rds/instance:Instance::db"


DEFAULTS = {"a": ("advisory", {"days": 30}), "b": ("mandatory", {})}


def write(tmp_path: Path, document) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(document))
    return path


def test_config_merges_all_then_each_policy_like_the_cli(tmp_path):
    merged = merged_policy_config(
        DEFAULTS, write(tmp_path, {"all": "advisory", "a": {"enforcementLevel": "mandatory", "days": 7}})
    )
    assert merged == {"a": ("mandatory", {"days": 7}), "b": ("advisory", {})}
    assert merged_policy_config(DEFAULTS, None) == DEFAULTS


@pytest.mark.parametrize(
    "document,message",
    [
        ({"c": "advisory"}, "policy 'c' is not in the pack"),
        ({"a": "sometimes"}, 'enforcement level "sometimes"; allowed: advisory, mandatory, remediate, disabled'),
        ({"a": 3}, "expected a level or an object"),
        (["a"], "must be a JSON object"),
    ],
)
def test_bad_policy_config_is_a_usage_error(tmp_path, document, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        merged_policy_config(DEFAULTS, write(tmp_path, document))


def finding(policy: str, level: str, exempted: bool = False, urn: str = URN) -> Finding:
    message = f"{EXEMPTED_MARKER} {policy}: finding (exempted until …)" if exempted else "finding"
    return Finding(
        pack="platform-policies",
        policy=policy,
        level=level,
        severity="high",
        urn=urn,
        message=message,
        description="d",
        remediation="fix it",
        framework="SOC 2 CC6.1",
        exempted=exempted,
    )


FINDINGS = {
    "prod": [
        finding("rds-multi-az", "mandatory"),
        finding("exempted-findings", "advisory", exempted=True),
        finding("log-retention-capped", "advisory", urn=""),
    ],
    "dev": [],
}


def test_only_unexempted_mandatory_findings_block():
    assert [f.policy for f in blocking(FINDINGS["prod"])] == ["rds-multi-az"]


def test_table_lists_rule_severity_level_resource_message_and_remediation():
    text = table(FINDINGS["prod"])
    assert "Rule" in text and "Remediation" in text
    assert "mandatory" in text and "exempted" in text and "aws:rds/instance:Instance db" in text
    assert "1 mandatory, 1 advisory, 1 exempted" in text


def test_sarif_is_2_1_0_with_rules_levels_locations_and_suppressions():
    document = sarif(FINDINGS, {"prod": "Pulumi.prod.yaml", "dev": "Pulumi.dev.yaml"})
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert sorted(rule_ids) == rule_ids and len(rule_ids) == 3
    by_rule = {result["ruleId"]: result for result in run["results"]}
    assert by_rule["rds-multi-az"]["level"] == "error"
    assert by_rule["log-retention-capped"]["level"] == "warning"
    assert by_rule["exempted-findings"]["suppressions"][0]["kind"] == "external"
    location = by_rule["rds-multi-az"]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.prod.yaml"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == URN
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_markdown_summarises_each_stack_for_a_pull_request():
    text = markdown(FINDINGS)
    assert "| prod | 1 | 1 | 1 | ❌ blocked |" in text
    assert "| dev | 0 | 0 | 0 | ✅ passes |" in text
    assert "`rds-multi-az`" in text and "fix it" in text
