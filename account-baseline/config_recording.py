"""AWS Config recording in every region of the baseline: what most Security Hub controls evaluate.

Security Hub CSPM runs most of its controls as AWS Config rules, which see only what the configuration recorder
records: without a recorder those controls report no data and Config.1 fails
(https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-setup-prereqs.html). Per region: the
recorder (one per account and region, named "default"), its delivery channel (one per account and region) and
its status. Every region delivers to one bucket in the primary region, under a key prefix of its own:
cross-region delivery is supported everywhere but China (Beijing)
(https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html).

Imported by __main__.py: the Pulumi language host runs the program with `runpy.run_path(<project dir>)`, which puts
the project directory first on sys.path, as the offline preview does (platformctl/preview/worker.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Output

CONFIG_PRINCIPAL = "config.amazonaws.com"
RECORDER_NAME = "default"  # what the console and AWS Config name the one customer-managed recorder
# Continuous recording: $0.003 per configuration item against $0.012 for daily recording
# (https://aws.amazon.com/config/pricing/). The platform's resources change on deploys, a few times a day at
# most, so daily recording (one item a day per changed resource) only pays off for a resource that changes more
# than four times a day, and it delays change-triggered controls (a security group opened) by up to a day.
RECORDING_FREQUENCY = "CONTINUOUS"
# Every supported resource type, new ones included; `ALL_SUPPORTED_RESOURCE_TYPES` requires allSupported
# (https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingStrategy.html).
RECORDING_STRATEGY = "ALL_SUPPORTED_RESOURCE_TYPES"
RETENTION_DAYS = 365  # configuration history and snapshots kept a year, then expired
NONCURRENT_DAYS = 30
ABORT_MULTIPART_AFTER_DAYS = 7


@dataclass(frozen=True)
class ConfigRecording:
    bucket: aws.s3.Bucket
    recorders: dict[str, aws.cfg.Recorder]


def config_recording(account_id: str, providers: dict[str, aws.Provider]) -> ConfigRecording:
    """The recorder, delivery channel and status of every region; the bucket, key and role they share."""
    primary_region, primary = next(iter(providers.items()))
    # AWSServiceRoleForConfig: the role Config.1 expects the recorder to use ("AWS Config should be enabled
    # and use the service-linked role for resource recording"); IAM is global, so created once
    # (https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html). It cannot
    # write to S3 or use KMS keys: Config then delivers as its service principal, which the bucket policy and
    # the key policy below admit (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
    role = aws.iam.ServiceLinkedRole(
        "config-service-linked-role",
        aws_service_name=CONFIG_PRINCIPAL,
        description="AWS Config recorder of every baseline region",
        opts=pulumi.ResourceOptions(provider=primary, delete_before_replace=True),
    )
    key = _delivery_key(account_id, primary)
    bucket, policy = _delivery_bucket(account_id, list(providers), key, primary)
    recorders = {}
    for region, provider in providers.items():
        singleton = pulumi.ResourceOptions(provider=provider, delete_before_replace=True)
        recorders[region] = aws.cfg.Recorder(
            f"config-recorder-{region}",
            name=RECORDER_NAME,
            role_arn=role.arn,
            recording_group=aws.cfg.RecorderRecordingGroupArgs(
                all_supported=True,
                # IAM users, groups, roles and policies are global: recorded in the primary region only, not
                # once (and billed once) per region
                # (https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html).
                include_global_resource_types=region == primary_region,
                recording_strategies=[aws.cfg.RecorderRecordingGroupRecordingStrategyArgs(use_only=RECORDING_STRATEGY)],
            ),
            recording_mode=aws.cfg.RecorderRecordingModeArgs(recording_frequency=RECORDING_FREQUENCY),
            opts=singleton,
        )
        # PutDeliveryChannel needs the recorder, and checks the bucket policy (InsufficientDeliveryPolicy).
        channel = aws.cfg.DeliveryChannel(
            f"config-delivery-{region}",
            name=RECORDER_NAME,
            s3_bucket_name=bucket.bucket,
            s3_key_prefix=region,
            # The key must be in the bucket's region (API_DeliveryChannel.html): the primary one, for all.
            s3_kms_key_arn=key.arn,
            opts=pulumi.ResourceOptions.merge(
                singleton, pulumi.ResourceOptions(depends_on=[recorders[region], policy])
            ),
        )
        # A recorder only starts with a delivery channel in place.
        aws.cfg.RecorderStatus(
            f"config-recording-{region}",
            name=recorders[region].name,
            is_enabled=True,
            opts=pulumi.ResourceOptions.merge(singleton, pulumi.ResourceOptions(depends_on=[channel])),
        )
    return ConfigRecording(bucket=bucket, recorders=recorders)


def _delivery_key(account_id: str, primary: aws.Provider) -> aws.kms.Key:
    """SSE-KMS rather than SSE-S3: the history is an inventory of the account's security settings, and a key of
    its own makes reading it a separate, audited permission (kms:Decrypt) like the platform's other buckets."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            # The default key policy: the account's IAM policies decide who administers and uses the key.
            {
                "Sid": "AccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            # https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
            {
                "Sid": "AWSConfigKMSPolicy",
                "Effect": "Allow",
                "Principal": {"Service": CONFIG_PRINCIPAL},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"AWS:SourceAccount": account_id}},
            },
        ],
    }
    return aws.kms.Key(
        "config-recording-key",
        description="AWS Config configuration history and snapshots (account baseline)",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=Output.json_dumps(policy),
        opts=pulumi.ResourceOptions(provider=primary, protect=True),
    )


def _delivery_bucket(
    account_id: str, regions: list[str], key: aws.kms.Key, primary: aws.Provider
) -> tuple[aws.s3.Bucket, aws.s3.BucketPolicy]:
    """The one bucket of every region's history: hardened like the platform's buckets, `protect`ed."""
    opts = pulumi.ResourceOptions(provider=primary)
    bucket = aws.s3.Bucket(
        "config-recording", force_destroy=False, opts=pulumi.ResourceOptions(provider=primary, protect=True)
    )
    # ACLs disabled: Config's bucket-owner-full-control ACL is still accepted, and the account owns every object.
    aws.s3.BucketOwnershipControls(
        "config-recording-ownership",
        bucket=bucket.bucket,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=opts,
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        "config-recording-public-access",
        bucket=bucket.bucket,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    versioning = aws.s3.BucketVersioning(
        "config-recording-versioning",
        bucket=bucket.bucket,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=opts,
    )
    by_default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
    aws.s3.BucketServerSideEncryptionConfiguration(
        "config-recording-encryption",
        bucket=bucket.bucket,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=by_default(sse_algorithm="aws:kms", kms_master_key_id=key.arn),
                bucket_key_enabled=True,  # one data key per bucket, not a KMS request per object
            )
        ],
        opts=opts,
    )
    # PutBucketPolicy races the public access block being applied and can fail with AccessDenied.
    policy = aws.s3.BucketPolicy(
        "config-recording-policy",
        bucket=bucket.bucket,
        policy=Output.json_dumps(bucket_policy(bucket.arn, account_id, regions)),
        opts=pulumi.ResourceOptions(provider=primary, depends_on=[public_access]),
    )
    aws.s3.BucketLifecycleConfiguration(
        "config-recording-lifecycle",
        bucket=bucket.bucket,
        rules=[_retention()],
        opts=pulumi.ResourceOptions(provider=primary, depends_on=[versioning]),
    )
    return bucket, policy


def bucket_policy(bucket_arn: Output[str], account_id: str, regions: list[str]) -> dict:
    """TLS only, and the three statements of "Permissions for the Amazon S3 Bucket" for Config's service
    principal, each limited to this account (AWS:SourceAccount, which the page strongly recommends)
    (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html)."""
    config = {"Service": CONFIG_PRINCIPAL}
    this_account = {"AWS:SourceAccount": account_id}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, Output.concat(bucket_arn, "/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AWSConfigBucketPermissionsCheck",
                "Effect": "Allow",
                "Principal": config,
                "Action": "s3:GetBucketAcl",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": this_account},
            },
            {
                "Sid": "AWSConfigBucketExistenceCheck",
                "Effect": "Allow",
                "Principal": config,
                "Action": "s3:ListBucket",
                "Resource": bucket_arn,
                "Condition": {"StringEquals": this_account},
            },
            {
                "Sid": "AWSConfigBucketDelivery",
                "Effect": "Allow",
                "Principal": config,
                "Action": "s3:PutObject",
                # Each region's channel writes under its own prefix: <prefix>/AWSLogs/<account>/Config/...
                "Resource": [
                    Output.concat(bucket_arn, f"/{region}/AWSLogs/{account_id}/Config/*") for region in regions
                ],
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **this_account},
                },
            },
        ],
    }


def _retention() -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="retention",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),  # every object
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=RETENTION_DAYS),
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=NONCURRENT_DAYS
        ),
        # Parts of abandoned multipart uploads are invisible in listings but billed.
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=ABORT_MULTIPART_AFTER_DAYS
        ),
    )
