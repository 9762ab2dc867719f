"""Encryption with customer keys, protection of stateful resources, no plaintext secrets, tags."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

STATEFUL = ("aws:rds/instance:Instance", "aws:s3/bucket:Bucket", "aws:backup/vault:Vault", "aws:kms/key:Key")
COST_TAGS = {"environment", "owner", "cost-center", "managed-by", "data-classification"}
SECRET_LIKE = re.compile(r"AKIA[0-9A-Z]{16}|-----BEGIN (RSA |EC )?PRIVATE KEY|xox[bap]-|hooks\.slack\.com/services")


def customer_keys(stack) -> set[str]:
    return {key["outputs"]["arn"] for key in stack.of_type("aws:kms/key:Key")}


def test_every_bucket_is_encrypted_with_a_customer_key(tier_stack):
    _, stack = tier_stack
    keys = customer_keys(stack)
    buckets = {b["outputs"]["bucket"]: b for b in stack.of_type("aws:s3/bucket:Bucket")}
    encryption = {
        e["inputs"]["bucket"]: e
        for e in stack.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    }
    for name, bucket in buckets.items():
        assert name in encryption, f"{bucket['urn']} has no encryption configuration"
        default = encryption[name]["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]
        assert default["sseAlgorithm"] == "aws:kms" and default["kmsMasterKeyId"] in keys, bucket["urn"]


def test_every_bucket_blocks_public_access_versions_and_requires_tls(tier_stack):
    _, stack = tier_stack
    by_bucket = {}
    for token in (
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketPolicy:BucketPolicy",
    ):
        for resource in stack.of_type(token):
            by_bucket.setdefault(resource["inputs"]["bucket"], {})[token.rsplit(":", 1)[1]] = resource["inputs"]
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        controls = by_bucket.get(bucket["outputs"]["bucket"], {})
        block = controls.get("BucketPublicAccessBlock", {})
        assert all(
            block.get(flag)
            for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        ), bucket["urn"]
        assert controls["BucketVersioning"]["versioningConfiguration"]["status"] == "Enabled", bucket["urn"]
        statements = json.loads(controls["BucketPolicy"]["policy"])["Statement"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false" for s in statements
        ), f"{bucket['urn']} accepts plain HTTP"


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


def test_nothing_stateful_is_unprotected_in_prod(stacks):
    for tier, stack in stacks.items():
        for resource in (r for r in stack.resources if r["type"] in STATEFUL):
            assert resource["protect"] is (tier == "prod"), f"{resource['urn']}: protect={resource['protect']}"


def test_database_password_is_managed_by_aws_not_config(tier_stack):
    _, stack = tier_stack
    db = stack.database()
    assert db["inputs"]["manageMasterUserPassword"] is True, db["urn"]
    assert "password" not in db["inputs"], db["urn"]
    assert db["inputs"]["masterUserSecretKmsKeyId"] in customer_keys(stack), db["urn"]


def test_no_plaintext_secret_in_inputs_or_outputs(tier_stack):
    _, stack = tier_stack
    for resource in stack.resources:
        text = json.dumps(resource["inputs"])
        assert not SECRET_LIKE.search(text), f"{resource['urn']} carries a secret-looking value"
        assert not (set(resource["inputs"]) & {"password", "masterPassword", "secretString"}), resource["urn"]
    assert not SECRET_LIKE.search(json.dumps(stack.outputs))


def test_stack_files_hold_no_plaintext_secrets():
    for path in REPO.glob("Pulumi*.yaml"):
        document = yaml.safe_load(path.read_text()) or {}
        for key, value in (document.get("config") or {}).items():
            if re.search(r"secret|password|token|webhook|api.?key", key, re.IGNORECASE):
                assert isinstance(value, dict) and set(value) == {"secure"}, f"{path.name}: {key} is plaintext"


def test_no_iam_policy_grants_everything(tier_stack):
    _, stack = tier_stack
    for resource in stack.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(resource["inputs"]["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not {"*", "*:*"} & set(actions), resource["urn"]


def test_providers_tag_every_resource_with_the_cost_tags(tier_stack):
    tier, stack = tier_stack
    providers = stack.of_type("pulumi:providers:aws")
    assert providers
    for provider in providers:
        default_tags = provider["inputs"]["defaultTags"]
        # Provider inputs reach the engine as JSON text, like every nested provider config value.
        tags = (json.loads(default_tags) if isinstance(default_tags, str) else default_tags)["tags"]
        assert set(tags) >= COST_TAGS and tags["environment"] == tier, provider["urn"]
    for resource in stack.resources:
        if resource["type"].startswith("aws:"):
            assert resource["provider"].split("::")[-2] in {p["name"] for p in providers}, resource["urn"]
