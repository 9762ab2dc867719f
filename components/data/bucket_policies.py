"""The policy documents of the platform's buckets: TLS only, log delivery from S3 and CloudTrail alone, and the
replication role's least privilege."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi import Input, Output

from ..config.model import PlatformConfig

Statement = dict[str, Any]


StatementsFor = Callable[[Output[str]], list[Statement]]


def deny_insecure_transport(bucket_arn: Output[str]) -> Statement:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def allow_log_delivery(account_id: str, region: str, trail_name: str) -> StatementsFor:
    """With ACLs disabled, S3 access logs and CloudTrail arrive only if the bucket policy lets them in."""
    trail_arn = f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail_name}"

    def statements(bucket_arn: Output[str]) -> list[Statement]:
        return [
            *_cloudtrail_statements(bucket_arn, account_id, trail_arn),
            {
                "Sid": "AllowS3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": Output.concat(bucket_arn, "/*"),
                # Only buckets of this account may write here (confused-deputy guard).
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
        ]

    return statements


# Regions whose ELB log delivery is an AWS account of their own, listed under "Regions available before August
# 2022" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html);
# `aws.elb.get_service_account` gives that account. Newer regions deliver as the service principal below.
ELB_ACCOUNT_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-north-1",
        "me-south-1", "sa-east-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1",
    }
)  # fmt: skip
ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"


def allow_alb_log_delivery(account_id: str, prefix: str, elb_account_arn: str | None) -> StatementsFor:
    """ELB writes access logs under `<prefix>/AWSLogs/<account>/`; nothing else of the bucket is open to it.

    The service principal is granted in every region and, where the region predates August 2022, the
    region's ELB account too: both are what the ALB guide documents, and AWS moves regions from the
    account to the principal, so granting both keeps delivery working across that change."""

    def statements(bucket_arn: Output[str]) -> list[Statement]:
        principal: dict[str, Any] = {"Service": ELB_LOG_DELIVERY_SERVICE}
        if elb_account_arn:
            principal["AWS"] = elb_account_arn
        return [
            {
                "Sid": "AllowElbAccessLogDelivery",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "s3:PutObject",
                "Resource": Output.concat(bucket_arn, f"/{prefix}/AWSLogs/{account_id}/*"),
            }
        ]

    return statements


def allow_s3_access_logs(account_id: str, prefix: str, source_bucket_arns: list[Output[str]]) -> StatementsFor:
    """S3 server access logs of the named buckets only, under `prefix`, as the S3 guide's bucket policy shows
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)."""

    def statements(bucket_arn: Output[str]) -> list[Statement]:
        return [
            {
                "Sid": "AllowS3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": Output.concat(bucket_arn, f"/{prefix}*"),
                # Confused-deputy guard: only these buckets of this account may write here.
                "Condition": {
                    "ArnLike": {"aws:SourceArn": source_bucket_arns},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            }
        ]

    return statements


def _cloudtrail_statements(bucket_arn: Output[str], account_id: str, trail_arn: str) -> list[Statement]:
    # aws:SourceArn pins delivery to our trail (confused-deputy guard); the ACL condition is what
    # CloudTrail sends and is harmless with BucketOwnerEnforced.
    only_our_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
    return [
        {
            "Sid": "AllowCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": only_our_trail,
        },
        {
            "Sid": "AllowCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": Output.concat(bucket_arn, f"/cloudtrail/AWSLogs/{account_id}/*"),
            "Condition": {
                "StringEquals": {**only_our_trail["StringEquals"], "s3:x-amz-acl": "bucket-owner-full-control"}
            },
        },
    ]


def replication_policy(
    config: PlatformConfig,
    source_arn: Output[str],
    source_key_arn: Input[str],
    replica_arn: Output[str],
    replica_key_arn: Input[str],
) -> Output[str]:
    return Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadSourceConfiguration",
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": source_arn,
                },
                {
                    "Sid": "ReadSourceVersions",
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                    ],
                    "Resource": Output.concat(source_arn, "/*"),
                },
                {
                    "Sid": "WriteReplicas",
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": Output.concat(replica_arn, "/*"),
                },
                # Keys are usable only through S3 in their own region, not directly by whoever assumes the role.
                {
                    "Sid": "DecryptSource",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": source_key_arn,
                    "Condition": {"StringEquals": {"kms:ViaService": f"s3.{config.primary_region}.amazonaws.com"}},
                },
                {
                    "Sid": "EncryptReplicas",
                    "Effect": "Allow",
                    "Action": "kms:Encrypt",
                    "Resource": replica_key_arn,
                    "Condition": {"StringEquals": {"kms:ViaService": f"s3.{config.dr_region}.amazonaws.com"}},
                },
            ],
        }
    )
