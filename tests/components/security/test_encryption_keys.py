"""The Encryption component's customer-managed keys: every one rotates, and the database, vaults, log groups,
node volumes and cluster secrets are encrypted with them."""

from __future__ import annotations

from tests.components.stack_lookups import customer_keys


def test_database_volumes_vaults_logs_and_cluster_secrets_use_customer_keys(tier_stack):
    _, stack = tier_stack
    keys = customer_keys(stack)
    db = stack.database()
    assert db["inputs"]["storageEncrypted"] is True and db["inputs"]["kmsKeyId"] in keys, db["urn"]
    for vault in stack.of_type("aws:backup/vault:Vault"):
        assert vault["inputs"]["kmsKeyArn"] in keys, vault["urn"]
    for group in stack.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group["inputs"]["kmsKeyId"] in keys, group["urn"]
    for template in stack.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
        ebs = template["inputs"]["blockDeviceMappings"][0]["ebs"]
        assert ebs["encrypted"] == "true" and ebs["kmsKeyId"] in keys and ebs["volumeType"] == "gp3", template["urn"]
        assert template["inputs"]["metadataOptions"]["httpTokens"] == "required", template["urn"]


def test_every_key_rotates(tier_stack):
    _, stack = tier_stack
    for key in stack.of_type("aws:kms/key:Key"):
        assert key["inputs"]["enableKeyRotation"] is True, key["urn"]
