"""Exemptions, policy-pack config merging and reports: the parts around the rules."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from platformctl.policy_config import merged_policy_config
from platformctl.policy_runner import EXEMPTED_MARKER, Finding
from platformctl.project import UsageError
from platformctl.reports import blocking, markdown, sarif, table
from policies import pack
from policies.exemptions import active, parse_exemption, problems

TODAY = datetime.date(2026, 11, 26)
RULES = {"rds-multi-az", "s3-bucket-encrypted-with-cmk"}
VALID = {
    "rule": "rds-multi-az",
    "urn": "urn:pulumi:prod::platform::aws:rds/instance:Instance::db",
    "reason": "migration to multi-AZ scheduled in change CHG-1234",
    "owner": "dba-team",
    "expires": "2027-01-31",
}


@pytest.mark.parametrize(
    "change,expected",
    [
        ({}, []),
        ({"reason": ""}, ["missing `reason`"]),
        ({"owner": None}, ["missing `owner`"]),
        ({"expires": None}, ["missing `expires`"]),
        ({"expires": "next week"}, ["`expires` 'next week' is not a date"]),
        ({"expires": "2026-11-25"}, ["expired on 2026-11-25"]),
        ({"reason": "temporary"}, ["too short to justify"]),
        ({"rule": "no-such-rule"}, ["rule 'no-such-rule' is not in this pack"]),
    ],
)
def test_exemption_problems(change, expected):
    found = problems(parse_exemption({**VALID, **change}), TODAY, RULES)
    assert len(found) == len(expected)
    for fragment, problem in zip(expected, found, strict=True):
        assert fragment in problem


def test_an_exemption_is_honoured_through_its_expiry_day_only():
    exemption = parse_exemption({**VALID, "expires": "2026-11-26"})
    assert active([exemption], TODAY, RULES) == {("rds-multi-az", VALID["urn"]): exemption}
    assert active([exemption], TODAY + datetime.timedelta(days=1), RULES) == {}


def test_exempted_findings_carry_the_marker_the_reports_read():
    assert pack.EXEMPTED_MARKER == EXEMPTED_MARKER


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


def finding(policy: str, level: str, exempted: bool = False, urn: str = VALID["urn"]) -> Finding:
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
    assert location["logicalLocations"][0]["fullyQualifiedName"] == VALID["urn"]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_markdown_summarises_each_stack_for_a_pull_request():
    text = markdown(FINDINGS)
    assert "| prod | 1 | 1 | 1 | ❌ blocked |" in text
    assert "| dev | 0 | 0 | 0 | ✅ passes |" in text
    assert "`rds-multi-az`" in text and "fix it" in text
