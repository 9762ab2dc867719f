"""The platform's state backend: an S3 bucket for every stack's state and a KMS key for their secrets.

Also, in the DR region, the bucket where `platformctl dr failover` keeps its lock and progress: a failover runs
when the primary region is failing, so it must not need S3 or KMS there.

It cannot keep its own state in the bucket it creates, so it runs once per account from a local backend
(see README.md). Everything here is `protect`ed: losing the bucket loses every stack's state, and losing
the secrets key makes every stack's `secure:` config and secret outputs undecryptable.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

SECRETS_KEY_ALIAS = "alias/platform-pulumi-secrets"
STATE_KEY_ALIAS = "alias/platform-pulumi-state"
FAILOVER_KEY_ALIAS = "alias/platform-failover-locks"
NONCURRENT_VERSION_DAYS = 90  # every state write is a new version: three months of history to roll back to
ABORT_MULTIPART_AFTER_DAYS = 7
KEY_DELETION_WINDOW_DAYS = 30  # the longest: time to notice and cancel a scheduled deletion

config = pulumi.Config("bootstrap")
region = config.get("region") or "us-east-1"
dr_region = config.get("drRegion") or "us-west-2"
if dr_region == region:
    raise pulumi.RunError(
        f"bootstrap:drRegion {dr_region!r} is bootstrap:region too: the failover bucket must be in another region "
        "than the state bucket, the one the platform stacks fail over to (their drRegion output)"
    )
tags = {
    "environment": "shared",
    "owner": config.get("owner") or "platform-team",
    "cost-center": config.get("costCenter") or "platform-engineering",
    "managed-by": "pulumi",
    "data-classification": "restricted",
    "project": "platform-bootstrap",
}
provider = aws.Provider("aws-bootstrap", region=region, default_tags=aws.ProviderDefaultTagsArgs(tags=tags))
dr_provider = aws.Provider("aws-bootstrap-dr", region=dr_region, default_tags=aws.ProviderDefaultTagsArgs(tags=tags))
account_id = aws.get_caller_identity(opts=pulumi.InvokeOptions(provider=provider)).account_id


def customer_key(name: str, alias: str, description: str, region_provider: aws.Provider) -> aws.kms.Key:
    # The account's own IAM policies decide who may use the key, as with AWS's default key policy, but the
    # policy is written out so a console edit shows up as drift.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersAndIamGrantsUse",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    protected = pulumi.ResourceOptions(provider=region_provider, protect=True)
    key = aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=json.dumps(policy),
        opts=protected,
    )
    # Stacks name the key by its alias, so deleting the alias breaks them as surely as deleting the key.
    aws.kms.Alias(f"{name}-alias", name=alias, target_key_id=key.key_id, opts=protected)
    return key


def private_bucket(name: str, bucket_name: str, key: aws.kms.Key, region_provider: aws.Provider) -> aws.s3.Bucket:
    """Versioned, SSE-KMS with `key`, private, TLS only, in `region_provider`'s region; resources named `name`-…."""
    in_region = pulumi.ResourceOptions(provider=region_provider)
    bucket = aws.s3.Bucket(
        name,
        bucket=bucket_name,
        force_destroy=False,
        opts=pulumi.ResourceOptions(provider=region_provider, protect=True),
    )
    bucket_id = bucket.bucket
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket_id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=in_region,
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket_id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=in_region,
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket_id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=in_region,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket_id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=key.arn
                ),
                bucket_key_enabled=True,
            )
        ],
        opts=in_region,
    )
    # PutBucketPolicy races the public access block being applied and can fail with AccessDenied.
    aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=bucket_id,
        policy=tls_only_policy(bucket.arn),
        opts=pulumi.ResourceOptions(provider=region_provider, depends_on=[public_access]),
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=bucket_id,
        rules=[
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="noncurrent-versions",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=NONCURRENT_VERSION_DAYS
                ),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=ABORT_MULTIPART_AFTER_DAYS
                ),
            )
        ],
        # Rules on noncurrent versions only mean something once versioning is on.
        opts=pulumi.ResourceOptions(provider=region_provider, depends_on=[versioning]),
    )
    return bucket


def tls_only_policy(bucket_arn: pulumi.Output[str]) -> pulumi.Output[str]:
    resources = [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": resources,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                {
                    "Sid": "DenyOutdatedTls",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": resources,
                    "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
                },
            ],
        }
    )


state_key = customer_key(
    "state-key", STATE_KEY_ALIAS, "Pulumi state encryption at rest of the platform stacks", provider
)
secrets_key = customer_key(
    "secrets-key", SECRETS_KEY_ALIAS, "Pulumi secrets provider (awskms://) of the platform stacks", provider
)
# A fixed name: every operator types it into `pulumi login`.
bucket = private_bucket("state", f"platform-pulumi-state-{account_id}-{region}", state_key, provider)

# KMS keys are regional (https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html):
# a key in the primary region would make every lock write depend on KMS there, the very dependency removed here.
failover_key = customer_key(
    "failover-key",
    FAILOVER_KEY_ALIAS,
    "platformctl dr failover lock and progress of the platform stacks",
    dr_provider,
)
# A fixed name `platformctl dr failover` derives from the stack outputs (account, drRegion); at most 45 of S3's
# 63 characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
failover_bucket = private_bucket("failover", f"platform-failover-{account_id}-{dr_region}", failover_key, dr_provider)

pulumi.export("stateBucket", bucket.bucket)
pulumi.export("backendUrl", pulumi.Output.concat("s3://", bucket.bucket, f"?region={region}"))
pulumi.export("secretsProvider", f"awskms://{SECRETS_KEY_ALIAS}?region={region}")
pulumi.export("stateKeyArn", state_key.arn)
pulumi.export("secretsKeyArn", secrets_key.arn)
pulumi.export("failoverBucket", failover_bucket.bucket)
pulumi.export("failoverKeyArn", failover_key.arn)
