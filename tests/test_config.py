"""The configuration model: tier defaults, and a clear error for every kind of bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from components.config import STANDARD_RETENTION_DAYS, PlatformConfig, Tier, windows_overlap
from components.config_loader import InvalidConfigError, _deep_merge, load_platform_config
from components.tiers import TIER_DEFAULTS

PROJECT_DEFAULTS = {
    "owner": "platform-team",
    "costCenter": "platform-engineering",
    "dataClassification": "confidential",
    "primaryRegion": "us-east-1",
    "drRegion": "us-west-2",
}
# What a team sets in its own staging/prod stack files: there is no tier default for these.
SLACK = {
    "slackWorkspaceId": "T0123ABCDE",
    "slackCriticalChannelId": "C0123ABCDE",
    "slackWarningChannelId": "C0456FGHIJ",
}
TEAM_VALUES = {
    "staging": {"accountId": "210987654321", "alerting": SLACK},
    "prod": {"accountId": "123456789012", "alerting": SLACK, "cluster": {"publicAccessCidrs": ["203.0.113.16/28"]}},
}


def load(tier: str = "dev", **overrides):
    raw = _deep_merge(copy.deepcopy(TEAM_VALUES.get(tier, {})), overrides)
    return load_platform_config({**PROJECT_DEFAULTS, "tier": tier, **raw})


@pytest.mark.parametrize("tier", list(Tier))
def test_tier_defaults_are_valid_and_keep_the_standard_retention(tier):
    config = load(tier.value)
    assert config.backup.retention_days == STANDARD_RETENTION_DAYS[tier]
    assert config.database.backup_retention_days == STANDARD_RETENTION_DAYS[tier]


def test_tier_defaults_differ_where_the_documentation_says():
    dev, staging, prod = (load(t) for t in ("dev", "staging", "prod"))
    assert (dev.network.az_count, staging.network.az_count, prod.network.az_count) == (2, 2, 3)
    assert dev.cluster.node_groups.capacity_type == "SPOT"
    assert staging.cluster.node_groups.capacity_type == prod.cluster.node_groups.capacity_type == "ON_DEMAND"
    assert [c.database.multi_az for c in (dev, staging, prod)] == [False, False, True]
    assert prod.database.maintenance_window == "sun:02:00-sun:06:00"
    assert staging.database.maintenance_window == "sat:02:00-sat:06:00"
    assert [c.backup.copy_to_dr for c in (dev, staging, prod)] == [False, False, True]


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


def test_retention_may_differ_with_a_written_reason():
    config = load("dev", backup={"retentionDays": 10, "retentionOverrideReason": "legal hold for audit 2026-Q4"})
    assert config.backup.retention_days == 10


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


PROD_RULES = {
    "two AZs": ({"network": {"azCount": 2}}, "network.azCount must be >= 3 in prod"),
    "single NAT": ({"network": {"natGateways": "single"}}, "network.natGateways must be 'per-az' in prod"),
    "single-AZ database": ({"database": {"multiAz": False}}, "database.multiAz must be true in prod"),
    "no continuous backup": ({"backup": {"continuousDatabaseBackup": False}}, "continuousDatabaseBackup"),
    "no DR copy": ({"backup": {"copyToDr": False}}, "backup.copyToDr must be true in prod"),
    "unprotected": ({"protectStateful": False}, "protectStateful must be true in prod"),
    "nodes lost with an AZ": ({"cluster": {"nodeGroups": {"minSize": 1}}}, "losing one of 3 AZs leaves 2 node(s)"),
}


@pytest.mark.parametrize("overrides,expected", PROD_RULES.values(), ids=PROD_RULES.keys())
def test_prod_refuses_to_lose_high_availability(overrides, expected):
    with pytest.raises(InvalidConfigError) as caught:
        load("prod", **overrides)
    assert expected in str(caught.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidConfigError) as caught:
        load("dev", network={"azCount": "x", "natGateways": "many"})
    assert "2 problems" in str(caught.value)


def test_config_is_frozen():
    config = load("dev")
    with pytest.raises(Exception, match="frozen"):
        config.tier = Tier.PROD


def test_every_field_is_described():
    def walk(model):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                yield from walk(annotation)
            yield name

    assert len(list(walk(PlatformConfig))) > 40


def test_tier_defaults_cover_every_tier():
    assert set(TIER_DEFAULTS) == set(Tier)


@pytest.mark.parametrize(
    "maintenance,backup,overlap",
    [
        ("sun:02:00-sun:06:00", "00:00-01:00", False),
        ("sun:02:00-sun:06:00", "05:30-06:30", True),
        ("sun:02:00-sun:06:00", "06:00-07:00", False),  # touching ends do not overlap
        ("sat:23:00-sun:01:00", "00:30-00:45", True),  # maintenance across midnight
        ("tue:10:00-tue:12:00", "23:30-00:30", False),  # backup across midnight
        ("sun:23:30-mon:00:30", "00:00-00:40", True),  # both wrap, across the week's end
    ],
)
def test_window_overlap(maintenance, backup, overlap):
    assert windows_overlap(maintenance, backup) is overlap


def test_pulumi_yaml_documents_every_key_of_the_model():
    from platformctl.config_docs import reference

    project_file = (Path(__file__).resolve().parent.parent / "Pulumi.yaml").read_text()
    assert reference() in project_file, "Pulumi.yaml is stale: run `python -m platformctl config-docs --write`"
    declared = yaml.safe_load(project_file)["config"]
    for name, field in PlatformConfig.model_fields.items():
        key = field.alias or name
        assert key in declared or f"# platform:{key} " in project_file, f"platform:{key} is not documented"
