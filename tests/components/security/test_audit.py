"""The Audit component's CloudTrail: the logs key admits CloudTrail as its guide says, and the trail bucket's
bucket key is why CloudTrail needs Decrypt."""

from __future__ import annotations

import json

KEY = "aws:kms/key:Key"
CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}


def test_logs_key_has_the_three_cloudtrail_statements_of_the_guide(tier_stack):
    """https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"""
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")
    key = next(k for k in stack.of_type(KEY) if k["outputs"]["arn"] == trail["inputs"]["kmsKeyId"])
    account = trail["outputs"]["arn"].split(":")[4]
    statements = [s for s in json.loads(key["inputs"]["policy"])["Statement"] if s.get("Principal") == CLOUDTRAIL]
    assert statements == [
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"},
            },
        },
        # DescribeKey carries no encryption context: under that condition CreateTrail would fail.
        {
            "Sid": "Allow CloudTrail to describe key",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]}},
        },
        {
            "Sid": "Allow CloudTrail to decrypt a trail",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    ], f"{key['urn']} (used by {trail['urn']})"


def test_the_trail_bucket_uses_a_bucket_key_which_is_why_cloudtrail_needs_decrypt(tier_stack):
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")
    encryption = next(
        e
        for e in stack.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        if e["inputs"]["bucket"] == trail["inputs"]["s3BucketName"]
    )
    (rule,) = encryption["inputs"]["rules"]
    assert rule["bucketKeyEnabled"] is True, encryption["urn"]
    assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == trail["inputs"]["kmsKeyId"], encryption[
        "urn"
    ]
