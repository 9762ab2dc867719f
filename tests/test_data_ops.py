"""Data operations: CloudTrail and the logs key, replica lag, final snapshots, AWS Backup against the RDS
instance (owned settings, window clearance, vault lock), Slack delivery and the fixed names of these components.

Every assertion names the URN of the resource it is about.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from components.alarms import replica_lag_alarm
from components.config import STANDARD_RETENTION_DAYS, Tier
from components.config_loader import InvalidConfigError
from components.config_operations import ALARM_DELIVERY_SECONDS, IDLE_REPLICA_LAG_SECONDS, RPO_SECONDS
from components.database import final_snapshot_identifier
from platform_core.aws_cron import daily_times
from platformctl.aws_limits import rule_for
from platformctl.engine import preview_stacks
from platformctl.offline_checks import name_problems
from platformctl.project import load_project
from tests.test_config import load

REPO = Path(__file__).resolve().parent.parent
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DB = "aws:rds/instance:Instance"
KEY = "aws:kms/key:Key"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN = "aws:backup/plan:Plan"
SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC = "aws:sns/topic:Topic"
CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}
# The components this file covers; their fixed-name resources are checked below.
COMPONENTS = (
    "platform:encryption:Encryption",
    "platform:database:Database",
    "platform:backup:Backup",
    "platform:alerting:Alerting",
    "platform:monitoring:Monitoring",
    "platform:budget:Budget",
)
CLEARANCE_MINUTES = 60  # AWS Backup snapshot rules keep an hour away from the RDS automated backup window


def _ours(resource: dict[str, Any]) -> bool:
    """Registered under one of this file's components (the URN's type chain starts with it)."""
    chain = resource["urn"].split("::")[2]
    return any(chain.startswith(f"{component}$") for component in COMPONENTS)


# --- 1. CloudTrail and the logs key --------------------------------------------------------------------------


def test_logs_key_has_the_three_cloudtrail_statements_of_the_guide(tier_stack):
    """https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"""
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")
    key = next(k for k in stack.of_type(KEY) if k["outputs"]["arn"] == trail["inputs"]["kmsKeyId"])
    account = trail["outputs"]["arn"].split(":")[4]
    statements = [s for s in json.loads(key["inputs"]["policy"])["Statement"] if s.get("Principal") == CLOUDTRAIL]
    assert statements == [
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"},
            },
        },
        # DescribeKey carries no encryption context: under that condition CreateTrail would fail.
        {
            "Sid": "Allow CloudTrail to describe key",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]}},
        },
        {
            "Sid": "Allow CloudTrail to decrypt a trail",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    ], f"{key['urn']} (used by {trail['urn']})"


def test_the_trail_bucket_uses_a_bucket_key_which_is_why_cloudtrail_needs_decrypt(tier_stack):
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")
    encryption = next(
        e
        for e in stack.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        if e["inputs"]["bucket"] == trail["inputs"]["s3BucketName"]
    )
    (rule,) = encryption["inputs"]["rules"]
    assert rule["bucketKeyEnabled"] is True, encryption["urn"]
    assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == trail["inputs"]["kmsKeyId"], encryption[
        "urn"
    ]


# --- 3. Replica lag ------------------------------------------------------------------------------------------


def test_prod_replica_lag_alarm_rides_out_the_idle_sawtooth_and_pages_before_the_rpo(stacks):
    prod = stacks["prod"]
    (lag,) = [a for a in prod.of_type(ALARM) if a["inputs"]["name"] == "platform-prod-db-replica-lag"]
    inputs = lag["inputs"]
    # Above the idle sawtooth (WAL ships every archive_timeout, 300 s) and below the 900 s RPO.
    assert IDLE_REPLICA_LAG_SECONDS < inputs["threshold"] < RPO_SECONDS, lag["urn"]
    assert inputs["threshold"] == 600, lag["urn"]
    # The Maximum of each minute: one sawtooth peak never exceeds the threshold, a stall always does.
    assert (inputs["metricName"], inputs["statistic"], inputs["period"]) == ("ReplicaLag", "Maximum", 60), lag["urn"]
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"], lag["urn"]
    # A stall that starts now pages, delivery included, before the recovery point is older than the RPO.
    paged_after = inputs["threshold"] + inputs["evaluationPeriods"] * inputs["period"] + ALARM_DELIVERY_SECONDS
    assert paged_after < RPO_SECONDS, f"{lag['urn']} pages {paged_after} s into a stall; the RPO is {RPO_SECONDS} s"
    # A replica that stops reporting lag is the failure this alarm exists for.
    assert inputs["treatMissingData"] == "breaching", lag["urn"]


@pytest.mark.parametrize("seconds,pages_in_time", [(361, True), (600, True), (659, True), (660, False), (900, False)])
def test_a_replica_lag_threshold_that_cannot_page_within_the_rpo_is_refused(seconds, pages_in_time):
    if pages_in_time:
        config = load("prod", observability={"replicationLagAlarmSeconds": seconds})
        assert replica_lag_alarm(config, "platform-prod-db-dr").threshold == seconds
        return
    with pytest.raises(InvalidConfigError, match=r"replicationLagAlarmSeconds = \d+: Input should be"):
        load("prod", observability={"replicationLagAlarmSeconds": seconds})


# --- 4. Final snapshot identifier ----------------------------------------------------------------------------


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_final_snapshot_name_carries_a_random_suffix_kept_in_the_state(stacks, tier):
    stack = stacks[tier]
    db = stack.database()
    assert db["inputs"]["finalSnapshotIdentifier"] != f"platform-{tier}-db-final", db["urn"]
    (suffix,) = [
        r
        for r in stack.of_type("random:index/randomId:RandomId")
        if r["urn"] in db["propertyDependencies"]["finalSnapshotIdentifier"]
    ]
    assert suffix["parent"] == db["parent"], suffix["urn"]
    assert suffix["inputs"]["byteLength"] == 4, suffix["urn"]
    # A new instance (new identifier, new key, ...) gets a new suffix, so its final snapshot cannot collide.
    keepers = suffix["inputs"]["keepers"]
    assert keepers["identifier"] == db["inputs"]["identifier"], suffix["urn"]
    assert keepers["kmsKeyId"] == db["inputs"]["kmsKeyId"], suffix["urn"]


def test_dev_skips_the_final_snapshot_and_its_suffix(stacks):
    dev = stacks["dev"]
    assert "finalSnapshotIdentifier" not in dev.database()["inputs"], dev.database()["urn"]
    assert not dev.of_type("random:index/randomId:RandomId")


def test_final_snapshot_identifier_follows_the_rds_rules():
    """https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html"""
    longest = max((f"platform-{tier.value}-db" for tier in Tier), key=len)
    name = final_snapshot_identifier(longest, "f" * 8)
    assert name == "platform-staging-db-final-ffffffff" and len(name) <= 255
    for identifier, suffix in (("1db", "00"), ("db-", "00"), ("db", ""), ("a" * 250, "0" * 8)):
        with pytest.raises(ValueError, match="breaks the RDS rules"):
            final_snapshot_identifier(identifier, suffix)


# --- 4. Fixed names are replaced delete-first ----------------------------------------------------------------

# type -> input holding the fixed physical name (None: one per parent object, e.g. a vault's lock).
FIXED_NAMES = {
    "aws:kms/alias:Alias": "name",
    ALARM: "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "name",
    "aws:budgets/budget:Budget": "name",
    PLAN: "name",
    "aws:backup/selection:Selection": "name",
    SLACK: "configurationName",
    DB: "identifier",
    LOCK: None,
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": None,
}


def test_every_fixed_name_is_freed_before_its_replacement_unless_protected(tier_stack):
    _, stack = tier_stack
    checked = [r for r in stack.resources if r["type"] in FIXED_NAMES and _ours(r)]
    assert {r["type"] for r in checked} >= {"aws:kms/alias:Alias", ALARM, DB, PLAN}
    for resource in checked:
        prop = FIXED_NAMES[resource["type"]]
        assert prop is None or resource["inputs"].get(prop), f"{resource['urn']} has no fixed {prop}"
        if resource["protect"]:
            continue  # protect refuses the replacement altogether
        assert resource["deleteBeforeReplace"] is True, (
            f"{resource['urn']} keeps a fixed name but would be created before the old one is deleted"
        )


# --- 5. AWS Backup owns prod's automated backups -------------------------------------------------------------


def test_prod_primary_leaves_its_automated_backup_settings_to_aws_backup(stacks):
    for tier, stack in stacks.items():
        db = stack.database()
        continuous = any(r.get("enableContinuousBackup") for r in stack.one(PLAN)["inputs"]["rules"])
        selected = db["outputs"]["arn"] in stack.one("aws:backup/selection:Selection")["inputs"]["resources"]
        assert continuous is (tier == "prod") and selected, db["urn"]
        expected = {"backupRetentionPeriod", "backupWindow"} if continuous else set()
        assert set(db["ignoreChanges"]) == expected, db["urn"]
        # The DR replica is not in the selection: it keeps managing its own backups.
        for replica in (r for r in stack.of_type(DB) if "replicateSourceDb" in r["inputs"]):
            assert replica["ignoreChanges"] == [], replica["urn"]


# --- 6. Vault lock -------------------------------------------------------------------------------------------


def test_vault_lock_minimum_is_the_tier_standard_retention(stacks):
    for lock in stacks["prod"].of_type(LOCK):
        assert lock["inputs"]["minRetentionDays"] == STANDARD_RETENTION_DAYS[Tier.PROD], lock["urn"]
        assert lock["inputs"]["changeableForDays"] == 3, lock["urn"]


@pytest.fixture(scope="module")
def prod_keeping_longer(tmp_path_factory):
    """prod with a documented longer retention: backups keep 35 days, the lock's floor stays at 30."""
    directory = tmp_path_factory.mktemp("retention")
    for name in ("Pulumi.yaml", "platformctl.offline.yaml", "__main__.py"):
        shutil.copy(REPO / name, directory / name)
    shutil.copytree(REPO / "components", directory / "components", ignore=shutil.ignore_patterns("__pycache__"))
    stack_file = (REPO / "Pulumi.prod.yaml").read_text()
    (directory / "Pulumi.prod.yaml").write_text(
        stack_file
        + (
            "  platform:backup:\n    retentionDays: 35\n"
            "    retentionOverrideReason: Contract with the customer requires five weeks of recovery points.\n"
        )
    )
    (preview,) = preview_stacks(load_project(directory), ["prod"])
    assert preview.ok, preview.message
    return preview


def test_a_longer_retention_keeps_the_lock_floor_at_the_tier_standard(prod_keeping_longer):
    locks = [r for r in prod_keeping_longer.resources if r["type"] == LOCK]
    plan = next(r for r in prod_keeping_longer.resources if r["type"] == PLAN)
    assert {rule["lifecycle"]["deleteAfter"] for rule in plan["inputs"]["rules"]} == {35}, plan["urn"]
    assert len(locks) == 2
    for lock in locks:
        assert lock["inputs"]["minRetentionDays"] == STANDARD_RETENTION_DAYS[Tier.PROD], lock["urn"]


# --- 7. Backup rules clear of the RDS backup window ----------------------------------------------------------


def _window_minutes(window: str) -> tuple[int, int]:
    start_h, start_m, end_h, end_m = map(int, re.fullmatch(r"(\d\d):(\d\d)-(\d\d):(\d\d)", window).groups())
    return start_h * 60 + start_m, end_h * 60 + end_m


def test_backup_rules_fire_at_least_an_hour_away_from_the_rds_backup_window(tier_stack):
    _, stack = tier_stack
    db = stack.database()
    plan = stack.one(PLAN)
    start, end = _window_minutes(db["inputs"]["backupWindow"])
    length = (end - start) % 1440
    # The continuous rule's schedule takes no snapshot, it only syncs the continuous recovery point
    # (https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html).
    snapshot_rules = [r for r in plan["inputs"]["rules"] if not r.get("enableContinuousBackup")]
    assert snapshot_rules, plan["urn"]
    for rule in snapshot_rules:
        times = daily_times(rule["schedule"])
        assert times, f"{plan['urn']} rule {rule['ruleName']}: unreadable {rule['schedule']!r}"
        for hour, minute in sorted(times):
            after_start = (hour * 60 + minute - start) % 1440
            clear = length + CLEARANCE_MINUTES <= after_start <= 1440 - CLEARANCE_MINUTES
            assert clear, (
                f"{plan['urn']} rule {rule['ruleName']} fires at {hour:02d}:{minute:02d}, within "
                f"{CLEARANCE_MINUTES} min of {db['urn']} backupWindow {db['inputs']['backupWindow']}"
            )


# --- 8. Slack ------------------------------------------------------------------------------------------------


def _chatbot_roles(stack) -> list[dict[str, Any]]:
    return [r for r in stack.of_type("aws:iam/role:Role") if "chatbot.amazonaws.com" in r["inputs"]["assumeRolePolicy"]]


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_staging_and_prod_post_critical_and_warning_to_slack(stacks, tier):
    stack = stacks[tier]
    topics = {t["outputs"]["arn"]: t["name"].rsplit("-", 1)[1] for t in stack.of_type(TOPIC)}
    configs = stack.of_type(SLACK)
    posted = {topics[arn]: c for c in configs for arn in c["inputs"]["snsTopicArns"]}
    assert set(posted) == {"critical", "warning"}, [c["urn"] for c in configs]
    for severity, config in posted.items():
        assert config["inputs"]["configurationName"] == f"platform-{tier}-{severity}", config["urn"]
        assert config["inputs"]["slackTeamId"] and config["inputs"]["slackChannelId"], config["urn"]
    (role,) = _chatbot_roles(stack)
    assert all(c["inputs"]["iamRoleArn"] == role["outputs"]["arn"] for c in configs), role["urn"]


def test_dev_without_slack_ids_has_no_chatbot_and_mails_its_warnings(stacks):
    dev = stacks["dev"]
    assert not dev.of_type(SLACK), [c["urn"] for c in dev.of_type(SLACK)]
    assert not _chatbot_roles(dev), [r["urn"] for r in _chatbot_roles(dev)]
    (warning,) = [t for t in dev.of_type(TOPIC) if t["name"].endswith("-warning")]
    deliveries = [s for s in dev.of_type(SUBSCRIPTION) if s["inputs"]["topic"] == warning["outputs"]["arn"]]
    assert [(s["inputs"]["protocol"], s["inputs"]["endpoint"]) for s in deliveries] == [
        ("email", "platform-team@company.com")
    ], f"{warning['urn']} must still deliver somewhere"


# --- 9. Names within AWS limits ------------------------------------------------------------------------------

# The name-bearing types of these components; their limits live in the offline engine's one table
# (platformctl/aws_limits.py), each row citing its AWS page.
NAMED_TYPES = (
    TOPIC,
    ALARM,
    "aws:cloudwatch/eventRule:EventRule",
    "aws:backup/vault:Vault",
    PLAN,
    "aws:backup/selection:Selection",
    "aws:budgets/budget:Budget",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:kms/alias:Alias",
    SLACK,
)


def test_names_fit_the_aws_limits(tier_stack):
    _, stack = tier_stack
    assert all(rule_for(token) and rule_for(token).max_len for token in NAMED_TYPES), "a type lost its limits row"
    checked = 0
    for resource in stack.resources:
        if resource["type"] not in NAMED_TYPES or not _ours(resource):
            continue
        problems = name_problems(resource["type"], resource["name"], resource["inputs"])
        assert not problems, f"{resource['urn']}: {problems} ({rule_for(resource['type']).doc})"
        checked += 1
    assert checked >= 15
