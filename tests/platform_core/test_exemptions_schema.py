"""The exemptions.yaml format, as the pack and platformctl both read it: file problems raise, entry problems stay."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platform_core.exemptions_schema import check_file, parse_entries, parse_entry, read_entries

REPO = Path(__file__).resolve().parents[2]
ENTRY = """\
  - rule: rds-multi-az
    urn: urn:pulumi:prod::platform::aws:rds/instance:Instance::db
    reason: migration to multi-AZ scheduled in change CHG-1234
    owner: dba-team
    expires: {expires}
"""


def test_a_valid_file_gives_each_entry_its_fields_date_and_line():
    (entry,) = parse_entries("# reviewed\nexemptions:\n" + ENTRY.format(expires="2027-01-31"), "x.yaml")
    assert entry.problems == ()
    assert entry.line == 3
    assert entry.expires == datetime.date(2027, 1, 31)
    assert entry.get("owner") == "dba-team" and entry.get("missing") == ""


def test_a_quoted_date_reads_like_an_unquoted_one():
    quoted = parse_entries("exemptions:\n" + ENTRY.format(expires='"2027-01-31"'), "x.yaml")
    assert quoted[0].expires == datetime.date(2027, 1, 31) and quoted[0].problems == ()


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "exemptions:\n", "exemptions: []\n", "{}\n"])
def test_an_empty_file_or_list_has_no_entries(text):
    assert parse_entries(text, "x.yaml") == []


def test_a_missing_file_has_no_entries(tmp_path):
    assert read_entries(tmp_path / "exemptions.yaml") == []


@pytest.mark.parametrize(
    "text,message",
    [
        (
            'exemptions:\n  - rule: a\n    urn: "unclosed\n',
            "x.yaml is not valid YAML: while scanning a quoted scalar at line 3: found unexpected end of stream",
        ),
        (
            "exemptions:\n  - rule: a\n  urn: b\n",
            "x.yaml is not valid YAML: while parsing a block collection at line 2",
        ),
        ("- rule: a\n", "x.yaml line 1: the file must be a mapping with one key, `exemptions:`, holding a list"),
        ("exemptions:\n  rule: a\n", "x.yaml line 2: `exemptions:` must be a list of entries"),
        ("exemptions: none\n", "x.yaml line 1: `exemptions:` must be a list of entries (each starting with `- rule"),
        ("exemptions: []\nexceptions: []\n", "x.yaml line 2: unknown key 'exceptions'; the only key is `exemptions:`"),
    ],
)
def test_a_file_that_is_not_yaml_or_not_shaped_like_the_format_is_a_usage_error_with_its_line(text, message):
    with pytest.raises(UsageError) as raised:
        parse_entries(text, "x.yaml")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "body,problems",
    [
        (ENTRY.format(expires="2027-02-30"), ["`expires` '2027-02-30' is not a date: day is out of range for month"]),
        (ENTRY.format(expires="2027-1-31"), ["`expires` '2027-1-31' is not a date (YYYY-MM-DD)"]),
        (ENTRY.format(expires="2027-01-31 10:00:00"), ["`expires` '2027-01-31 10:00:00' is not a date (YYYY-MM-DD)"]),
        ("  - rule: a\n    urn: ~\n    reason: ''\n", ["missing `urn`, `reason`, `owner`, `expires`"]),
        (ENTRY.format(expires="2027-01-31") + "    expiry: 2027-01-31\n", ["unknown field `expiry` (did you mean"]),
        (ENTRY.format(expires="2027-01-31") + "    owner: sre\n", ["field `owner` given twice"]),
        (ENTRY.format(expires="{when: soon}"), ["`expires` must be text; found a mapping"]),
        ("  - rds-multi-az\n", ["an entry must be a mapping of rule, urn, reason, owner, expires; found a single"]),
    ],
)
def test_an_entry_s_own_problems_stay_with_the_entry(body, problems):
    (entry,) = parse_entries("exemptions:\n" + body, "x.yaml")
    assert entry.line == 2
    assert len(entry.problems) == len(problems), entry.problems
    for fragment, problem in zip(problems, entry.problems, strict=True):
        assert fragment in problem


def test_plain_values_follow_the_same_rules():
    assert parse_entry({"rule": "a", "urn": "u", "reason": "r", "owner": "o", "expires": "2027-02-29"}).problems == (
        "`expires` '2027-02-29' is not a date: day is out of range for month",
    )
    assert parse_entry("not a mapping").problems[0].startswith("an entry must be a mapping")  # type: ignore[arg-type]


def test_check_file_names_the_file_and_every_unusable_entry_by_line(tmp_path):
    path = tmp_path / "exemptions.yaml"
    path.write_text("exemptions:\n" + ENTRY.format(expires="2027-02-30") + "  - rule: b\n")
    with pytest.raises(UsageError) as raised:
        check_file(path)
    message = str(raised.value)
    assert message.startswith(f"exemptions file {path} has 2 unusable entries: line 2: `expires` '2027-02-30'")
    assert "| line 7: missing `urn`, `reason`, `owner`, `expires`" in message
    assert "\n" not in message


def test_check_file_passes_the_committed_exemptions():
    assert isinstance(check_file(REPO / "policies" / "exemptions.yaml"), list)


def test_an_unreadable_file_is_a_usage_error(tmp_path):
    path = tmp_path / "exemptions.yaml"
    path.write_bytes(b"exemptions:\n  - rule: \xff\n")
    with pytest.raises(UsageError, match="cannot read exemptions file"):
        read_entries(path)
