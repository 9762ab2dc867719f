"""Cases for encryption at rest of data stores (platform_policies/rules/encryption/data_stores.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

KEY = "arn:aws:kms:us-east-1:123456789012:key/fed63989-a8f1-399b-f6a4-2fffb6732449"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET = "aws:s3/bucket:Bucket"
RDS = "aws:rds/instance:Instance"
CLUSTER = "aws:rds/cluster:Cluster"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
LB = "aws:lb/loadBalancer:LoadBalancer"


def sse(key=KEY, algorithm="aws:kms", **kw):
    default = {"sseAlgorithm": algorithm, **({"kmsMasterKeyId": key} if key else {})}
    return res(SSE, "enc", rules=[{"applyServerSideEncryptionByDefault": default, "bucketKeyEnabled": True}], **kw)


def bucket(name="data", **kw):
    return res(BUCKET, name, **kw)


def lt(**ebs):
    return res(LT, "nodes", blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": ebs}])


_data = bucket("data")
_logs = bucket("logs", bucket="logs-123")
_alb_logs = bucket("alb-logs", bucket="alb-logs-123")
_sse_s3 = sse(key=None, algorithm="AES256", property_dependencies={"bucket": [_alb_logs.urn]})


def alb(**access_logs):
    return res(LB, "alb", accessLogs={"bucket": "alb-logs-123", "prefix": "alb", "enabled": True, **access_logs})


CASES: list[Case] = [
    # s3-bucket-encrypted-with-cmk
    Case("s3-bucket-encrypted-with-cmk", False, (sse(),)),
    Case("s3-bucket-encrypted-with-cmk", False, (sse(algorithm="aws:kms:dsse"),), note="dual-layer"),
    Case("s3-bucket-encrypted-with-cmk", True, (sse(key=None, algorithm="AES256"),), note="sse-s3", offender="enc"),
    Case("s3-bucket-encrypted-with-cmk", True, (sse(key="alias/aws/s3"),), note="aws-managed-alias", offender="enc"),
    Case("s3-bucket-encrypted-with-cmk", True, (sse(key=None),), note="kms-without-key", offender="enc"),
    Case("s3-bucket-encrypted-with-cmk", True, (res(SSE, "enc", bucket="b"),), note="no-rules", offender="enc"),
    Case(
        "s3-bucket-encrypted-with-cmk",
        True,
        (
            bucket(
                serverSideEncryptionConfiguration={
                    "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}
                }
            ),
        ),
        note="inline-block",
        offender="data",
    ),
    Case("s3-bucket-encrypted-with-cmk", False, (bucket(),), note="bucket-without-inline-block"),
    # SSE-S3 exactly where ALB access logs, and nothing else, are written (ALB log delivery supports nothing else).
    Case("s3-bucket-encrypted-with-cmk", False, (_alb_logs, _sse_s3, alb()), note="sse-s3-alb-log-bucket"),
    Case(
        "s3-bucket-encrypted-with-cmk",
        False,
        (
            _alb_logs,
            _sse_s3,
            res(
                LB,
                "alb",
                property_dependencies={"accessLogs": [_alb_logs.urn]},
                accessLogs={"bucket": "unknown", "enabled": True},
            ),
        ),
        note="sse-s3-alb-log-bucket-by-dependency",
    ),
    Case(
        "s3-bucket-encrypted-with-cmk",
        True,
        (_alb_logs, _sse_s3, alb(enabled=False)),
        note="sse-s3-alb-access-logs-disabled",
        offender="enc",
    ),
    Case(
        "s3-bucket-encrypted-with-cmk",
        True,
        (
            _alb_logs,
            _sse_s3,
            alb(),
            res("aws:s3/bucketLogging:BucketLogging", "data-logging", bucket="data", targetBucket="alb-logs-123"),
        ),
        note="sse-s3-alb-log-bucket-also-takes-server-access-logs",
        offender="enc",
    ),
    Case(
        "s3-bucket-encrypted-with-cmk",
        True,
        (_data, sse(key=None, algorithm="AES256", property_dependencies={"bucket": [_data.urn]}), alb()),
        note="sse-s3-on-a-bucket-no-alb-writes-to",
        offender="enc",
    ),
    # s3-bucket-has-encryption-config
    Case(
        "s3-bucket-has-encryption-config",
        False,
        (_data, sse(property_dependencies={"bucket": [_data.urn]})),
        note="by-dependency",
    ),
    Case("s3-bucket-has-encryption-config", False, (_logs, sse(bucket="logs-123")), note="by-name"),
    Case(
        "s3-bucket-has-encryption-config",
        True,
        (_data, _logs, sse(property_dependencies={"bucket": [_data.urn]})),
        offender="logs",
    ),
    Case(
        "s3-bucket-has-encryption-config",
        True,
        (_logs, sse(bucket="other-bucket")),
        note="other-bucket",
        offender="logs",
    ),
    Case("s3-bucket-has-encryption-config", False, (), note="no-buckets"),
    # rds-storage-encrypted-with-cmk
    Case("rds-storage-encrypted-with-cmk", False, (res(RDS, storageEncrypted=True, kmsKeyId=KEY),)),
    Case(
        "rds-storage-encrypted-with-cmk",
        False,
        (res(RDS, replicateSourceDb="arn:aws:rds:us-east-1:1:db:x", kmsKeyId=KEY),),
        note="replica-inherits-encryption",
    ),
    Case(
        "rds-storage-encrypted-with-cmk",
        False,
        (res(CLUSTER, storageEncrypted=True, kmsKeyId="alias/rds-data"),),
        note="cluster-customer-alias",
    ),
    Case("rds-storage-encrypted-with-cmk", True, (res(RDS, storageEncrypted=True),), note="default-aws-rds-key"),
    Case("rds-storage-encrypted-with-cmk", True, (res(RDS, kmsKeyId=KEY),), note="storage-encrypted-missing"),
    Case(
        "rds-storage-encrypted-with-cmk",
        True,
        (res(RDS, replicateSourceDb="src", storageEncrypted=False, kmsKeyId=KEY),),
        note="replica-explicitly-unencrypted",
    ),
    Case(
        "rds-storage-encrypted-with-cmk",
        True,
        (
            res(
                "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
                sourceDbInstanceArn="arn:aws:rds:us-east-1:1:db:x",
            ),
        ),
        note="replicated-backups-without-key",
    ),
    Case(
        "rds-storage-encrypted-with-cmk", False, (res("aws:ec2/vpc:Vpc", cidrBlock="10.0.0.0/16"),), note="other-type"
    ),
    # ebs-volume-encrypted-with-cmk
    Case("ebs-volume-encrypted-with-cmk", False, (res("aws:ebs/volume:Volume", encrypted=True, kmsKeyId=KEY),)),
    Case("ebs-volume-encrypted-with-cmk", True, (res("aws:ebs/volume:Volume", size=10),)),
    Case(
        "ebs-volume-encrypted-with-cmk",
        True,
        (res("aws:ebs/volume:Volume", encrypted=True, kmsKeyId="arn:aws:kms:us-east-1:1:alias/aws/ebs"),),
        note="aws-managed-alias-arn",
    ),
    # launch-template-volumes-encrypted
    Case("launch-template-volumes-encrypted", False, (lt(encrypted="true", kmsKeyId=KEY, volumeSize=100),)),
    Case("launch-template-volumes-encrypted", False, (lt(encrypted=True, kmsKeyId=KEY),), note="bool-encrypted"),
    Case("launch-template-volumes-encrypted", True, (lt(encrypted="false", kmsKeyId=KEY),)),
    Case("launch-template-volumes-encrypted", True, (lt(encrypted="true"),), note="no-key"),
    Case(
        "launch-template-volumes-encrypted",
        True,
        (res(LT, "nodes", metadataOptions={"httpTokens": "required"}),),
        note="no-mappings",
    ),
    Case(
        "launch-template-volumes-encrypted",
        False,
        (res(LT, "nodes"),),
        config={"requireEbsMapping": False},
        note="no-mappings-allowed",
    ),
    # backup-vault-encrypted-with-cmk
    Case("backup-vault-encrypted-with-cmk", False, (res("aws:backup/vault:Vault", kmsKeyArn=KEY),)),
    Case("backup-vault-encrypted-with-cmk", True, (res("aws:backup/vault:Vault"),)),
    # rds-performance-insights-encrypted
    Case(
        "rds-performance-insights-encrypted",
        False,
        (res(RDS, performanceInsightsEnabled=True, performanceInsightsKmsKeyId=KEY),),
    ),
    Case("rds-performance-insights-encrypted", False, (res(RDS, performanceInsightsEnabled=False),), note="disabled"),
    Case("rds-performance-insights-encrypted", True, (res(RDS, performanceInsightsEnabled=True),)),
    Case(
        "rds-performance-insights-encrypted",
        True,
        (res(CLUSTER, performanceInsightsEnabled=True, performanceInsightsKmsKeyId="alias/aws/rds"),),
        note="cluster-aws-key",
    ),
]
