"""Encryption at rest for data stores (S3, RDS, EBS, backups), always with customer-managed KMS keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...aws_resources import is_read_replica
from ...framework import Resource, Rule, Violation, of_type
from ...log_destinations import LOG_WRITER_TYPES, alb_only_log_buckets
from ...references import refers_to
from ...resource_types import (
    BACKUP_VAULT,
    BUCKET_ENCRYPTION,
    BUCKETS,
    EBS_VOLUME,
    LAUNCH_TEMPLATE,
    RDS_BACKUPS_REPLICATION,
    RDS_DATABASES,
)
from ...values import as_list, is_true, shown
from .customer_keys import key_problem


def _sse_problems(rules: Any) -> Iterable[str]:
    rules = [rule for rule in as_list(rules) if isinstance(rule, Mapping)]
    if not rules:
        yield "the server-side encryption configuration has no rule; expected aws:kms with a customer-managed key"
    for rule in rules:
        default = rule.get("applyServerSideEncryptionByDefault") or {}
        algorithm = default.get("sseAlgorithm")
        if algorithm not in ("aws:kms", "aws:kms:dsse"):
            yield f"sseAlgorithm is {shown(algorithm)}; expected 'aws:kms' with a customer-managed key"
            continue
        problem = key_problem(default.get("kmsMasterKeyId"), "kmsMasterKeyId")
        if problem:
            yield problem


def _sse_rules(resource: Resource) -> Any:
    if resource.type in BUCKET_ENCRYPTION:
        return resource.get("rules")
    # The deprecated inline block on the bucket: {rule: {applyServerSideEncryptionByDefault: ...}}.
    return resource.get("serverSideEncryptionConfiguration", "rule")


def _sse_s3_only(rules: Any) -> bool:
    rules = [rule for rule in as_list(rules) if isinstance(rule, Mapping)]
    return bool(rules) and all(
        (rule.get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm") == "AES256" for rule in rules
    )


def _s3_encrypted_with_cmk(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    # SSE-S3 is the only encryption ALB access-log delivery supports, so it is accepted exactly on a bucket
    # that load balancers alone write to (log_destinations.py).
    alb_only = alb_only_log_buckets(resources)
    buckets = of_type(resources, *BUCKETS)
    for resource in of_type(resources, *BUCKET_ENCRYPTION, *BUCKETS):
        if resource.type in BUCKETS and not resource.get("serverSideEncryptionConfiguration"):
            continue
        rules = _sse_rules(resource)
        if _sse_s3_only(rules) and _is_alb_log_bucket(resource, buckets, alb_only):
            continue
        for problem in _sse_problems(rules):
            yield Violation(problem, resource.urn)


def _is_alb_log_bucket(resource: Resource, buckets: list[Resource], alb_only: set[str]) -> bool:
    if resource.type in BUCKETS:
        return resource.urn in alb_only
    targets = [bucket for bucket in buckets if refers_to(resource, "bucket", bucket)]
    return bool(targets) and all(bucket.urn in alb_only for bucket in targets)


def _s3_has_encryption_config(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    configs = of_type(resources, *BUCKET_ENCRYPTION)
    for bucket in of_type(resources, *BUCKETS):
        if bucket.get("serverSideEncryptionConfiguration"):
            continue
        if not any(refers_to(sse, "bucket", bucket) for sse in configs):
            yield Violation(
                f"bucket {bucket.get('bucket') or bucket.name} has no "
                "aws.s3.BucketServerSideEncryptionConfiguration; expected one with aws:kms and a "
                "customer-managed key",
                bucket.urn,
            )


def _rds_storage_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if resource.type == RDS_BACKUPS_REPLICATION:
        problem = key_problem(resource.get("kmsKeyId"), "replicated backups' kmsKeyId")
        if problem:
            yield problem
        return
    encrypted = resource.get("storageEncrypted")
    # A replica inherits encryption from its source and only has to name the key in its region.
    if encrypted is not True and not (is_read_replica(resource) and encrypted is None):
        yield f"storageEncrypted is {shown(encrypted)}; expected true"
    problem = key_problem(resource.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


def _ebs_volume_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if resource.get("encrypted") is not True:
        yield f"encrypted is {shown(resource.get('encrypted'))}; expected true"
    problem = key_problem(resource.get("kmsKeyId"), "kmsKeyId")
    if problem:
        yield problem


def _launch_template_volumes(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    mappings = [m for m in as_list(resource.get("blockDeviceMappings")) if isinstance(m, Mapping) and m.get("ebs")]
    if not mappings and config["requireEbsMapping"]:
        yield (
            "no blockDeviceMappings with an ebs block: node volumes would follow the AMI and account defaults; "
            "expected an explicit encrypted root volume with a customer-managed key"
        )
    for mapping in mappings:
        device, ebs = mapping.get("deviceName", "?"), mapping["ebs"]
        if not is_true(ebs.get("encrypted")):
            yield f"volume {device}: encrypted is {shown(ebs.get('encrypted'))}; expected 'true'"
        problem = key_problem(ebs.get("kmsKeyId"), f"volume {device}: kmsKeyId")
        if problem:
            yield problem


def _backup_vault_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    problem = key_problem(resource.get("kmsKeyArn"), "kmsKeyArn")
    if problem:
        yield problem


def _performance_insights_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if resource.get("performanceInsightsEnabled") is not True:
        return
    problem = key_problem(resource.get("performanceInsightsKmsKeyId"), "performanceInsightsKmsKeyId")
    if problem:
        yield problem


_AT_REST = ("CC6.1", "C1.1")

RULES: list[Rule] = [
    Rule(
        name="s3-bucket-encrypted-with-cmk",
        description="S3 default encryption is SSE-KMS with a customer-managed key; SSE-S3 only on a bucket that "
        "load balancers alone write access logs to (ALB log delivery supports nothing else).",
        severity="high",
        remediation="On aws.s3.BucketServerSideEncryptionConfiguration set `rules[0].apply_server_side_encryption_"
        'by_default` to `sse_algorithm="aws:kms"` and `kms_master_key_id` to a customer-managed '
        "aws.kms.Key ARN (not alias/aws/s3); keep `bucket_key_enabled=True` to limit KMS calls. A bucket "
        'for ALB access logs keeps `sse_algorithm="AES256"` and receives nothing else.',
        soc2=_AT_REST,
        resource_types=(*BUCKET_ENCRYPTION, *BUCKETS, *LOG_WRITER_TYPES),
        stack_check=_s3_encrypted_with_cmk,
    ),
    Rule(
        name="s3-bucket-has-encryption-config",
        description="Every S3 bucket has a server-side encryption configuration resource.",
        severity="high",
        remediation="Add an aws.s3.BucketServerSideEncryptionConfiguration with `bucket=<bucket>.id` (or `.bucket`), "
        '`sse_algorithm="aws:kms"` and `kms_master_key_id` set to a customer-managed key.',
        soc2=_AT_REST,
        resource_types=(*BUCKETS, *BUCKET_ENCRYPTION),
        stack_check=_s3_has_encryption_config,
    ),
    Rule(
        name="rds-storage-encrypted-with-cmk",
        description="RDS instances, clusters, read replicas and replicated backups are encrypted with a "
        "customer-managed key.",
        severity="high",
        remediation="Set `storage_encrypted=True` and `kms_key_id` to a customer-managed key ARN on aws.rds.Instance "
        "/ aws.rds.Cluster (a cross-region replica needs a key in its own region); set `kms_key_id` on "
        "aws.rds.InstanceAutomatedBackupsReplication. Encryption can't be added in place: restore from "
        "an encrypted snapshot copy.",
        soc2=_AT_REST,
        cis=("2.3.1",),
        resource_types=(*RDS_DATABASES, RDS_BACKUPS_REPLICATION),
        resource_check=_rds_storage_encrypted,
    ),
    Rule(
        name="ebs-volume-encrypted-with-cmk",
        description="EBS volumes are encrypted with a customer-managed key.",
        severity="high",
        remediation="Set `encrypted=True` and `kms_key_id` to a customer-managed key ARN on aws.ebs.Volume.",
        soc2=_AT_REST,
        cis=("2.2.1",),
        resource_types=(EBS_VOLUME,),
        resource_check=_ebs_volume_encrypted,
    ),
    Rule(
        name="launch-template-volumes-encrypted",
        description="Launch templates declare their EBS volumes encrypted with a customer-managed key.",
        severity="high",
        remediation="In aws.ec2.LaunchTemplate `block_device_mappings`, give every mapping an `ebs` block with "
        '`encrypted="true"` and `kms_key_id` set to a customer-managed key ARN (the key policy must '
        "let the AWSServiceRoleForAutoScaling role use it).",
        soc2=_AT_REST,
        cis=("2.2.1",),
        config={"requireEbsMapping": True},
        resource_types=(LAUNCH_TEMPLATE,),
        resource_check=_launch_template_volumes,
    ),
    Rule(
        name="backup-vault-encrypted-with-cmk",
        description="AWS Backup vaults encrypt recovery points with a customer-managed key.",
        severity="high",
        remediation="Set `kms_key_arn` to a customer-managed key ARN on aws.backup.Vault (the vault is replaced: "
        "create the new vault first and move the plans to it).",
        soc2=_AT_REST,
        resource_types=(BACKUP_VAULT,),
        resource_check=_backup_vault_encrypted,
    ),
    Rule(
        name="rds-performance-insights-encrypted",
        description="Performance Insights data is encrypted with a customer-managed key when enabled.",
        severity="medium",
        remediation="Set `performance_insights_kms_key_id` to a customer-managed key ARN on aws.rds.Instance / "
        "aws.rds.Cluster whenever `performance_insights_enabled=True`.",
        soc2=_AT_REST,
        resource_types=RDS_DATABASES,
        resource_check=_performance_insights_encrypted,
    ),
]
