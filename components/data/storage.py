"""S3 buckets for application data and logs, hardened alike, optionally replicated to the DR region."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..iam import service_trust
from .bucket_policies import StatementsFor, allow_log_delivery, deny_insecure_transport, replication_policy

# Parts of abandoned multipart uploads are invisible in listings but billed; a week covers any sane upload.
ABORT_MULTIPART_AFTER_DAYS = 7
ACCESS_LOG_PREFIX = "s3-access/data/"


@dataclass(frozen=True)
class StorageArgs:
    config: PlatformConfig
    account_id: str
    trail_name: str  # the CloudTrail trail that writes into the log bucket
    data_key_arn: Input[str]
    logs_key_arn: Input[str]
    dr_key_arn: Input[str] | None
    dr_provider: aws.Provider | None


class _HardenedBucket:
    """One bucket plus the controls every bucket of the platform carries, written once.

    Not a component: the resources stay direct children of `Storage`, so the resource tree and
    the URNs read the same as if each were declared there.
    """

    def __init__(
        self,
        name: str,
        parent: pulumi.Resource,
        *,
        key_arn: Input[str],
        protect: bool,
        lifecycle: aws.s3.BucketLifecycleConfigurationRuleArgs,
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
            f"{name}-encryption",
            bucket=bucket_name,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=key_arn
                    ),
                    # A bucket-level data key cuts KMS requests (cost, throttling) by orders of magnitude. On the
                    # log bucket it means CloudTrail needs kms:Decrypt on the logs key (encryption.py).
                    bucket_key_enabled=True,
                )
            ],
            opts=opts,
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
            rules=[lifecycle],
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[self.versioning])),
        )


def _lifecycle(
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


class Storage(pulumi.ComponentResource):
    data_bucket: aws.s3.Bucket
    logs_bucket: aws.s3.Bucket
    replica_bucket: aws.s3.Bucket | None

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:storage:Storage", name, None, opts)
        storage = args.config.storage
        protect = args.config.protect_stateful
        dr = _dr_target(args) if storage.replicate_to_dr else None

        logs = _HardenedBucket(
            f"{name}-logs",
            self,
            key_arn=args.logs_key_arn,
            protect=protect,
            lifecycle=_lifecycle(storage.noncurrent_version_expiration_days, expire_after=storage.log_expiration_days),
            extra_statements=allow_log_delivery(args.account_id, args.config.primary_region, args.trail_name),
        )
        data = _HardenedBucket(
            f"{name}-data",
            self,
            key_arn=args.data_key_arn,
            protect=protect,
            lifecycle=_lifecycle(
                storage.noncurrent_version_expiration_days, infrequent_access_after=storage.infrequent_access_after_days
            ),
        )
        # Wait for the log bucket's policy so the first access logs are not refused.
        aws.s3.BucketLogging(
            f"{name}-data-logging",
            bucket=data.bucket.bucket,
            target_bucket=logs.bucket.bucket,
            target_prefix=ACCESS_LOG_PREFIX,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs.policy]),
        )

        self.data_bucket = data.bucket
        self.logs_bucket = logs.bucket
        self.logs_bucket_policy = logs.policy  # writers such as CloudTrail must wait for it
        self.replica_bucket = self._replicate(name, args, data, *dr) if dr else None

        self.register_outputs(
            {
                "dataBucket": self.data_bucket.bucket,
                "logsBucket": self.logs_bucket.bucket,
                "replicaBucket": self.replica_bucket.bucket if self.replica_bucket else None,
            }
        )

    def _replicate(
        self, name: str, args: StorageArgs, source: _HardenedBucket, dr_provider: aws.Provider, dr_key_arn: Input[str]
    ) -> aws.s3.Bucket:
        replica = _HardenedBucket(
            f"{name}-data-replica",
            self,
            key_arn=dr_key_arn,
            protect=args.config.protect_stateful,
            lifecycle=_lifecycle(args.config.storage.noncurrent_version_expiration_days),
            provider=dr_provider,
        )
        role = aws.iam.Role(
            f"{name}-replication-role",
            assume_role_policy=service_trust("s3.amazonaws.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-replication-policy",
            role=role.id,
            policy=replication_policy(
                args.config, source.bucket.arn, args.data_key_arn, replica.bucket.arn, dr_key_arn
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-data-replication",
            bucket=source.bucket.bucket,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id="all-to-dr",
                    status="Enabled",
                    # An explicit empty prefix makes this a V2 rule for every object; an empty filter block
                    # risks being dropped on the way to the provider, silently turning it into a V1 rule.
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                        status="Enabled"
                    ),
                    # SSE-KMS objects are skipped unless asked for explicitly.
                    source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                        sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                            status="Enabled"
                        )
                    ),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=replica.bucket.arn,
                        storage_class="STANDARD_IA",
                        encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                            replica_kms_key_id=dr_key_arn
                        ),
                    ),
                )
            ],
            # S3 rejects a replication configuration until both sides are versioned.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[source.versioning, replica.versioning, role_policy]),
        )
        return replica.bucket


def _dr_target(args: StorageArgs) -> tuple[aws.Provider, Input[str]]:
    if args.dr_provider is None or args.dr_key_arn is None:
        raise ValueError("storage.replicateToDr needs the DR provider and the DR KMS key")
    return args.dr_provider, args.dr_key_arn
