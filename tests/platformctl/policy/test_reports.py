"""The findings' reports: the terminal table, SARIF 2.1.0 and the pull-request Markdown."""

from __future__ import annotations

import dataclasses

from platformctl.policy.reports import blocking, markdown, sarif, table
from platformctl.policy.runner import EXEMPTED_MARKER, Finding

URN = "urn:pulumi:prod::platform::aws:rds/instance:Instance::db"


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


LONG_REASON = (
    "The database keeps automated backups for 1 day; prod must keep them for at least 30 days so that a "
    "restore can reach back past a monthly close, see the backup runbook."
)


def test_the_table_fits_the_width_and_lists_each_full_message_under_it():
    long_urn = "urn:pulumi:prod::platform::platform:database:Database$aws:rds/instance:Instance::" + "d" * 60
    findings = [finding("rds-backup-retention-at-least-30-days", "mandatory", urn=long_urn)]
    findings[0] = dataclasses.replace(findings[0], message=LONG_REASON)
    text = table(findings, width=60)
    table_part, listing = text.split("exempted\n", 1)
    assert max(map(len, text.splitlines())) <= 60
    assert "…" in table_part, "the resource column is clipped to fit"
    unwrapped = "".join(listing.split())  # long words are broken across lines to fit, never dropped

    def joined(text: str) -> str:
        return "".join(text.split())

    assert "…" not in listing and unwrapped.count(joined(LONG_REASON)) == 1, "the reason is never cut"
    assert joined(f"1. rds-backup-retention-at-least-30-days, aws:rds/instance:Instance {'d' * 60}") in unwrapped, (
        "what the table clipped is named in full below it"
    )
    assert "Remediation: fix it" in listing
    wide = table(findings, width=300)
    assert f"aws:rds/instance:Instance {'d' * 60}" in wide.split("exempted\n", 1)[0], "room enough: nothing clipped"
