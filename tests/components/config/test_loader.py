"""The loader: tier defaults merged under a stack's overrides, keys read as the CLI passes them, and a clear
error for every kind of bad input."""

from __future__ import annotations

import json

import pytest

from components.config.loader import InvalidConfigError, load_platform_config
from tests.components.configs import PROJECT_DEFAULTS, load


def test_overrides_merge_onto_tier_defaults_key_by_key():
    config = load("staging", database={"instanceClass": "db.m6g.large"})
    assert config.database.instance_class == "db.m6g.large"
    assert config.database.backup_retention_days == 14  # untouched siblings keep the tier default


def test_objects_arrive_as_json_text_like_under_the_cli(monkeypatch):
    monkeypatch.setenv(
        "PULUMI_CONFIG",
        json.dumps(
            {
                **{f"platform:{k}": v for k, v in PROJECT_DEFAULTS.items()},
                "platform:tier": "dev",
                "platform:network": json.dumps({"azCount": 3}),
                "aws:region": "us-east-1",
            }
        ),
    )
    assert load_platform_config().network.az_count == 3


BAD_INPUTS = {
    "missing tier": ({"tier": None}, "platform:tier is not set"),
    "unknown tier": ({"tier": "qa"}, "platform:tier = 'qa' is not a tier; allowed: dev, staging, prod"),
    "misspelled top-level key": ({"databse": {}}, "platform:databse is not a known key"),
    "misspelled nested key": (
        {"database": {"instanceClas": "db.t4g.micro"}},
        "platform:database.instanceClas is not a known key",
    ),
    "wrong type": (
        {"network": {"azCount": "three"}},
        'platform:network.azCount = "three": Input should be a valid integer',
    ),
    "object expected": ({"network": "big"}, 'platform:network = "big"'),
    "enum value": ({"cluster": {"nodeGroups": {"capacityType": "spot"}}}, "'SPOT' or 'ON_DEMAND'"),
    "out of range": (
        {"network": {"azCount": 9}},
        "platform:network.azCount = 9: Input should be less than or equal to 6",
    ),
    "bad cidr": ({"network": {"vpcCidr": "10.0.0.0/8"}}, "must be a /16 to /20 block"),
    "not a cidr": ({"network": {"vpcCidr": "ten"}}, 'platform:network.vpcCidr = "ten"'),
    "bad region": ({"primaryRegion": "us-east"}, 'platform:primaryRegion = "us-east"'),
    "same regions": ({"drRegion": "us-east-1"}, "drRegion must differ from primaryRegion"),
    "retention without reason": (
        {"backup": {"retentionDays": 3}},
        "the dev tier keeps backups 7 days but backup.retentionDays=3",
    ),
    "short reason": (
        {"backup": {"retentionDays": 3, "retentionOverrideReason": "x"}},
        "platform:backup.retentionOverrideReason",
    ),
    "overlapping windows": ({"database": {"backupWindow": "10:30-11:30"}}, "overlaps maintenanceWindow"),
    "bad maintenance window": (
        {"database": {"maintenanceWindow": "sunday 2am"}},
        'platform:database.maintenanceWindow = "sunday 2am"',
    ),
    "node sizes out of order": (
        {"cluster": {"nodeGroups": {"minSize": 5, "desiredSize": 2}}},
        "minSize <= desiredSize <= maxSize",
    ),
    "empty instance types": (
        {"cluster": {"nodeGroups": {"instanceTypes": []}}},
        "platform:cluster.nodeGroups.instanceTypes",
    ),
    "bad schedule": ({"backup": {"schedules": {"daily": "every day"}}}, "must be an AWS cron(...) expression"),
    "bad db class": ({"database": {"instanceClass": "t3.micro"}}, 'platform:database.instanceClass = "t3.micro"'),
    "bad log type": ({"cluster": {"logTypes": ["everything"]}}, "platform:cluster.logTypes.0"),
    "storage ceiling below size": (
        {"database": {"maxAllocatedStorageGib": 20, "allocatedStorageGib": 50}},
        "maxAllocatedStorageGib (20) must be >= allocatedStorageGib (50)",
    ),
}


@pytest.mark.parametrize("overrides,expected", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_names_the_key_and_what_is_allowed(overrides, expected):
    raw = {**PROJECT_DEFAULTS, "tier": "dev", **overrides}
    raw = {k: v for k, v in raw.items() if v is not None}
    with pytest.raises(InvalidConfigError) as caught:
        load_platform_config(raw)
    assert expected in str(caught.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidConfigError) as caught:
        load("dev", network={"azCount": "x", "natGateways": "many"})
    assert "2 problems" in str(caught.value)


def test_aws_region_must_match_the_primary_region():
    raw = {**PROJECT_DEFAULTS, "tier": "dev"}
    with pytest.raises(InvalidConfigError) as caught:
        load_platform_config(raw, aws_region="eu-west-1")
    assert "aws:region = 'eu-west-1' conflicts with platform:primaryRegion = 'us-east-1'" in str(caught.value)
    assert load_platform_config(raw, aws_region="us-east-1").primary_region == "us-east-1"


def test_aws_region_is_read_from_the_stack_config(monkeypatch):
    monkeypatch.setenv(
        "PULUMI_CONFIG",
        json.dumps(
            {
                **{f"platform:{k}": v for k, v in PROJECT_DEFAULTS.items()},
                "platform:tier": "dev",
                "aws:region": "us-west-2",
            }
        ),
    )
    with pytest.raises(InvalidConfigError, match="aws:region = 'us-west-2' conflicts"):
        load_platform_config()
