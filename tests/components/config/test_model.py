"""The config model's rules: each refuses, before anything is registered, what AWS or the engine would reject
later or what the tier must not lose."""

from __future__ import annotations

import pytest
import yaml

from components.config.loader import InvalidConfigError, load_platform_config
from components.config.model import PlatformConfig, Tier
from tests.components.configs import PROJECT_DEFAULTS, REPO, TEAM_VALUES, load


def refused(tier: str, **overrides) -> str:
    with pytest.raises(InvalidConfigError) as caught:
        load(tier, **overrides)
    return str(caught.value)


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_staging_and_prod_need_the_teams_own_account_and_slack_ids(tier):
    raw = {**PROJECT_DEFAULTS, "tier": tier}
    if tier == "prod":
        raw["cluster"] = TEAM_VALUES["prod"]["cluster"]
    with pytest.raises(InvalidConfigError) as caught:
        load_platform_config(raw)
    message = str(caught.value)
    assert "pulumi config set 'accountId'" in message
    for key in ("alerting.slackWorkspaceId", "alerting.slackCriticalChannelId", "alerting.slackWarningChannelId"):
        assert f"pulumi config set --path '{key}'" in message, message


def test_dev_runs_without_account_or_slack_ids():
    config = load("dev")
    assert config.account_id is None and config.alerting.slack_workspace_id is None


@pytest.mark.parametrize("value", ["12345", "12345678901a", "1234567890123"])
def test_account_id_is_twelve_digits(value):
    assert "platform:accountId" in refused("staging", accountId=value)


def test_a_locked_vault_refuses_retention_below_its_minimum():
    message = refused("prod", backup={"retentionDays": 20, "retentionOverrideReason": "shorter on legal advice"})
    assert "backup.retentionDays = 20 is below the vault lock's minimum of 30 days" in message


def test_a_locked_vault_accepts_a_longer_retention():
    config = load(
        "prod",
        backup={"retentionDays": 35, "retentionOverrideReason": "regulator asks for five weeks"},
        database={"backupRetentionDays": 35},
    )
    assert config.backup.retention_days == 35


def test_a_backup_schedule_inside_the_rds_backup_window_is_refused():
    message = refused("dev", backup={"schedules": {"daily": "cron(0 3 * * ? *)"}})
    assert "backup.schedules.daily = 'cron(0 3 * * ? *)' starts at 03:00" in message
    assert "database.backupWindow '03:00-04:00'" in message


@pytest.mark.parametrize("seconds", [60, 300, 901])
def test_replica_lag_alarm_sits_between_the_idle_sawtooth_and_the_rpo(seconds):
    assert "platform:observability.replicationLagAlarmSeconds" in refused(
        "prod", observability={"replicationLagAlarmSeconds": seconds}
    )


@pytest.mark.parametrize(
    "owner,expected",
    [
        ("x" * 300, "AWS limits to 256 characters; got 300"),
        ("platform team \N{ROCKET}", "letters, digits, spaces and _ . : / = + - @ only"),
    ],
)
def test_tag_values_from_config_meet_the_aws_tag_rules(owner, expected):
    message = refused("dev", owner=owner)
    assert "platform:owner" in message and expected in message


def test_unicode_letters_are_valid_tag_values():
    assert load("dev", owner="équipe-plateforme").owner == "équipe-plateforme"


def test_identity_center_is_for_people_roles_only():
    message = refused("prod", access={"identityCenterPermissionSets": {"break-glass": "Emergency"}})
    assert "['break-glass'] cannot be assumed through Identity Center" in message
    assert "platform:access.identityCenterPermissionSets" in message
    assert "1-32 characters" in refused("prod", access={"identityCenterPermissionSets": {"developer": "a b"}})


def test_business_hours_node_groups_keep_a_node_off_hours():
    message = refused("dev", cluster={"nodeGroups": {"offHoursMinSize": 0}})
    assert "offHoursMinSize is 0; with businessHoursOnly it must be 1 to minSize" in message


def test_kubernetes_version_must_be_in_the_support_calendar():
    message = refused("dev", cluster={"kubernetesVersion": "1.33"})
    assert "EKS version 1.33 is not in the standard-support calendar" in message
    assert "1.35 (until 2027-03-27)" in message


@pytest.mark.parametrize(
    "cidrs,expected",
    [
        ([], "publicAccessCidrs is empty but publicEndpoint is true"),
        (["0.0.0.0/0"], "cluster.publicAccessCidrs must be /24 or narrower in prod"),
        (["203.0.113.0/24", "10.0.0.0/16"], "cluster.publicAccessCidrs must be /24 or narrower in prod"),
    ],
)
def test_prod_endpoint_is_fenced_to_narrow_runner_ranges(cidrs, expected):
    assert expected in refused("prod", cluster={"publicAccessCidrs": cidrs})


def test_a_private_prod_endpoint_needs_no_ranges():
    config = load("prod", cluster={"publicEndpoint": False, "publicAccessCidrs": []})
    assert not config.cluster.public_endpoint


def test_retention_may_differ_with_a_written_reason():
    config = load("dev", backup={"retentionDays": 10, "retentionOverrideReason": "legal hold for audit 2026-Q4"})
    assert config.backup.retention_days == 10


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


def test_pulumi_yaml_documents_every_key_of_the_model():
    from platformctl.docs.config_reference import reference

    project_file = (REPO / "Pulumi.yaml").read_text()
    assert reference() in project_file, "Pulumi.yaml is stale: run `python -m platformctl config-docs --write`"
    declared = yaml.safe_load(project_file)["config"]
    for name, field in PlatformConfig.model_fields.items():
        key = field.alias or name
        assert key in declared or f"# platform:{key} " in project_file, f"platform:{key} is not documented"
