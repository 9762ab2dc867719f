"""policies/scanner-baseline.yaml: the model's rules, each refusal naming the entry, the key and what is allowed."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from platform_core.errors import UsageError
from platformctl.scan.baseline import DEFAULT_PATH, BaselineEntry, load_baseline, parse_baseline

REPO = Path(__file__).resolve().parents[3]
TODAY = datetime.date(2026, 6, 1)
VALID = {
    "check": "CKV_AWS_16",
    "resource": "aws_db_instance.platform-dev-db-instance",
    "tier": "dev",
    "reason": "dev holds synthetic data only and is rebuilt every night",
    "owner": "dba-team@example.com",
}


def refusal(*entries: dict) -> str:
    with pytest.raises(UsageError) as raised:
        parse_baseline({"entries": list(entries)}, "baseline.yaml", TODAY)
    return str(raised.value)


def test_the_committed_baseline_is_valid():
    entries = load_baseline(REPO / DEFAULT_PATH, datetime.date.today())
    assert all(isinstance(entry, BaselineEntry) for entry in entries)


def test_a_valid_file_reads_every_entry(tmp_path):
    path = tmp_path / "baseline.yaml"
    second = {**VALID, "check": "CKV2_AWS_60", "tier": "all", "expires": "2026-12-31"}
    path.write_text(yaml.safe_dump({"entries": [VALID, second]}))
    entries = load_baseline(path, TODAY)
    assert [(e.check, e.tier, e.expires) for e in entries] == [
        ("CKV_AWS_16", "dev", None),
        ("CKV2_AWS_60", "all", datetime.date(2026, 12, 31)),
    ]
    assert entries[1].covers("prod") and not entries[0].covers("prod")


def test_empty_entries_and_an_empty_file_are_no_entries():
    assert parse_baseline({"entries": []}, "b", TODAY) == []
    assert parse_baseline(None, "b", TODAY) == []


def test_no_reason_no_entry():
    message = refusal({key: value for key, value in VALID.items() if key != "reason"})
    assert "entry 0: `reason` is missing (reason: no reason, no entry)" in message


def test_a_reason_that_justifies_nothing_is_refused():
    message = refusal({**VALID, "reason": "n/a"})
    assert "entry 0: `reason` = 'n/a'" in message
    assert "a sentence of at least 15 characters" in message


def test_an_unknown_key_is_named_with_the_keys_allowed():
    message = refusal(VALID, {**VALID, "tier": "prod", "urn": "urn:pulumi:prod::platform::x"})
    assert "entry 1: unknown key `urn`; the keys are check, resource, tier, reason, owner, expires" in message


def test_a_bad_tier_names_the_tiers():
    message = refusal({**VALID, "tier": "production"})
    assert "entry 0: `tier` = 'production'" in message
    assert "expected dev, staging, prod, all, or a list naming each of dev, staging, prod at most once" in message


def test_a_bad_check_id_and_address_say_what_is_expected():
    message = refusal({**VALID, "check": "rds-encrypted", "resource": "db"})
    assert "`check` = 'rds-encrypted'" in message and "a Checkov check id such as CKV_AWS_91" in message
    assert "`resource` = 'db'" in message and "a plan address `<type>.<name>`" in message


def test_a_duplicate_is_refused_and_so_is_an_overlap_with_all():
    assert "entry 1: CKV_AWS_16 on aws_db_instance.platform-dev-db-instance (dev) duplicates entry 0" in refusal(
        VALID, dict(VALID)
    )
    assert "entry 1: CKV_AWS_16 on aws_db_instance.platform-dev-db-instance (all) duplicates entry 0" in refusal(
        VALID, {**VALID, "tier": "all"}
    )
    parse_baseline({"entries": [VALID, {**VALID, "tier": "prod"}]}, "b", TODAY)  # other tier: two findings


def test_an_expired_entry_is_refused():
    message = refusal({**VALID, "expires": datetime.date(2026, 5, 31)})
    assert "entry 0: CKV_AWS_16 on aws_db_instance.platform-dev-db-instance (dev) expired on 2026-05-31" in message
    parse_baseline({"entries": [{**VALID, "expires": TODAY}]}, "b", TODAY)  # still valid on its last day


def test_an_impossible_date_is_refused():
    assert "entry 0: `expires` = '2027-02-30'" in refusal({**VALID, "expires": "2027-02-30"})


def test_a_file_of_the_wrong_shape_is_refused(tmp_path):
    with pytest.raises(UsageError, match="a mapping with one key, `entries:`"):
        parse_baseline([VALID], "b", TODAY)
    with pytest.raises(UsageError, match="`entries:` must be a list"):
        parse_baseline({"entries": VALID}, "b", TODAY)
    with pytest.raises(UsageError, match=r"--baseline .*missing\.yaml: no such file"):
        load_baseline(tmp_path / "missing.yaml", TODAY)


def test_a_list_of_tiers_overlapping_another_entry_is_a_duplicate():
    message = refusal({**VALID, "tier": ["dev", "staging"]}, {**VALID, "tier": "staging"})
    assert "entry 1:" in message and "duplicates entry 0" in message
    parse_baseline({"entries": [{**VALID, "tier": ["dev", "staging"]}, {**VALID, "tier": "prod"}]}, "b", TODAY)


def test_an_empty_or_repeating_tier_list_is_refused():
    assert "`tier`" in refusal({**VALID, "tier": []})
    assert "`tier`" in refusal({**VALID, "tier": ["dev", "dev"]})
