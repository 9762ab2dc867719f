"""The Encryption component's customer-managed keys: every one rotates, and the database, vaults, log groups,
node volumes and cluster secrets are encrypted with them."""

from __future__ import annotations

import json

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
    """Every symmetric key; KMS cannot rotate an asymmetric one (prod's DNSSEC signing key), which must then be
    exactly that key (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html)."""
    _, stack = tier_stack
    for key in stack.of_type("aws:kms/key:Key"):
        spec = key["inputs"].get("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
        if spec == "SYMMETRIC_DEFAULT":
            assert key["inputs"]["enableKeyRotation"] is True, key["urn"]
        else:
            assert (spec, key["inputs"]["keyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY"), key["urn"]
            assert key["urn"].endswith("-dnssec-key"), f"{key['urn']}: an asymmetric key that is not the DNSSEC key"


def test_the_dr_key_admits_s3_access_log_delivery_only_where_the_replica_logs_with_it(tier_stack):
    tier, stack = tier_stack
    for key in stack.of_type("aws:kms/key:Key"):
        statements = json.loads(key["inputs"]["policy"])["Statement"]
        admits = [s for s in statements if s.get("Principal") == {"Service": "logging.s3.amazonaws.com"}]
        # The log bucket's key always; the DR key only in prod, where the replica's access-log bucket uses it.
        expected = key["urn"].endswith("-logs") or (key["urn"].endswith("-dr") and tier == "prod")
        assert bool(admits) == expected, key["urn"]
        for statement in admits:
            assert statement["Action"] == "kms:GenerateDataKey", key["urn"]
            assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}, key["urn"]
