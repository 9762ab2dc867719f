"""AWS Backup against the RDS instance: the vault lock's floor and the rules' clearance of the RDS backup window.
With it, what the data and operations components share: every fixed name is freed before its replacement and
fits the AWS limits (Encryption, Database, Backup, Alerting, Monitoring, Budget).

Every assertion names the URN of the resource it is about.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from platform_core.aws_cron import daily_times
from platform_core.tiers import FACTS, Tier
from platformctl.preview.aws_limits import rule_for
from platformctl.preview.engine import preview_stacks
from platformctl.preview.offline_checks import name_problems
from platformctl.project import load_project
from tests.components.configs import REPO

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DB = "aws:rds/instance:Instance"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN = "aws:backup/plan:Plan"
SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
TOPIC = "aws:sns/topic:Topic"
# The data and operations components; their fixed-name resources are checked below.
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
    """Registered under one of the data and operations components (the URN's type chain starts with it)."""
    chain = resource["urn"].split("::")[2]
    return any(chain.startswith(f"{component}$") for component in COMPONENTS)


# --- 1. Fixed names are replaced delete-first -----------------------------------------------------------------------

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


# --- 2. Vault lock --------------------------------------------------------------------------------------------------


def test_vault_lock_minimum_is_the_tier_standard_retention(stacks):
    for lock in stacks["prod"].of_type(LOCK):
        assert lock["inputs"]["minRetentionDays"] == FACTS[Tier.PROD].backup_retention_days, lock["urn"]
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
        assert lock["inputs"]["minRetentionDays"] == FACTS[Tier.PROD].backup_retention_days, lock["urn"]


# --- 3. Backup rules clear of the RDS backup window -----------------------------------------------------------------


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


# --- 4. Names within AWS limits -------------------------------------------------------------------------------------

# The name-bearing types of these components; their limits live in the offline engine's one table
# (platformctl/preview/aws_limits.py), each row citing its AWS page.
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
