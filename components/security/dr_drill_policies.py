"""The DR drill role's permissions: what `platformctl dr drill` (platformctl/ops/dr_drill*.py, dr_orphans.py,
dr_recovery_point.py, rds_snapshots.py) and the workflow's `pulumi stack output` call, and nothing more.

The drill makes RDS calls only (no AWS Backup, CloudWatch or Secrets Manager client): it describes the source
instance and its snapshots, restores one into `drill-<db>-<run id>` tagged `platformctl:created-by=dr-drill`,
waits for it (DescribeDBInstances), lists the tags of `drill-*` instances and deletes the ones carrying that tag.
Actions, resource types and condition keys per the RDS service authorization reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrds.html).
"""

from __future__ import annotations

from typing import Any

from .access_policies import document, pulumi_state_key_statements

# platformctl/ops/rds_snapshots.py CREATED_BY and dr_drill_run.py DRILL_TAG / PREFIX: the drill tags what it
# creates with this pair and names it with this prefix (tests/components/security/test_dr_drill_role.py keeps
# them in step).
CREATED_BY_TAG = "platformctl:created-by"
DRILL_TAG_VALUE = "dr-drill"
DRILL_INSTANCE_PREFIX = "drill-"
# bootstrap/__main__.py names the state bucket platform-pulumi-state-<account>-<bootstrap region>; the region is
# the bootstrap program's, not this stack's, hence the wildcard after the account.
STATE_BUCKET_PREFIX = "platform-pulumi-state-"
# The Pulumi DIY backend keeps everything under this prefix of the bucket (.pulumi/meta.yaml, stacks/...).
STATE_OBJECTS = ".pulumi/*"


def dr_drill(account_id: str, regions: list[str], database: str, key_aliases: list[str], prefix: str) -> str:
    """The drill's policy: `regions` are where it restores (primary first, then the DR region), `database` the
    primary instance's identifier, `key_aliases` the KMS aliases of the keys its recovery points are encrypted
    with (the data key in the primary, the DR key in the DR region)."""
    rds = [f"arn:aws:rds:{region}:{account_id}" for region in regions]
    drill_instances = [f"{arn}:db:{DRILL_INSTANCE_PREFIX}*" for arn in rds]
    drill_tag = {f"aws:RequestTag/{CREATED_BY_TAG}": DRILL_TAG_VALUE}
    return document(
        [
            # DescribeDBInstances (List; optional resource db) without an identifier is the orphan sweep; with
            # one, the point-in-time source and the waiter. DescribeDBSnapshots (List; db | snapshot) finds the
            # newest snapshot of the primary and the DR replica, AWS Backup's copies included.
            {
                "Sid": "FindRecoveryPoints",
                "Effect": "Allow",
                "Action": ["rds:DescribeDBInstances", "rds:DescribeDBSnapshots"],
                "Resource": [f"{arn}:{kind}:*" for arn in rds for kind in ("db", "snapshot")],
            },
            # Both restores require db* (source and target), og*, pg* and subgrp*: the target is only a drill
            # instance, created tagged as the drill's and private (rds:PubliclyAccessible, aws:RequestTag are
            # request keys of both actions). No role is passed (no iam:PassRole): the drill sets no monitoring
            # role, and the restore does not hand the master password to Secrets Manager (only create, modify
            # and restore from S3 do: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html).
            {
                "Sid": "RestoreIntoDrillInstances",
                "Effect": "Allow",
                "Action": ["rds:RestoreDBInstanceToPointInTime", "rds:RestoreDBInstanceFromDBSnapshot"],
                "Resource": [
                    *drill_instances,
                    f"{rds[0]}:db:{database}",  # the point-in-time source: the primary, in the primary region
                    *(f"{arn}:snapshot:*" for arn in rds),  # automated, manual and awsbackup:job-* copies
                    # The source's subnet group (auto-named after the instance), or the default one where a
                    # snapshot outlived its instance; the engine's default parameter and option groups.
                    *(f"{arn}:subgrp:{prefix}-db-*" for arn in rds),
                    *(f"{arn}:subgrp:default" for arn in rds),
                    *(f"{arn}:pg:default.*" for arn in rds),
                    *(f"{arn}:pg:{prefix}-db-*" for arn in rds),
                    *(f"{arn}:og:default:*" for arn in rds),
                ],
                "Condition": {"StringEquals": drill_tag, "Bool": {"rds:PubliclyAccessible": "false"}},
            },
            # A create with Tags is authorised again as AddTagsToResource (https://docs.aws.amazon.com/AmazonRDS/
            # latest/UserGuide/security_iam_id-based-policy-examples-grant-permissions-tags-on-create.html).
            {
                "Sid": "TagDrillInstancesOnCreate",
                "Effect": "Allow",
                "Action": "rds:AddTagsToResource",
                "Resource": drill_instances,
                "Condition": {"StringEquals": drill_tag},
            },
            {
                "Sid": "ReadDrillInstanceTags",
                "Effect": "Allow",
                "Action": "rds:ListTagsForResource",
                "Resource": drill_instances,
            },
            # Named like a drill AND tagged by one: a production instance is neither. No final snapshot is taken
            # (SkipFinalSnapshot), so DeleteDBInstance's dependent rds:CreateDBSnapshot is not needed.
            {
                "Sid": "DeleteOnlyDrillInstances",
                "Effect": "Allow",
                "Action": "rds:DeleteDBInstance",
                "Resource": drill_instances,
                "Condition": {"StringEquals": {f"aws:ResourceTag/{CREATED_BY_TAG}": DRILL_TAG_VALUE}},
            },
            *_restore_key_statements(account_id, regions, key_aliases),
            *_state_statements(account_id),
        ]
    )


def _restore_key_statements(account_id: str, regions: list[str], key_aliases: list[str]) -> list[dict[str, Any]]:
    """RDS encrypts the restored instance with the recovery point's customer managed key, acting for the caller,
    who needs kms:CreateGrant and kms:DescribeKey on it, best only through RDS and only for grants to AWS
    resources (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html). Keys are
    matched by alias (https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html)."""
    keys = [f"arn:aws:kms:{region}:{account_id}:key/*" for region in regions]
    via_rds = {"kms:ViaService": [f"rds.{region}.amazonaws.com" for region in regions]}
    aliases = {"kms:ResourceAliases": key_aliases}
    return [
        {
            "Sid": "GrantRdsTheRecoveryPointKeys",
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": keys,
            "Condition": {
                "ForAnyValue:StringEquals": aliases,
                "StringEquals": via_rds,
                "Bool": {"kms:GrantIsForAWSResource": "true"},
            },
        },
        # kms:GrantIsForAWSResource exists only in CreateGrant requests: DescribeKey gets its own statement.
        {
            "Sid": "DescribeTheRecoveryPointKeys",
            "Effect": "Allow",
            "Action": "kms:DescribeKey",
            "Resource": keys,
            "Condition": {"ForAnyValue:StringEquals": aliases, "StringEquals": via_rds},
        },
    ]


def _state_statements(account_id: str) -> list[dict[str, Any]]:
    """`pulumi stack output --stack prod` on the S3 backend (vars.PULUMI_BACKEND_URL): list the bucket, read the
    checkpoint, decrypt it (SSE-KMS) and the stack's secrets data key, as ci-previewer does; never write."""
    bucket = f"arn:aws:s3:::{STATE_BUCKET_PREFIX}{account_id}-*"
    return [
        {"Sid": "ListStateBucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
        {"Sid": "ReadState", "Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket}/{STATE_OBJECTS}"},
        *pulumi_state_key_statements(account_id),
    ]
