"""Customer-managed KMS keys: one per data class, plus one in the DR region for copies kept there.

Separate keys per data class keep the blast radius of a key policy or a disabled key small, and
let CloudTrail show which class of data a decrypt touched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from platform_core.tiers import Tier

from ..config.model import PlatformConfig
from ..iam import key_administration, key_use_by_cloudwatch_logs
from .audit import trail_name

DATA_CLASSES = ("data", "logs", "backups", "secrets", "alerts")
DR_CLASS = "dr"
ROTATION_PERIOD_DAYS = 365

_CLASS_PURPOSE = {
    "data": "application data: database storage, Performance Insights, S3 data bucket, node volumes",
    "logs": "logs: CloudWatch log groups and the S3 log bucket",
    "backups": "AWS Backup recovery points in the primary region",
    "secrets": "secrets: Secrets Manager and Kubernetes secrets",
    "alerts": "alert notifications: the SNS topics of every severity",
    DR_CLASS: "disaster-recovery copies: S3 replicas, RDS backup replicas, DR backup vault",
}

# EC2 Auto Scaling launches the EKS nodes, so its service-linked role (not the caller) must be able
# to use the key that encrypts their volumes; an IAM policy cannot be attached to that role.
_AUTOSCALING_ROLE = "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"


@dataclass(frozen=True)
class EncryptionArgs:
    config: PlatformConfig
    account_id: str
    dr_provider: aws.Provider | None


class Encryption(pulumi.ComponentResource):
    """The platform's KMS keys and their aliases."""

    data: aws.kms.Key
    logs: aws.kms.Key
    backups: aws.kms.Key
    secrets: aws.kms.Key
    alerts: aws.kms.Key
    dr: aws.kms.Key | None
    dr_arn: pulumi.Output[str] | None
    keys: dict[str, aws.kms.Key]

    def __init__(self, name: str, args: EncryptionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:encryption:Encryption", name, None, opts)
        config = args.config

        trail_arn = f"arn:aws:cloudtrail:{config.primary_region}:{args.account_id}:trail/{trail_name(config)}"
        self.keys = {
            data_class: self._key(
                name, data_class, args, key_policy(data_class, args.account_id, config.primary_region, trail_arn)
            )
            for data_class in DATA_CLASSES
        }
        self.data = self.keys["data"]
        self.logs = self.keys["logs"]
        self.backups = self.keys["backups"]
        self.secrets = self.keys["secrets"]
        self.alerts = self.keys["alerts"]

        self.dr = None
        self.dr_arn = None
        if config.uses_dr_region:
            if args.dr_provider is None:
                raise ValueError(f"the {config.tier.value} tier uses the DR region but no DR provider was given")
            # The replica's access-log bucket (data/storage.py) exists, with this key, only where the replica does.
            dr_policy = key_policy(
                DR_CLASS, args.account_id, config.dr_region, s3_access_logs=config.storage.replicate_to_dr
            )
            self.dr = self._key(name, DR_CLASS, args, dr_policy, provider=args.dr_provider)
            self.dr_arn = self.dr.arn
            self.keys[DR_CLASS] = self.dr

        self.register_outputs({f"{data_class}_key_arn": key.arn for data_class, key in self.keys.items()})

    def _key(
        self, name: str, data_class: str, args: EncryptionArgs, policy: str, provider: aws.Provider | None = None
    ) -> aws.kms.Key:
        config = args.config
        key = aws.kms.Key(
            f"{name}-{data_class}",
            description=f"{config.name_prefix} ({config.tier.value}) {data_class} key: {_CLASS_PURPOSE[data_class]}",
            enable_key_rotation=True,
            rotation_period_in_days=ROTATION_PERIOD_DAYS,
            # dev keys are disposable; elsewhere the longest window leaves time to cancel a mistaken deletion.
            deletion_window_in_days=7 if config.tier is Tier.DEV else 30,
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self, provider=provider, protect=config.protect_stateful),
        )
        aws.kms.Alias(
            f"{name}-{data_class}-alias",
            name=f"alias/{config.name_prefix}-{data_class}",
            target_key_id=key.key_id,
            # A fixed name: a replacement must free it before the new alias can take it ("AlreadyExists").
            opts=pulumi.ResourceOptions(parent=self, provider=provider, delete_before_replace=True),
        )
        return key


def key_policy(
    data_class: str, account_id: str, region: str, trail_arn: str | None = None, *, s3_access_logs: bool = False
) -> str:
    """The key policy of one data class, as JSON; the logs key needs the ARN of the trail that writes with it,
    and the DR key admits S3 server access log delivery when `s3_access_logs` (a DR-region access-log bucket)."""
    statements = [key_administration(account_id)]
    if data_class == "logs":
        if trail_arn is None:
            raise ValueError("the logs key policy names the CloudTrail trail that encrypts with it: pass trail_arn")
        statements += [
            key_use_by_cloudwatch_logs(account_id, region),
            _s3_access_logs(account_id),
            *_cloudtrail(account_id, trail_arn),
        ]
    if data_class == DR_CLASS:  # the DR VPC's flow-log group (network/dr_network.py)
        statements.append(key_use_by_cloudwatch_logs(account_id, region))
        if s3_access_logs:
            statements.append(_s3_access_logs(account_id))
    if data_class == "alerts":
        statements.append(_alert_publishers(account_id))
        statements.append(_trail_notifications())
    if data_class == "data":
        statements.extend(_autoscaling_volumes(account_id))
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _s3_access_logs(account_id: str) -> dict[str, Any]:
    # S3 server access logs land in a bucket encrypted with a customer managed key (the log bucket; in prod the
    # DR access-log bucket) only if the logging service may create data keys with it; the condition keeps other
    # accounts' buckets from using it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    # enable-server-access-logging.html, "SSE-KMS" on the destination bucket).
    return {
        "Sid": "Allow S3 server access log delivery",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "kms:GenerateDataKey",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }


def _cloudtrail(account_id: str, trail_arn: str) -> list[dict[str, Any]]:
    # The three statements "Required KMS key policy elements for trails" lists, each as documented
    # (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
    # DescribeKey carries no encryption context, so it must not sit under the encryption-context condition;
    # and the log bucket uses an S3 Bucket Key (storage.py, bucket_key_enabled), for which CloudTrail needs
    # kms:Decrypt to create or update the trail. Missing either, CreateTrail fails with
    # InsufficientEncryptionPolicyException. aws:SourceArn pins encrypt and describe to our trail (confused
    # deputy); the guide documents the decrypt statement without a condition, so it has none here.
    only_our_trail = {"aws:SourceArn": trail_arn}
    account_trails = {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account_id}:trail/*"}
    service = {"Service": "cloudtrail.amazonaws.com"}
    return [
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": service,
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {"StringEquals": only_our_trail, "StringLike": account_trails},
        },
        {
            "Sid": "Allow CloudTrail to describe key",
            "Effect": "Allow",
            "Principal": service,
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": only_our_trail},
        },
        {
            # The guide's "Allow CloudTrail to decrypt a trail" statement, as documented.
            "Sid": "Allow CloudTrail to decrypt a trail",
            "Effect": "Allow",
            "Principal": service,
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    ]


def _alert_publishers(account_id: str) -> dict[str, Any]:
    # Services publishing to an encrypted topic need the key themselves; without this statement
    # alarms, budget and GuardDuty notifications are dropped without an error anyone sees.
    return {
        "Sid": "Allow alert publishers to use the topic key",
        "Effect": "Allow",
        "Principal": {"Service": ["cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com"]},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }


def _trail_notifications() -> dict[str, Any]:
    # CloudTrail's log-file notifications to the encrypted trail-delivery topic (security/audit.py), as
    # documented without a condition (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/
    # cloudtrail-permissions-for-sns-notifications.html); the topic policy's aws:SourceArn limits the publisher.
    return {
        "Sid": "Allow CloudTrail to notify log file delivery",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
    }


def _autoscaling_volumes(account_id: str) -> list[dict[str, Any]]:
    # Matched by aws:PrincipalArn instead of naming the role as principal: KMS rejects a policy that
    # names a role which does not exist yet, and a fresh account has no Auto Scaling role until its
    # first Auto Scaling group is created.
    only_autoscaling = {
        "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{account_id}:{_AUTOSCALING_ROLE}"},
        "StringEquals": {"kms:CallerAccount": account_id},
    }
    return [
        {
            "Sid": "Allow EC2 Auto Scaling to use the key for node volumes",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": only_autoscaling,
        },
        {
            "Sid": "Allow EC2 Auto Scaling to attach encrypted node volumes",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {**only_autoscaling, "Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]
