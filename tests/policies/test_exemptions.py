"""Exemptions: what makes one invalid, for how long a valid one excuses a finding, and which are stale."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platform_policies.exemptions import active, load_exemptions, load_for_pack, parse_exemption, problems, stale

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
        ({"expires": "2027-02-30"}, ["`expires` '2027-02-30' is not a date: day is out of range for month"]),
        ({"expires": datetime.date(2027, 1, 31)}, []),
        ({"ticket": "CHG-1"}, ["unknown field `ticket`"]),
        ({"owner": ["a", "b"]}, ["`owner` must be text; found a list"]),
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


def test_the_pack_loads_its_exemptions_file_and_none_when_it_is_missing(tmp_path):
    listed = tmp_path / "exemptions.yaml"
    listed.write_text("exemptions:\n  - rule: rds-multi-az\n    urn: urn:x\n")
    assert [e.rule for e in load_exemptions(listed)] == ["rds-multi-az"]
    assert load_exemptions(tmp_path / "missing.yaml") == []


def test_the_committed_exemptions_file_loads_without_problems():
    exemptions = load_exemptions(Path(__file__).resolve().parents[2] / "policies" / "exemptions.yaml")
    assert [e.label for e in exemptions if e.entry.problems] == []


def test_an_entry_knows_its_line_for_the_violation_message(tmp_path):
    listed = tmp_path / "exemptions.yaml"
    listed.write_text("# header\nexemptions:\n  - rule: rds-multi-az\n    urn: urn:x\n")
    (exemption,) = load_exemptions(listed)
    assert exemption.label == "rds-multi-az on urn:x (line 3)"
    assert problems(exemption, TODAY, RULES) == ["missing `reason`, `owner`, `expires`"]


def test_the_pack_turns_a_broken_file_into_no_exemptions_and_the_reason(tmp_path):
    broken = tmp_path / "exemptions.yaml"
    broken.write_text("exemptions:\n  rule: rds-multi-az\n")
    with pytest.raises(UsageError, match="line 2: `exemptions:` must be a list"):
        load_exemptions(broken)
    exemptions, reason = load_for_pack(broken)
    assert exemptions == [] and reason is not None and str(broken) in reason
    assert load_for_pack(tmp_path / "missing.yaml") == ([], None)


DEV = "urn:pulumi:dev::platform::aws:rds/instance:Instance::"


def test_stale_exemptions_are_those_of_this_stack_and_project_matching_no_resource():
    gone, kept = parse_exemption({**VALID, "urn": DEV + "gone"}), parse_exemption({**VALID, "urn": DEV + "db"})
    prod = parse_exemption(VALID)  # another stack's: not this preview's business
    no_urn = parse_exemption({**VALID, "urn": ""})
    malformed = parse_exemption({**VALID, "urn": "db"})
    assert stale([gone, kept, prod, no_urn, malformed], [DEV + "db", DEV + "other"]) == [gone]
    assert stale([gone], []) == []  # nothing previewed: no stack to compare with
