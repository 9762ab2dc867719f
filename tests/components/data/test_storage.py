"""The Storage component's buckets: encrypted with a customer key, never public, versioned, TLS only."""

from __future__ import annotations

import json

from tests.components.stack_lookups import customer_keys


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
