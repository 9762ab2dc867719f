"""S3 buckets for application data and logs, hardened alike, optionally replicated to the DR region."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input

from ..config.model import PlatformConfig
from ..iam import service_trust
from .bucket_policies import (
    ELB_ACCOUNT_REGIONS,
    allow_alb_log_delivery,
    allow_log_delivery,
    allow_s3_access_logs,
    replication_policy,
)
from .hardened_bucket import HardenedBucket, lifecycle_rule

ACCESS_LOG_PREFIX = "s3-access/"  # + the source bucket's role: one prefix per logged bucket
ALB_LOG_PREFIX = "alb"  # the load balancer's access_logs.prefix (network/edge.py); ELB adds /AWSLogs/<account>/


@dataclass(frozen=True)
class StorageArgs:
    config: PlatformConfig
    account_id: str
    trail_name: str  # the CloudTrail trail that writes into the log bucket
    data_key_arn: Input[str]
    logs_key_arn: Input[str]
    dr_key_arn: Input[str] | None
    dr_provider: aws.Provider | None


class Storage(pulumi.ComponentResource):
    """The data bucket (replicated to the DR region where configured), the log bucket, and the ALB's own log
    bucket; every bucket but an access-log bucket logs server access to one in its own region.

    None of the log buckets is in the backup plan (data/backup.py): they hold logs, not data, and expire."""

    data_bucket: aws.s3.Bucket
    logs_bucket: aws.s3.Bucket
    replica_bucket: aws.s3.Bucket | None
    alb_logs_bucket: aws.s3.Bucket | None
    alb_logs_bucket_policy: aws.s3.BucketPolicy | None
    dr_access_logs_bucket: aws.s3.Bucket | None

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:storage:Storage", name, None, opts)
        storage = args.config.storage
        protect = args.config.protect_stateful
        dr = _dr_target(args) if storage.replicate_to_dr else None

        logs = HardenedBucket(
            f"{name}-logs",
            self,
            key_arn=args.logs_key_arn,
            protect=protect,
            lifecycle=self._log_lifecycle(args),
            extra_statements=allow_log_delivery(args.account_id, args.config.primary_region, args.trail_name),
        )
        data = HardenedBucket(
            f"{name}-data",
            self,
            key_arn=args.data_key_arn,
            protect=protect,
            lifecycle=lifecycle_rule(
                storage.noncurrent_version_expiration_days, infrequent_access_after=storage.infrequent_access_after_days
            ),
        )
        self._log_access(name, "data", data, logs)

        self.data_bucket = data.bucket
        self.logs_bucket = logs.bucket
        self.logs_bucket_policy = logs.policy  # writers such as CloudTrail must wait for it
        self.dr_access_logs_bucket = None  # set by _replicate
        alb_logs = self._alb_logs(name, args, logs) if args.config.ingress.access_logs else None
        self.alb_logs_bucket = alb_logs.bucket if alb_logs else None
        self.alb_logs_bucket_policy = alb_logs.policy if alb_logs else None  # the ALB must wait for it
        self.replica_bucket = self._replicate(name, args, data, *dr) if dr else None

        self.register_outputs(
            {
                "dataBucket": self.data_bucket.bucket,
                "logsBucket": self.logs_bucket.bucket,
                "albLogsBucket": self.alb_logs_bucket.bucket if self.alb_logs_bucket else None,
                "replicaBucket": self.replica_bucket.bucket if self.replica_bucket else None,
            }
        )

    @staticmethod
    def _log_lifecycle(args: StorageArgs) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
        storage = args.config.storage
        return lifecycle_rule(storage.noncurrent_version_expiration_days, expire_after=storage.log_expiration_days)

    def _log_access(
        self, name: str, role: str, source: HardenedBucket, target: HardenedBucket, provider: aws.Provider | None = None
    ) -> aws.s3.BucketLogging:
        """Server access logs of `source` under `s3-access/<role>/` of `target`, which must be in the same region
        and account (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)."""
        # Wait for the target's policy so the first access logs are not refused.
        return aws.s3.BucketLogging(
            f"{name}-{role}-logging",
            bucket=source.bucket.bucket,
            target_bucket=target.bucket.bucket,
            target_prefix=f"{ACCESS_LOG_PREFIX}{role}/",
            opts=pulumi.ResourceOptions(parent=self, provider=provider, depends_on=[target.policy]),
        )

    def _alb_logs(self, name: str, args: StorageArgs, logs: HardenedBucket) -> HardenedBucket:
        region = args.config.primary_region
        # Regions before August 2022 deliver as an ELB account of their own (aws.elb.get_service_account).
        elb_account = (
            aws.elb.get_service_account(region=region, opts=pulumi.InvokeOptions(parent=self)).arn
            if region in ELB_ACCOUNT_REGIONS
            else None
        )
        alb_logs = HardenedBucket(
            f"{name}-alb-logs",
            self,
            key_arn=None,  # ALB access logs support SSE-S3 only (see HardenedBucket)
            protect=args.config.protect_stateful,
            lifecycle=self._log_lifecycle(args),
            extra_statements=allow_alb_log_delivery(args.account_id, ALB_LOG_PREFIX, elb_account),
        )
        self._log_access(name, "alb-logs", alb_logs, logs)
        return alb_logs

    def _dr_access_logs(
        self, name: str, args: StorageArgs, replica: HardenedBucket, dr_provider: aws.Provider, dr_key_arn: Input[str]
    ) -> HardenedBucket:
        """The replica's access logs stay in its region: S3 delivers server access logs only within one region.
        The DR key admits logging.s3.amazonaws.com for this bucket (security/encryption.py)."""
        role = "data-replica"
        access_logs = HardenedBucket(
            f"{name}-dr-access-logs",
            self,
            key_arn=dr_key_arn,
            protect=args.config.protect_stateful,
            lifecycle=self._log_lifecycle(args),
            extra_statements=allow_s3_access_logs(args.account_id, f"{ACCESS_LOG_PREFIX}{role}/", [replica.bucket.arn]),
            provider=dr_provider,
        )
        self._log_access(name, role, replica, access_logs, provider=dr_provider)
        return access_logs

    def _replicate(
        self, name: str, args: StorageArgs, source: HardenedBucket, dr_provider: aws.Provider, dr_key_arn: Input[str]
    ) -> aws.s3.Bucket:
        replica = HardenedBucket(
            f"{name}-data-replica",
            self,
            key_arn=dr_key_arn,
            protect=args.config.protect_stateful,
            lifecycle=lifecycle_rule(args.config.storage.noncurrent_version_expiration_days),
            provider=dr_provider,
        )
        self.dr_access_logs_bucket = self._dr_access_logs(name, args, replica, dr_provider, dr_key_arn).bucket
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
