"""Encryption at rest for service data (EKS secrets, SNS, CloudTrail, logs, secrets) and KMS key hygiene."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...framework import Resource, ResourceCheck, Rule
from ...resource_types import (
    CLOUDTRAIL,
    EKS_CLUSTER,
    KMS_KEY,
    LOG_GROUP,
    RDS_DATABASES,
    SECRET,
    SNS_TOPIC,
)
from ...values import as_list, shown
from .customer_keys import key_problem

_SYMMETRIC = "SYMMETRIC_DEFAULT"


def _key_check(key: str) -> ResourceCheck:
    """A check that input `key` names a customer-managed KMS key."""

    def check(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
        problem = key_problem(resource.get(key), key)
        if problem:
            yield problem

    return check


def _eks_secrets_encrypted(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    # Older provider versions model encryptionConfig as a list of blocks.
    blocks = [block for block in as_list(resource.get("encryptionConfig")) if isinstance(block, Mapping)]
    covering = [block for block in blocks if "secrets" in as_list(block.get("resources"))]
    if not covering:
        yield "encryptionConfig does not cover the 'secrets' resource; expected envelope encryption of secrets"
        return
    provider = covering[0].get("provider") or {}
    problem = key_problem(provider.get("keyArn"), "encryptionConfig.provider.keyArn")
    if problem:
        yield problem


def _secrets_use_cmk(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if resource.type == SECRET:
        problem = key_problem(resource.get("kmsKeyId"), "kmsKeyId")
    elif resource.get("manageMasterUserPassword") is True:
        # The master password secret RDS creates in Secrets Manager defaults to aws/secretsmanager.
        problem = key_problem(resource.get("masterUserSecretKmsKeyId"), "masterUserSecretKmsKeyId")
    else:
        return
    if problem:
        yield problem


def _kms_rotation(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    spec = resource.get("customerMasterKeySpec") or resource.get("keySpec") or _SYMMETRIC
    usage = resource.get("keyUsage") or "ENCRYPT_DECRYPT"
    # AWS can only rotate symmetric encryption keys whose material it holds: not asymmetric (a DNSSEC signing
    # key), HMAC, imported or custom-key-store keys (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
    if spec != _SYMMETRIC or usage != "ENCRYPT_DECRYPT" or resource.get("customKeyStoreId"):
        return
    if resource.get("enableKeyRotation") is not True:
        yield f"enableKeyRotation is {shown(resource.get('enableKeyRotation'))}; expected true for a symmetric key"
        return
    period, limit = resource.get("rotationPeriodInDays"), config["maxRotationPeriodDays"]
    if isinstance(period, (int, float)) and not isinstance(period, bool) and period > limit:
        yield f"rotationPeriodInDays is {period:g}; expected at most {limit}"


_AT_REST = ("CC6.1", "C1.1")

RULES: list[Rule] = [
    Rule(
        name="eks-secrets-encrypted",
        description="EKS envelope-encrypts Kubernetes secrets with a customer-managed KMS key.",
        severity="high",
        remediation='Set `encryption_config=aws.eks.ClusterEncryptionConfigArgs(resources=["secrets"], '
        "provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=<customer-managed key ARN>))` on "
        "aws.eks.Cluster (it can be added to a running cluster but never removed).",
        soc2=_AT_REST,
        cis=("EKS-5.3.1",),
        resource_types=(EKS_CLUSTER,),
        resource_check=_eks_secrets_encrypted,
    ),
    Rule(
        name="sns-topic-encrypted",
        description="SNS topics are encrypted with a customer-managed KMS key.",
        severity="medium",
        remediation="Set `kms_master_key_id` to a customer-managed key ARN on aws.sns.Topic (not alias/aws/sns, "
        "which CloudWatch and EventBridge can't use) and let the publishing services use the key in its "
        "key policy.",
        soc2=_AT_REST,
        resource_types=(SNS_TOPIC,),
        resource_check=_key_check("kmsMasterKeyId"),
    ),
    Rule(
        name="cloudtrail-encrypted",
        description="CloudTrail log files are encrypted with a customer-managed KMS key.",
        severity="high",
        remediation="Set `kms_key_id` to a customer-managed key ARN on aws.cloudtrail.Trail; the key policy must let "
        "cloudtrail.amazonaws.com call kms:GenerateDataKey* for this trail.",
        soc2=("CC6.1", "CC7.2"),
        cis=("3.5",),
        resource_types=(CLOUDTRAIL,),
        resource_check=_key_check("kmsKeyId"),
    ),
    Rule(
        name="log-group-encrypted",
        description="CloudWatch log groups are encrypted with a customer-managed KMS key.",
        severity="medium",
        remediation="Set `kms_key_id` to a customer-managed key ARN on aws.cloudwatch.LogGroup; the key policy must "
        "let logs.<region>.amazonaws.com use it for this account's log groups.",
        soc2=_AT_REST,
        resource_types=(LOG_GROUP,),
        resource_check=_key_check("kmsKeyId"),
    ),
    Rule(
        name="secretsmanager-secret-cmk",
        description="Secrets Manager secrets, including RDS-managed master passwords, use a customer-managed key.",
        severity="high",
        remediation="Set `kms_key_id` to a customer-managed key ARN on aws.secretsmanager.Secret, and "
        "`master_user_secret_kms_key_id` on aws.rds.Instance / aws.rds.Cluster when "
        "`manage_master_user_password=True`.",
        soc2=_AT_REST,
        resource_types=(SECRET, *RDS_DATABASES),
        resource_check=_secrets_use_cmk,
    ),
    Rule(
        name="kms-key-rotation-enabled",
        description="Symmetric customer-managed KMS keys rotate automatically, at least yearly.",
        severity="medium",
        remediation="Set `enable_key_rotation=True` on aws.kms.Key (and `rotation_period_in_days` no higher than "
        "the configured maximum, 365 by default).",
        soc2=("CC6.1",),
        cis=("3.6",),
        config={"maxRotationPeriodDays": 365},
        resource_types=(KMS_KEY,),
        resource_check=_kms_rotation,
    ),
]
