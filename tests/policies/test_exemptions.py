"""Exemptions: what makes one invalid, and for how long a valid one excuses a finding."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from platform_policies.exemptions import active, load_exemptions, parse_exemption, problems

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


def test_the_pack_loads_its_exemptions_file_and_none_when_it_is_missing(tmp_path):
    listed = tmp_path / "exemptions.yaml"
    listed.write_text("exemptions:\n  - rule: rds-multi-az\n    urn: urn:x\n")
    assert [e.rule for e in load_exemptions(listed)] == ["rds-multi-az"]
    assert load_exemptions(tmp_path / "missing.yaml") == []


def test_the_committed_exemptions_file_loads():
    assert isinstance(load_exemptions(Path(__file__).resolve().parents[2] / "policies" / "exemptions.yaml"), list)
