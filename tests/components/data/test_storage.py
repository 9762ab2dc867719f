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
        if bucket["urn"].endswith("-alb-logs"):
            continue  # SSE-S3, the only encryption ALB log delivery supports (test below)
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


BUCKET = "aws:s3/bucket:Bucket"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def _bucket(stack, suffix: str) -> dict | None:
    found = [b for b in stack.of_type(BUCKET) if b["urn"].endswith(f"-storage-{suffix}")]
    return found[0] if found else None


def test_the_alb_log_bucket_exists_where_the_alb_logs_and_uses_sse_s3_only(tier_stack):
    tier, stack = tier_stack
    bucket = _bucket(stack, "alb-logs")
    assert (bucket is not None) == (tier != "dev"), f"{tier}: ALB log bucket {bucket and bucket['urn']}"
    if bucket is None:
        return
    name = bucket["outputs"]["bucket"]
    (encryption,) = [e for e in stack.of_type(ENCRYPTION) if e["inputs"]["bucket"] == name]
    rule = encryption["inputs"]["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}, encryption["urn"]
    assert "bucketKeyEnabled" not in rule, encryption["urn"]
    (policy,) = [p for p in stack.of_type("aws:s3/bucketPolicy:BucketPolicy") if p["inputs"]["bucket"] == name]
    (delivery,) = [s for s in json.loads(policy["inputs"]["policy"])["Statement"] if s["Effect"] == "Allow"]
    assert delivery["Principal"]["Service"] == "logdelivery.elasticloadbalancing.amazonaws.com", policy["urn"]
    assert delivery["Principal"]["AWS"] == "arn:aws:iam::127311923021:root", policy["urn"]  # us-east-1's ELB account
    assert delivery["Action"] == "s3:PutObject", policy["urn"]
    assert delivery["Resource"] == f"arn:aws:s3:::{name}/alb/AWSLogs/123456789012/*", policy["urn"]


def test_every_bucket_but_an_access_log_bucket_logs_server_access_in_its_region(tier_stack):
    tier, stack = tier_stack
    loggings = {r["inputs"]["bucket"]: r for r in stack.of_type(LOGGING)}
    targets = {r["inputs"]["targetBucket"] for r in loggings.values()}
    for bucket in stack.of_type(BUCKET):
        name = bucket["outputs"]["bucket"]
        if name in targets:
            assert name not in loggings, f"{bucket['urn']}: an access-log bucket logging itself"
            continue
        assert name in loggings, f"{bucket['urn']} logs no server access"
        logging = loggings[name]
        (target,) = [b for b in stack.of_type(BUCKET) if b["outputs"]["bucket"] == logging["inputs"]["targetBucket"]]
        assert stack.provider_region(target) == stack.provider_region(bucket), logging["urn"]
        prefix = logging["inputs"]["targetPrefix"]
        assert prefix.startswith("s3-access/") and prefix.endswith("/"), logging["urn"]
        waits = any(u.endswith(f":BucketPolicy::{target['name']}-policy") for u in logging["dependencies"])
        assert waits, f"{logging['urn']} does not wait for the target's policy"
    prefixes = [r["inputs"]["targetPrefix"] for r in loggings.values()]
    assert len(prefixes) == len(set(prefixes)), f"{tier}: two buckets share an access-log prefix: {prefixes}"


def test_the_dr_replica_logs_to_an_access_log_bucket_of_its_own_region(tier_stack):
    tier, stack = tier_stack
    replica, access_logs = _bucket(stack, "data-replica"), _bucket(stack, "dr-access-logs")
    assert (replica is not None) == (access_logs is not None) == (tier == "prod"), tier
    if replica is None or access_logs is None:
        return
    assert stack.provider_region(access_logs) == stack.provider_region(replica) == "us-west-2", access_logs["urn"]
    assert access_logs["protect"], f"{access_logs['urn']} is not protected"
    (logging,) = [r for r in stack.of_type(LOGGING) if r["inputs"]["bucket"] == replica["outputs"]["bucket"]]
    assert logging["inputs"]["targetBucket"] == access_logs["outputs"]["bucket"], logging["urn"]
    assert stack.provider_region(logging) == "us-west-2", f"{logging['urn']} is not created through the DR provider"
    (dr_key,) = [k for k in stack.of_type("aws:kms/key:Key") if k["urn"].endswith("-dr")]
    (encryption,) = [e for e in stack.of_type(ENCRYPTION) if e["inputs"]["bucket"] == access_logs["outputs"]["bucket"]]
    default = encryption["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["kmsMasterKeyId"] == dr_key["outputs"]["arn"], encryption["urn"]
    statements = json.loads(dr_key["inputs"]["policy"])["Statement"]
    assert any(s["Principal"] == {"Service": "logging.s3.amazonaws.com"} for s in statements), dr_key["urn"]
    (policy,) = [
        p
        for p in stack.of_type("aws:s3/bucketPolicy:BucketPolicy")
        if p["inputs"]["bucket"] == access_logs["outputs"]["bucket"]
    ]
    (delivery,) = [s for s in json.loads(policy["inputs"]["policy"])["Statement"] if s["Effect"] == "Allow"]
    assert delivery["Condition"]["ArnLike"]["aws:SourceArn"] == [replica["outputs"]["arn"]], policy["urn"]
    assert delivery["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012", policy["urn"]


def test_log_buckets_expire_and_stay_out_of_the_backup_plan(tier_stack):
    _, stack = tier_stack
    selected = json.dumps([s["inputs"].get("resources") for s in stack.of_type("aws:backup/selection:Selection")])
    lifecycles = {
        r["inputs"]["bucket"]: r
        for r in stack.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    }
    for suffix in ("alb-logs", "dr-access-logs"):
        bucket = _bucket(stack, suffix)
        if bucket is None:
            continue
        assert bucket["outputs"]["arn"] not in selected, f"{bucket['urn']} is in the backup plan"
        rule = lifecycles[bucket["outputs"]["bucket"]]["inputs"]["rules"][0]
        assert rule["expiration"]["days"] > 0, bucket["urn"]


def test_bucket_auto_names_fit_the_s3_limit(tier_stack):
    _, stack = tier_stack
    for bucket in stack.of_type(BUCKET):
        # Pulumi appends "-" and 7 hex digits to the logical name; S3 allows 63 characters.
        assert len(bucket["name"]) + 8 <= 63 and len(bucket["outputs"]["bucket"]) <= 63, bucket["urn"]
