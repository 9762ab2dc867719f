"""One bucket plus the controls every bucket of the platform carries, written once, and its lifecycle rule."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from .bucket_policies import StatementsFor, deny_insecure_transport

# Parts of abandoned multipart uploads are invisible in listings but billed; a week covers any sane upload.
ABORT_MULTIPART_AFTER_DAYS = 7


class HardenedBucket:
    """A bucket with ownership, public access block, versioning, default encryption, a TLS-only policy and
    a lifecycle rule.

    Not a component: the resources stay direct children of `Storage`, so the resource tree and
    the URNs read the same as if each were declared there.

    `key_arn` None means SSE-S3 (AES256), for the one writer that supports nothing else: ALB access logs
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
    """

    def __init__(
        self,
        name: str,
        parent: pulumi.Resource,
        *,
        key_arn: Input[str] | None,
        protect: bool,
        lifecycle: aws.s3.BucketLifecycleConfigurationRuleArgs | Sequence[aws.s3.BucketLifecycleConfigurationRuleArgs],
        extra_statements: StatementsFor | None = None,
        provider: aws.Provider | None = None,
    ) -> None:
        opts = pulumi.ResourceOptions(parent=parent, provider=provider)
        self.bucket = aws.s3.Bucket(
            name, force_destroy=False, opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protect))
        )
        bucket_name = self.bucket.bucket
        # ACLs disabled: access is decided by policies alone, and the bucket owns every object.
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_name,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=opts,
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket_name,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=opts,
        )
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_name,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=opts,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket_name, rules=[_encryption_rule(key_arn)], opts=opts
        )
        statements = [
            deny_insecure_transport(self.bucket.arn),
            *(extra_statements(self.bucket.arn) if extra_statements else []),
        ]
        # PutBucketPolicy races the public access block being applied and can fail with AccessDenied.
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_name,
            policy=Output.json_dumps({"Version": "2012-10-17", "Statement": statements}),
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[public_access])),
        )
        # Lifecycle rules on noncurrent versions only mean something once versioning is on.
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_name,
            rules=list(lifecycle) if isinstance(lifecycle, Sequence) else [lifecycle],
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[self.versioning])),
        )


def _encryption_rule(key_arn: Input[str] | None) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgs:
    by_default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
    if key_arn is None:
        # S3 accepts KMSMasterKeyID only with aws:kms / aws:kms:dsse, and a bucket key only means something
        # for SSE-KMS (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionByDefault.html).
        return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=by_default(sse_algorithm="AES256")
        )
    return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
        apply_server_side_encryption_by_default=by_default(sse_algorithm="aws:kms", kms_master_key_id=key_arn),
        # A bucket-level data key cuts KMS requests (cost, throttling) by orders of magnitude. On the
        # log bucket it means CloudTrail needs kms:Decrypt on the logs key (encryption.py).
        bucket_key_enabled=True,
    )


def lifecycle_rule(
    noncurrent_days: int, *, infrequent_access_after: int | None = None, expire_after: int | None = None
) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="retention",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(),  # every object
        transitions=None
        if infrequent_access_after is None
        else [
            aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                days=infrequent_access_after, storage_class="STANDARD_IA"
            )
        ],
        expiration=None
        if expire_after is None
        else aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=expire_after),
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=noncurrent_days
        ),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=ABORT_MULTIPART_AFTER_DAYS
        ),
    )
