"""Config rules added for the first real deployment: each refuses what AWS or the engine would reject later."""

from __future__ import annotations

import json

import pytest

from components.config import backup_clashes_with_window
from components.config_loader import InvalidConfigError, load_platform_config
from tests.test_config import PROJECT_DEFAULTS, TEAM_VALUES, load


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


@pytest.mark.parametrize(
    "expression,window,clash",
    [
        ("cron(0 3 * * ? *)", "03:00-04:00", "03:00"),  # inside
        ("cron(30 4 * * ? *)", "03:00-04:00", "04:30"),  # 30 min after the end
        ("cron(0 5 * * ? *)", "03:00-04:00", None),  # exactly an hour after
        ("cron(30 2 * * ? *)", "03:00-04:00", "02:30"),  # 30 min before the start
        ("cron(0 2 * * ? *)", "03:00-04:00", None),  # exactly an hour before
        ("cron(0 0/4 * * ? *)", "00:00-01:00", "00:00"),  # one of several runs
        ("cron(0 0/4 * * ? *)", "01:00-01:30", None),  # prod: between the 4-hourly runs
        ("cron(0 1 * * ? *)", "23:30-00:30", "01:00"),  # window across midnight
        ("cron(15 3 ? * SUN *)", "03:00-04:00", "03:15"),  # weekly: the Sunday run still meets the window
    ],
)
def test_backup_clearance_around_the_rds_window(expression, window, clash):
    assert backup_clashes_with_window(expression, window, 60) == clash


@pytest.mark.parametrize("tier", ["dev", "staging", "prod"])
def test_tier_defaults_keep_backups_clear_of_the_rds_window(tier):
    config = load(tier)
    for rule, expression in config.backup.schedules.items():
        assert backup_clashes_with_window(expression, config.database.backup_window, 60) is None, rule


@pytest.mark.parametrize("seconds", [60, 300, 901])
def test_replica_lag_alarm_sits_between_the_idle_sawtooth_and_the_rpo(seconds):
    assert "platform:observability.replicationLagAlarmSeconds" in refused(
        "prod", observability={"replicationLagAlarmSeconds": seconds}
    )


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
