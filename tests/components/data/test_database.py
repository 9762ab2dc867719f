"""The Database component: a final snapshot whose name cannot collide, the master password kept by AWS, and
prod's automated backup settings left to AWS Backup."""

from __future__ import annotations

import pytest

from components.data.database import final_snapshot_identifier
from platform_core.tiers import Tier
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
