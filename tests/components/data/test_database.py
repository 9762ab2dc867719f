"""The Database component: a final snapshot whose name cannot collide, the master password kept by AWS, and
prod's automated backup settings left to AWS Backup."""

from __future__ import annotations

import json

import pytest

from components.config.loader import InvalidConfigError
from components.data.database import final_snapshot_identifier
from platform_core.tiers import Tier
from tests.components.configs import load, stack_config
from tests.components.stack_lookups import customer_keys

DB = "aws:rds/instance:Instance"
PLAN = "aws:backup/plan:Plan"


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


def test_database_password_is_managed_by_aws_not_config(tier_stack):
    _, stack = tier_stack
    db = stack.database()
    assert db["inputs"]["manageMasterUserPassword"] is True, db["urn"]
    assert "password" not in db["inputs"], db["urn"]
    assert db["inputs"]["masterUserSecretKmsKeyId"] in customer_keys(stack), db["urn"]


ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def _instances(stack) -> list[dict]:
    return stack.of_type(DB)


def _replicas(stack) -> list[dict]:
    return [r for r in stack.of_type(DB) if "replicateSourceDb" in r["inputs"]]


def test_enhanced_monitoring_per_tier_with_a_role_rds_monitoring_may_assume(tier_stack):
    tier, stack = tier_stack
    interval = stack_config(tier).database.monitoring_interval_seconds
    assert interval == {"dev": 0, "staging": 60, "prod": 30}[tier]
    for db in _instances(stack):
        assert db["inputs"]["monitoringInterval"] == interval, db["urn"]
        if interval == 0:
            # CreateDBInstance refuses a MonitoringRoleArn with MonitoringInterval 0.
            assert "monitoringRoleArn" not in db["inputs"], db["urn"]
            continue
        (role_urn,) = [u for u in db["propertyDependencies"]["monitoringRoleArn"] if stack.by_urn(u)["type"] == ROLE]
        role = stack.by_urn(role_urn)
        assert db["inputs"]["monitoringRoleArn"] == role["outputs"]["arn"], db["urn"]
        (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
        assert statement["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}, role_urn
        assert "aws:SourceAccount" in statement["Condition"]["StringEquals"], role_urn
        attached = [a for a in stack.of_type(ATTACHMENT) if role_urn in a["propertyDependencies"]["role"]]
        assert [a["inputs"]["policyArn"] for a in attached] == [MONITORING_POLICY], role_urn
        # The instance waits for the attachment: no metrics are published by a role without the policy.
        assert attached[0]["urn"] in db["propertyDependencies"]["monitoringRoleArn"], db["urn"]
    monitoring_roles = [r for r in stack.of_type(ROLE) if "monitoring.rds" in r["inputs"]["assumeRolePolicy"]]
    assert len(monitoring_roles) == (1 if interval else 0), [r["urn"] for r in monitoring_roles]


def test_replica_exports_the_primarys_logs_to_encrypted_groups_in_the_dr_region(stacks):
    prod = stacks["prod"]
    primary, (replica,) = prod.database(), _replicas(prod)
    exports = primary["inputs"]["enabledCloudwatchLogsExports"]
    assert replica["inputs"]["enabledCloudwatchLogsExports"] == exports, replica["urn"]
    dr_region = prod.provider_region(replica)
    assert dr_region != prod.provider_region(primary), replica["urn"]
    groups = {g["inputs"]["name"]: g for g in prod.of_type(LOG_GROUP)}
    for export in exports:
        group = groups[f"/aws/rds/instance/{replica['inputs']['identifier']}/{export}"]
        assert prod.provider_region(group) == dr_region, group["urn"]
        assert group["inputs"]["kmsKeyId"] == replica["inputs"]["kmsKeyId"], group["urn"]  # the DR key
        assert group["inputs"]["retentionInDays"] == stack_config("prod").database.log_retention_days, group["urn"]
        assert group["urn"] in replica["dependencies"], replica["urn"]


def test_postgres_logs_statements_slower_than_the_p95_target_and_ddl_per_tier(tier_stack):
    tier, stack = tier_stack
    config = stack_config(tier)
    expected = {
        "log_min_duration_statement": str(config.observability.db_latency_p95_ms),
        "log_statement": {"dev": "none", "staging": "ddl", "prod": "ddl"}[tier],
        "log_lock_waits": "1",
    }
    assert expected["log_min_duration_statement"] == "100"
    groups = stack.of_type(PARAMETER_GROUP)
    assert len(groups) == len(_instances(stack)), [g["urn"] for g in groups]  # the replica has its own
    for group in groups:
        parameters = {p["name"]: p for p in group["inputs"]["parameters"]}
        for name, value in expected.items():
            assert parameters[name]["value"] == value, f"{group['urn']}: {name}"
            assert parameters[name]["applyMethod"] == "immediate", f"{group['urn']}: {name}"  # dynamic parameters
    for db in _instances(stack):
        (group_urn,) = db["propertyDependencies"]["parameterGroupName"]
        assert group_urn in {g["urn"] for g in groups}, db["urn"]


@pytest.mark.parametrize("interval", [2, 120, -1])
def test_monitoring_interval_takes_only_the_values_rds_accepts(interval):
    """https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (MonitoringInterval)"""
    with pytest.raises(InvalidConfigError, match="monitoringIntervalSeconds"):
        load("dev", database={"monitoringIntervalSeconds": interval})
