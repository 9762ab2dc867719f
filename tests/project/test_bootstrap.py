"""The bootstrap program: state bucket, secrets key and DR-region failover bucket, previewed offline like the stacks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project
from tests.conftest import Stack

REPO = Path(__file__).resolve().parents[2]
BOOTSTRAP = REPO / "bootstrap"


@pytest.fixture(scope="module")
def shared() -> Stack:
    [preview] = preview_stacks(load_project(BOOTSTRAP), ["shared"])
    assert preview.ok, preview.message
    return Stack(preview)


# Bucket (logical name), the key encrypting it, its region.
BUCKETS = {"state": ("state-key", "us-east-1"), "failover": ("failover-key", "us-west-2")}
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")


def named(stack: Stack, token: str, name: str) -> dict[str, Any]:
    [found] = [r for r in stack.of_type(token) if r["name"] == name]
    return found


def controls_of(stack: Stack, token: str, bucket_name: str = "state") -> dict[str, Any]:
    """The inputs of the one resource of this type configuring the bucket `bucket_name` (logical name)."""
    bucket = named(stack, "aws:s3/bucket:Bucket", bucket_name)["inputs"]["bucket"]
    [found] = [r["inputs"] for r in stack.of_type(token) if r["inputs"]["bucket"] == bucket]
    return found


def test_every_resource_uses_an_explicit_provider_with_region_and_default_tags(shared):
    providers = {p["name"]: p for p in shared.of_type("pulumi:providers:aws")}
    assert {name: p["inputs"]["region"] for name, p in providers.items()} == {
        "aws-bootstrap": "us-east-1",
        "aws-bootstrap-dr": "us-west-2",
    }
    for provider in providers.values():
        tags = json.loads(provider["inputs"]["defaultTags"])["tags"]
        assert {"environment", "owner", "cost-center", "managed-by", "data-classification"} <= set(tags)
    urns = {p["urn"] for p in providers.values()}
    for resource in shared.resources:
        if resource["custom"] and resource["type"] != "pulumi:providers:aws":
            assert resource["provider"].rsplit("::", 1)[0] in urns, resource["urn"]


def test_every_key_rotates_and_is_protected_with_its_alias(shared):
    keys = {key["outputs"]["keyId"]: key for key in shared.of_type("aws:kms/key:Key")}
    aliases = {alias["inputs"]["name"]: alias for alias in shared.of_type("aws:kms/alias:Alias")}
    assert set(aliases) == {
        "alias/platform-pulumi-secrets",
        "alias/platform-pulumi-state",
        "alias/platform-failover-locks",
    }
    assert {alias["inputs"]["targetKeyId"] for alias in aliases.values()} == set(keys)
    for resource in [*keys.values(), *aliases.values()]:
        assert resource["protect"] is True, resource["urn"]
    for key in keys.values():
        assert key["inputs"]["enableKeyRotation"] is True, key["urn"]


@pytest.mark.parametrize("name", BUCKETS)
def test_buckets_are_protected_versioned_and_encrypted_with_their_own_key_in_their_region(shared, name):
    key_name, region = BUCKETS[name]
    bucket = named(shared, "aws:s3/bucket:Bucket", name)
    assert bucket["protect"] is True and bucket["inputs"]["forceDestroy"] is False
    assert shared.provider_region(bucket) == region
    assert (
        controls_of(shared, "aws:s3/bucketVersioning:BucketVersioning", name)["versioningConfiguration"]["status"]
        == "Enabled"
    )
    [rule] = controls_of(
        shared, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name
    )["rules"]
    key = named(shared, "aws:kms/key:Key", key_name)
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": key["outputs"]["arn"],
    }
    # SSE-KMS needs a key in the bucket's own region; a failover must not depend on the primary's KMS.
    assert shared.provider_region(key) == region and f":kms:{region}:" in key["outputs"]["arn"]


@pytest.mark.parametrize("name", BUCKETS)
def test_buckets_block_public_access_acls_and_plain_http(shared, name):
    block = controls_of(shared, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name)
    assert all(
        block[flag] for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    ownership = controls_of(shared, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", name)
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    statements = json.loads(controls_of(shared, "aws:s3/bucketPolicy:BucketPolicy", name)["policy"])["Statement"]
    assert any(
        s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Action"] == "s3:*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


@pytest.mark.parametrize("name", BUCKETS)
def test_noncurrent_versions_expire_after_90_days(shared, name):
    [rule] = controls_of(shared, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name)["rules"]
    assert rule["status"] == "Enabled" and rule["noncurrentVersionExpiration"] == {"noncurrentDays": 90}


def test_failover_bucket_has_the_name_platformctl_derives_and_fits_s3s_rules(shared):
    name = named(shared, "aws:s3/bucket:Bucket", "failover")["inputs"]["bucket"]
    assert name == shared.outputs["failoverBucket"] == "platform-failover-123456789012-us-west-2"
    assert S3_BUCKET_NAME.fullmatch(name)
    # The longest region name AWS has used (14 characters) still fits in 63.
    assert S3_BUCKET_NAME.fullmatch("platform-failover-123456789012-ap-southeast-5")


def test_exports_name_the_bucket_and_the_secrets_provider(shared):
    assert shared.outputs["stateBucket"] == named(shared, "aws:s3/bucket:Bucket", "state")["inputs"]["bucket"]
    assert shared.outputs["secretsProvider"] == "awskms://alias/platform-pulumi-secrets?region=us-east-1"


def preview_with(tmp_path: Path, config: str) -> Any:
    shutil.copytree(BOOTSTRAP, tmp_path / "bootstrap", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "bootstrap" / "Pulumi.other.yaml").write_text(f"config:\n{config}")
    [preview] = preview_stacks(load_project(tmp_path / "bootstrap"), ["other"])
    return preview


def test_regions_come_from_config(tmp_path):
    preview = preview_with(tmp_path, "  bootstrap:region: eu-west-1\n  bootstrap:drRegion: eu-central-1\n")
    assert preview.ok, preview.message
    regions = {p["name"]: p["inputs"]["region"] for p in Stack(preview).of_type("pulumi:providers:aws")}
    assert regions == {"aws-bootstrap": "eu-west-1", "aws-bootstrap-dr": "eu-central-1"}
    assert preview.outputs["secretsProvider"] == "awskms://alias/platform-pulumi-secrets?region=eu-west-1"
    assert preview.outputs["failoverBucket"] == "platform-failover-123456789012-eu-central-1"


def test_dr_region_must_differ_from_the_region(tmp_path):
    preview = preview_with(tmp_path, "  bootstrap:region: us-east-1\n  bootstrap:drRegion: us-east-1\n")
    assert not preview.ok
    assert "bootstrap:drRegion 'us-east-1' is bootstrap:region too" in preview.message
