"""Checkov's findings against the baseline, on plans written by hand and scanned by the real Checkov."""

from __future__ import annotations

import datetime

import pytest

from platformctl.scan.baseline import parse_baseline
from platformctl.scan.checkov import CheckovReport, parse_report, run_checkov
from platformctl.scan.compare import compare

from . import plans

ADDRESS = "aws_db_instance.db"
ENCRYPTED = "CKV_AWS_16"  # "Ensure all data stored in the RDS is securely encrypted at rest"


@pytest.fixture(scope="module")
def reports(checkov, tmp_path_factory) -> dict[str, CheckovReport]:
    """One Checkov run per plan: an unencrypted database, and the same database encrypted."""
    directory = tmp_path_factory.mktemp("plans")
    return {
        name: run_checkov(checkov, plans.write(directory / f"{name}.tfplan.json", plans.database(encrypted)), directory)
        for name, encrypted in (("unencrypted", False), ("encrypted", True))
    }


def baseline(*entries: dict) -> list:
    return parse_baseline({"entries": list(entries)}, "baseline.yaml", datetime.date.today())


def accepting(check: str, tier: str = "dev") -> dict:
    reason = "a test database that never holds data, accepted to test the baseline"
    return {"check": check, "resource": ADDRESS, "tier": tier, "reason": reason, "owner": "platform-team"}


def test_checkov_reads_the_plan_and_fails_the_unencrypted_database(reports):
    report = reports["unencrypted"]
    assert report.resource_count == 1 and not report.parsing_errors
    assert (ENCRYPTED, ADDRESS) in {(f.check_id, f.resource) for f in report.failed}
    assert (ENCRYPTED, ADDRESS) in reports["encrypted"].passed


def test_a_failed_check_not_in_the_baseline_is_new(reports):
    verdict = compare({"dev": (reports["unencrypted"], 1)}, baseline())
    assert not verdict.ok
    assert ENCRYPTED in {finding.check_id for finding in verdict.stacks[0].new}


def test_every_failed_check_baselined_passes(reports):
    failed = sorted({finding.check_id for finding in reports["unencrypted"].failed})
    entries = baseline(*(accepting(check) for check in failed))
    verdict = compare({"dev": (reports["unencrypted"], 1)}, entries)
    assert verdict.ok, verdict
    assert verdict.stacks[0].summary()["baselined"] == len(failed)
    assert verdict.stacks[0].summary()["new"] == 0


def test_an_entry_for_another_tier_does_not_excuse(reports):
    verdict = compare({"dev": (reports["unencrypted"], 1)}, baseline(accepting(ENCRYPTED, tier="prod")))
    assert ENCRYPTED in {finding.check_id for finding in verdict.stacks[0].new}
    assert verdict.stale == []  # prod was not scanned: nobody can tell whether its entry is still needed


def test_an_entry_whose_failure_is_gone_is_stale(reports):
    still_failing = sorted({f.check_id for f in reports["encrypted"].failed})
    entries = baseline(accepting(ENCRYPTED), *(accepting(check) for check in still_failing))
    verdict = compare({"dev": (reports["encrypted"], 1)}, entries)
    assert [entry.check for entry in verdict.stale] == [ENCRYPTED]
    assert not verdict.ok


def test_an_all_tiers_entry_is_stale_only_when_every_tier_was_scanned(reports):
    entries = baseline(accepting(ENCRYPTED, tier="all"))
    assert compare({"dev": (reports["encrypted"], 1)}, entries).stale == []
    everywhere = {stack: (reports["encrypted"], 1) for stack in ("dev", "staging", "prod")}
    assert [entry.check for entry in compare(everywhere, entries).stale] == [ENCRYPTED]


def test_a_resource_count_other_than_the_exported_one_fails(reports):
    verdict = compare({"dev": (reports["encrypted"], 2)}, baseline())
    assert "Checkov read 1 resources of the 2 AWS resources exported: the bridge lost resources" in " ".join(
        verdict.stacks[0].problems
    )
    assert not verdict.ok


def test_parsing_errors_fail():
    report = parse_report(
        {
            "check_type": "terraform_plan",
            "results": {"failed_checks": [], "passed_checks": [], "parsing_errors": ["/tmp/dev.tfplan.json"]},
            "summary": {"passed": 0, "failed": 0, "parsing_errors": 1, "resource_count": 0},
        }
    )
    verdict = compare({"dev": (report, 0)}, baseline())
    assert verdict.stacks[0].problems == ["Checkov could not parse the plan: /tmp/dev.tfplan.json"]
    assert not verdict.ok


def test_a_plan_checkov_cannot_read_at_all_shows_as_lost_resources(checkov, tmp_path):
    # Checkov reports neither a parsing error nor a resource for a file that is not JSON: only the count tells.
    report = run_checkov(checkov, plans.write_text(tmp_path / "dev.tfplan.json", "{not json"), tmp_path)
    assert compare({"dev": (report, 1)}, baseline()).stacks[0].problems


def test_a_tier_list_excuses_only_the_tiers_it_names(reports):
    entries = baseline(accepting(ENCRYPTED, tier=["dev", "staging"]))  # type: ignore[arg-type]
    scans = {stack: (reports["unencrypted"], 1) for stack in ("dev", "staging", "prod")}
    verdict = compare(scans, entries)
    new = {scan.stack: [finding.check_id for finding in scan.new] for scan in verdict.stacks}
    assert ENCRYPTED not in new["dev"] and ENCRYPTED not in new["staging"]
    assert ENCRYPTED in new["prod"], "an entry for dev and staging must not excuse prod"


def test_the_tier_placeholder_names_each_stacks_own_resource(reports, tmp_path, checkov):
    per_stack = {
        stack: run_checkov(
            checkov, plans.write(tmp_path / f"{stack}.tfplan.json", plans.database(False, name=f"db-{stack}")), tmp_path
        )
        for stack in ("dev", "staging")
    }
    entry = {**accepting(ENCRYPTED, tier="all"), "resource": "aws_db_instance.db-{tier}"}
    others = [
        {**accepting(check, tier="all"), "resource": "aws_db_instance.db-{tier}"}
        for check in sorted({f.check_id for f in per_stack["dev"].failed} - {ENCRYPTED})
    ]
    verdict = compare({stack: (report, 1) for stack, report in per_stack.items()}, baseline(entry, *others))
    assert all(not scan.new for scan in verdict.stacks), [scan.new for scan in verdict.stacks]
