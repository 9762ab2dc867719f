"""The bootstrap program: state bucket and secrets key, previewed offline like the platform's stacks."""

from __future__ import annotations

import json
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


def controls_of(stack: Stack, token: str) -> dict[str, Any]:
    """The inputs of the one resource of this type configuring the state bucket."""
    bucket = stack.one("aws:s3/bucket:Bucket")["inputs"]["bucket"]
    [found] = [r["inputs"] for r in stack.of_type(token) if r["inputs"]["bucket"] == bucket]
    return found


def test_every_resource_uses_the_explicit_provider_with_region_and_default_tags(shared):
    provider = shared.one("pulumi:providers:aws")
    assert provider["inputs"]["region"] == "us-east-1"
    tags = json.loads(provider["inputs"]["defaultTags"])["tags"]
    assert {"environment", "owner", "cost-center", "managed-by", "data-classification"} <= set(tags)
    for resource in shared.resources:
        if resource["custom"] and resource is not provider:
            assert resource["provider"].startswith(provider["urn"] + "::"), resource["urn"]


def test_both_keys_rotate_and_are_protected_with_their_aliases(shared):
    keys = {key["outputs"]["keyId"]: key for key in shared.of_type("aws:kms/key:Key")}
    aliases = {alias["inputs"]["name"]: alias for alias in shared.of_type("aws:kms/alias:Alias")}
    assert set(aliases) == {"alias/platform-pulumi-secrets", "alias/platform-pulumi-state"}
    assert {alias["inputs"]["targetKeyId"] for alias in aliases.values()} == set(keys)
    for resource in [*keys.values(), *aliases.values()]:
        assert resource["protect"] is True, resource["urn"]
    for key in keys.values():
        assert key["inputs"]["enableKeyRotation"] is True, key["urn"]


def test_state_bucket_is_protected_versioned_and_encrypted_with_its_own_key(shared):
    bucket = shared.one("aws:s3/bucket:Bucket")
    assert bucket["protect"] is True and bucket["inputs"]["forceDestroy"] is False
    assert (
        controls_of(shared, "aws:s3/bucketVersioning:BucketVersioning")["versioningConfiguration"]["status"]
        == "Enabled"
    )
    [rule] = controls_of(
        shared, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )["rules"]
    state_key = next(key for key in shared.of_type("aws:kms/key:Key") if key["name"] == "state-key")
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": state_key["outputs"]["arn"],
    }


def test_state_bucket_blocks_public_access_and_plain_http(shared):
    block = controls_of(shared, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(
        block[flag] for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    statements = json.loads(controls_of(shared, "aws:s3/bucketPolicy:BucketPolicy")["policy"])["Statement"]
    assert any(
        s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Action"] == "s3:*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_noncurrent_state_versions_expire_after_90_days(shared):
    [rule] = controls_of(shared, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    assert rule["status"] == "Enabled" and rule["noncurrentVersionExpiration"] == {"noncurrentDays": 90}


def test_exports_name_the_bucket_and_the_secrets_provider(shared):
    assert shared.outputs["stateBucket"] == shared.one("aws:s3/bucket:Bucket")["inputs"]["bucket"]
    assert shared.outputs["secretsProvider"] == "awskms://alias/platform-pulumi-secrets?region=us-east-1"


def test_region_comes_from_config(tmp_path):
    shutil.copytree(BOOTSTRAP, tmp_path / "bootstrap", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "bootstrap" / "Pulumi.eu.yaml").write_text("config:\n  bootstrap:region: eu-west-1\n")
    [preview] = preview_stacks(load_project(tmp_path / "bootstrap"), ["eu"])
    assert preview.ok, preview.message
    assert Stack(preview).one("pulumi:providers:aws")["inputs"]["region"] == "eu-west-1"
    assert preview.outputs["secretsProvider"] == "awskms://alias/platform-pulumi-secrets?region=eu-west-1"
