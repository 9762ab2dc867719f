"""Cases for encryption of service data and KMS key hygiene (platform_policies/rules/encryption/service_data.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res
from tests.policies.rules.encryption.data_stores_cases import KEY, RDS

CASES: list[Case] = [
    # eks-secrets-encrypted
    Case(
        "eks-secrets-encrypted",
        False,
        (res("aws:eks/cluster:Cluster", encryptionConfig={"resources": ["secrets"], "provider": {"keyArn": KEY}}),),
    ),
    Case(
        "eks-secrets-encrypted",
        False,
        (res("aws:eks/cluster:Cluster", encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": KEY}}]),),
        note="list-form",
    ),
    Case("eks-secrets-encrypted", True, (res("aws:eks/cluster:Cluster", version="1.33"),)),
    Case(
        "eks-secrets-encrypted",
        True,
        (res("aws:eks/cluster:Cluster", encryptionConfig={"resources": ["secrets"], "provider": {}}),),
        note="no-key",
    ),
    # sns-topic-encrypted
    Case("sns-topic-encrypted", False, (res("aws:sns/topic:Topic", kmsMasterKeyId=KEY),)),
    Case(
        "sns-topic-encrypted",
        False,
        (res("aws:sns/topic:Topic", kmsMasterKeyId="alias/platform-alerts"),),
        note="customer-alias",
    ),
    Case("sns-topic-encrypted", True, (res("aws:sns/topic:Topic", kmsMasterKeyId="alias/aws/sns"),)),
    Case("sns-topic-encrypted", True, (res("aws:sns/topic:Topic", displayName="alerts"),), note="unencrypted"),
    # cloudtrail-encrypted
    Case("cloudtrail-encrypted", False, (res("aws:cloudtrail/trail:Trail", kmsKeyId=KEY),)),
    Case("cloudtrail-encrypted", True, (res("aws:cloudtrail/trail:Trail", s3BucketName="logs"),)),
    # log-group-encrypted
    Case("log-group-encrypted", False, (res("aws:cloudwatch/logGroup:LogGroup", kmsKeyId=KEY),)),
    Case("log-group-encrypted", True, (res("aws:cloudwatch/logGroup:LogGroup", retentionInDays=30),)),
    # secretsmanager-secret-cmk
    Case("secretsmanager-secret-cmk", False, (res("aws:secretsmanager/secret:Secret", kmsKeyId=KEY),)),
    Case("secretsmanager-secret-cmk", True, (res("aws:secretsmanager/secret:Secret", name="db"),)),
    Case(
        "secretsmanager-secret-cmk",
        False,
        (res(RDS, manageMasterUserPassword=True, masterUserSecretKmsKeyId=KEY),),
        note="rds-managed-secret",
    ),
    Case("secretsmanager-secret-cmk", True, (res(RDS, manageMasterUserPassword=True),), note="rds-default-key"),
    Case("secretsmanager-secret-cmk", False, (res(RDS, password="[secret]"),), note="rds-own-password"),
    # kms-key-rotation-enabled
    Case(
        "kms-key-rotation-enabled", False, (res("aws:kms/key:Key", enableKeyRotation=True, rotationPeriodInDays=365),)
    ),
    Case(
        "kms-key-rotation-enabled",
        False,
        (res("aws:kms/key:Key", customerMasterKeySpec="RSA_2048", keyUsage="SIGN_VERIFY"),),
        note="asymmetric",
    ),
    Case(
        "kms-key-rotation-enabled",
        False,
        # The DNSSEC signing key (network/dns_security.py): KMS rotates only symmetric encryption keys.
        (res("aws:kms/key:Key", customerMasterKeySpec="ECC_NIST_P256", keyUsage="SIGN_VERIFY"),),
        note="dnssec-ecc-p256",
    ),
    Case(
        "kms-key-rotation-enabled",
        False,
        (res("aws:kms/key:Key", keySpec="HMAC_256", keyUsage="GENERATE_VERIFY_MAC"),),
        note="hmac",
    ),
    Case("kms-key-rotation-enabled", True, (res("aws:kms/key:Key", description="data"),)),
    Case(
        "kms-key-rotation-enabled",
        True,
        (res("aws:kms/key:Key", enableKeyRotation=False, keySpec="SYMMETRIC_DEFAULT"),),
        note="explicit-false",
    ),
    Case(
        "kms-key-rotation-enabled",
        True,
        (res("aws:kms/key:Key", enableKeyRotation=True, rotationPeriodInDays=730),),
        note="period-too-long",
    ),
    Case(
        "kms-key-rotation-enabled",
        False,
        (res("aws:kms/key:Key", enableKeyRotation=True, rotationPeriodInDays=730),),
        config={"maxRotationPeriodDays": 730},
        note="period-within-config",
    ),
]
