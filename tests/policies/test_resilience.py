"""Backup and resilience: every rule has compliant and non-compliant cases, with preview-time edge cases."""

from __future__ import annotations

import pytest

from policies.rules import resilience, resilience_infra
from tests.policies.cases import Case, assert_case, assert_case_as_crossguard_sees_it, res

RULES = {r.name: r for r in [*resilience.RULES, *resilience_infra.RULES]}

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
SELECTION = "aws:backup/selection:Selection"
RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
EAST = {"region": "us-east-1"}
WEST = {"region": "us-west-2"}
DR_ARN = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault-1"


def rule(name="snapshots", schedule="cron(0 0/4 * * ? *)", days=30, copies=(), **kw):
    return {
        "ruleName": name,
        "schedule": schedule,
        "targetVaultName": "main-vault-1",
        "lifecycle": {"deleteAfter": days},
        "copyActions": list(copies),
        **kw,
    }


def copy(arn=DR_ARN, days=30):
    action = {"lifecycle": {"deleteAfter": days}}
    return {"destinationVaultArn": arn, **action} if arn else action


def plan(*rules, deps=None, provider=EAST):
    return res(PLAN, "plan", provider_props=provider, property_dependencies=deps, name="plan-1", rules=list(rules))


def subnets(vpc, *zones, provider=EAST, vpc_id=None):
    deps = None if vpc_id else {"vpcId": [vpc.urn]}
    return tuple(
        res(
            SUBNET,
            f"{vpc.name}-{zone}",
            provider_props=provider,
            property_dependencies=deps,
            vpcId=vpc_id or "vpc-123",
            availabilityZone=zone,
        )
        for zone in zones
    )


_main = res(VAULT, "main", provider_props=EAST, name="main-vault-1")
_dr = res(VAULT, "dr", provider_props=WEST, name="dr-vault-1")
_east_dr = res(VAULT, "dr-east", provider_props=EAST)
_continuous = rule("continuous", "cron(0 * * * ? *)", enableContinuousBackup=True)
_db = res(RDS, "db", provider_props=EAST, identifier="app-db", engine="postgres")
_data = res(BUCKET, "data", provider_props=EAST, bucket="data-1")
_replica = res(RDS, "replica", provider_props=WEST, replicateSourceDb="arn:aws:rds:us-east-1:1:db:app-db")
_dr_bucket = res(BUCKET, "data-replica", provider_props=WEST)
_by_deps = res(SELECTION, "sel", provider_props=EAST, property_dependencies={"resources": [_db.urn, _data.urn]})
_vpc = res(VPC, "vpc", provider_props=EAST, cidrBlock="10.30.0.0/16")
_dr_vpc = res(VPC, "dr-vpc", provider_props=WEST, cidrBlock="10.130.0.0/16")
_three = subnets(_vpc, "us-east-1a", "us-east-1b", "us-east-1c")


def selection(*arns, **kw):
    return res(SELECTION, "sel", provider_props=EAST, resources=list(arns), **kw)


CASES: list[Case] = [
    # backup-retention-matches-tier
    Case("backup-retention-matches-tier", False, (plan(rule(copies=[copy()]), _continuous),)),
    Case("backup-retention-matches-tier", False, (plan(rule(days=7)),), config={"days": 7}, note="dev-days"),
    Case("backup-retention-matches-tier", True, (plan(rule(days=7)),), note="short"),
    Case("backup-retention-matches-tier", True, (plan(rule(copies=[copy(days=7)])),), note="copy-short"),
    Case(
        "backup-retention-matches-tier",
        True,
        (plan({"ruleName": "forever", "schedule": "cron(0 3 * * ? *)"}),),
        note="no-lifecycle",
    ),
    Case("backup-retention-matches-tier", True, (plan(),), note="no-rules"),
    # rds-backup-retention-matches-tier
    Case("rds-backup-retention-matches-tier", False, (res(RDS, backupRetentionPeriod=30),)),
    Case(
        "rds-backup-retention-matches-tier",
        False,
        (res(RDS, backupRetentionPeriod=7),),
        config={"days": 7},
        note="dev-days",
    ),
    Case(
        "rds-backup-retention-matches-tier",
        False,
        (res(RDS, replicateSourceDb="src", backupRetentionPeriod=0),),
        note="replica-skipped",
    ),
    Case("rds-backup-retention-matches-tier", True, (res(RDS, backupRetentionPeriod=7),)),
    Case("rds-backup-retention-matches-tier", True, (res(RDS, engine="postgres"),), note="unset"),
    Case(
        "rds-backup-retention-matches-tier",
        True,
        (res("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", retentionPeriod=7),),
        note="replicated-backups",
    ),
    # backup-plan-frequency
    Case("backup-plan-frequency", False, (plan(rule()),), note="every-4-hours"),
    Case(
        "backup-plan-frequency",
        False,
        (plan(rule(schedule="cron(0 3 * * ? *)")),),
        config={"minRunsPerDay": 1},
        note="daily-for-dev",
    ),
    Case(
        "backup-plan-frequency",
        False,
        (plan(rule(schedule="cron(30 */2 * * ? *)")),),
        config={"minRunsPerDay": 12},
        note="star-step",
    ),
    Case(
        "backup-plan-frequency",
        False,
        (plan(rule(schedule="cron(0 8-17 * * ? *)")),),
        config={"minRunsPerDay": 10},
        note="range",
    ),
    Case(
        "backup-plan-frequency",
        False,
        (plan(rule(schedule="cron(0 1,13 * * ? *)"), rule("b", schedule="cron(0 7,19 * * ? *)")),),
        config={"minRunsPerDay": 4},
        note="rules-add-up",
    ),
    Case(
        "backup-plan-frequency",
        True,
        (plan(rule(schedule="cron(0 3 * * ? *)"), _continuous),),
        note="continuous-rule-not-counted",
    ),
    Case(
        "backup-plan-frequency",
        True,
        (plan(rule(schedule="cron(0 3 ? * SUN *)")),),
        config={"minRunsPerDay": 1},
        note="weekly",
    ),
    Case(
        "backup-plan-frequency",
        True,
        (plan(rule(schedule="rate(1 hour)")),),
        config={"minRunsPerDay": 1},
        note="unreadable",
    ),
    Case(
        "backup-plan-frequency",
        True,
        (plan(rule(schedule="cron(0 25 * * ? *)")),),
        config={"minRunsPerDay": 1},
        note="hour-out-of-range",
    ),
    Case("backup-plan-frequency", True, (plan(_continuous),), config={"minRunsPerDay": 1}, note="only-continuous"),
    # backup-continuous-for-database
    Case("backup-continuous-for-database", False, (plan(rule(), _continuous),)),
    Case("backup-continuous-for-database", False, (plan(rule()),), config={"required": False}, note="not-required"),
    Case("backup-continuous-for-database", True, (plan(rule()),)),
    # backup-copy-to-other-region
    Case("backup-copy-to-other-region", False, (_main, _dr, plan(rule(copies=[copy()]))), note="by-arn"),
    Case(
        "backup-copy-to-other-region",
        False,
        (_main, _dr, plan(rule(copies=[copy(arn=None)]), deps={"rules": [_main.urn, _dr.urn]})),
        note="arn-unknown-vault-by-dependency",
    ),
    Case("backup-copy-to-other-region", False, (plan(rule()),), config={"required": False}, note="not-required"),
    Case("backup-copy-to-other-region", True, (_main, _dr, plan(rule())), note="no-copy"),
    Case(
        "backup-copy-to-other-region",
        True,
        (_main, plan(rule(copies=[copy(arn="arn:aws:backup:us-east-1:123456789012:backup-vault:other")]))),
        note="same-region-arn",
    ),
    Case(
        "backup-copy-to-other-region",
        True,
        (_main, _east_dr, plan(rule(copies=[copy(arn=None)]), deps={"rules": [_main.urn, _east_dr.urn]})),
        note="same-region-by-dependency",
    ),
    Case("backup-copy-to-other-region", True, (plan(rule(copies=[copy()]), provider={}),), note="home-unknown"),
    # backup-vault-lock
    Case(
        "backup-vault-lock",
        False,
        (_main, res(LOCK, "lock", property_dependencies={"backupVaultName": [_main.urn]}, backupVaultName="x")),
        note="by-dependency",
    ),
    Case("backup-vault-lock", False, (_main, res(LOCK, "lock", backupVaultName="main-vault-1")), note="by-name"),
    Case("backup-vault-lock", False, (_main,), config={"required": False}, note="not-required"),
    Case("backup-vault-lock", True, (_main, _dr, res(LOCK, "lock", backupVaultName="main-vault-1"))),
    # backup-covers-stateful-resources
    Case(
        "backup-covers-stateful-resources",
        False,
        (_db, _data, _replica, _dr_bucket, _by_deps),
        note="by-dependency-dr-region-skipped",
    ),
    Case(
        "backup-covers-stateful-resources",
        False,
        (_db, _data, selection("arn:aws:rds:us-east-1:123456789012:db:app-db", "arn:aws:s3:::data-1")),
        note="by-arn",
    ),
    Case("backup-covers-stateful-resources", False, (_data, selection("arn:aws:s3:::*")), note="wildcard"),
    Case(
        "backup-covers-stateful-resources",
        False,
        (
            res(BUCKET, "b", provider_props={**EAST, "defaultTags": '{"tags": {"backup": "daily"}}'}),
            selection(selectionTags=[{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}]),
        ),
        note="by-default-tag",
    ),
    Case("backup-covers-stateful-resources", True, (_db, _data, selection("arn:aws:s3:::data-1")), note="db-missing"),
    Case("backup-covers-stateful-resources", True, (_db,), note="no-selection"),
    Case(
        "backup-covers-stateful-resources",
        True,
        (_data, selection("arn:aws:s3:::*", notResources=["arn:aws:s3:::data-*"])),
        note="excluded",
    ),
    Case(
        "backup-covers-stateful-resources",
        True,
        (_db, selection("arn:aws:rds:us-west-2:1:db:app-db")),
        note="arn-of-other-region",
    ),
    # rds-multi-az
    Case("rds-multi-az", False, (res(RDS, multiAz=True),)),
    Case("rds-multi-az", False, (res(RDS, replicateSourceDb="src"),), note="replica"),
    Case("rds-multi-az", False, (res(RDS, multiAz=False),), config={"required": False}, note="not-required"),
    Case("rds-multi-az", True, (res(RDS, multiAz=False),)),
    Case("rds-multi-az", True, (res(RDS, engine="postgres"),), note="unset"),
    # vpc-spans-min-azs
    Case(
        "vpc-spans-min-azs",
        False,
        (_vpc, *_three, _dr_vpc, *subnets(_dr_vpc, "us-west-2a", provider=WEST)),
        note="dr-vpc-ignored",
    ),
    Case("vpc-spans-min-azs", False, (_vpc, *_three[:2]), config={"minAzs": 2}, note="dev-two-azs"),
    Case(
        "vpc-spans-min-azs",
        False,
        (_vpc, *subnets(_vpc, "us-east-1a", "us-east-1b", "us-east-1c", vpc_id="vpc-1")),
        note="grouped-by-vpc-id",
    ),
    Case("vpc-spans-min-azs", True, (_vpc, *_three[:2], *subnets(_vpc, "us-east-1a")), note="two-azs"),
    Case("vpc-spans-min-azs", True, (_vpc,), note="no-subnets"),
    Case("vpc-spans-min-azs", True, (_vpc, *subnets(_vpc, "us-east-1a", vpc_id="vpc-1")), note="grouped-one-az"),
    # rds-deletion-protection
    Case("rds-deletion-protection", False, (res(RDS, deletionProtection=True),)),
    Case("rds-deletion-protection", False, (res(RDS),), config={"required": False}, note="not-required"),
    Case("rds-deletion-protection", True, (res(RDS, deletionProtection=False),)),
    Case("rds-deletion-protection", True, (res("aws:rds/cluster:Cluster"),), note="cluster-unset"),
    # rds-final-snapshot
    Case("rds-final-snapshot", False, (res(RDS, skipFinalSnapshot=False, finalSnapshotIdentifier="db-final"),)),
    Case("rds-final-snapshot", False, (res(RDS, replicateSourceDb="src", skipFinalSnapshot=True),), note="replica"),
    Case(
        "rds-final-snapshot",
        False,
        (res(RDS, skipFinalSnapshot=True),),
        config={"required": False},
        note="not-required",
    ),
    Case("rds-final-snapshot", True, (res(RDS, skipFinalSnapshot=True, finalSnapshotIdentifier="db-final"),)),
    Case("rds-final-snapshot", True, (res(RDS, skipFinalSnapshot=False),), note="no-identifier"),
    # stateful-resources-protected
    Case("stateful-resources-protected", False, (res(BUCKET, protect=True),)),
    Case("stateful-resources-protected", False, (res(VPC),), note="not-stateful"),
    Case("stateful-resources-protected", False, (res(BUCKET),), config={"required": False}, note="not-required"),
    Case("stateful-resources-protected", True, (res(BUCKET),)),
    Case("stateful-resources-protected", True, (res("aws:dynamodb/table:Table"),), note="table"),
    Case("stateful-resources-protected", True, (res(VPC),), config={"types": [VPC]}, note="types-from-config"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case):
    assert_case(RULES, case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_as_crossguard_sees_it(case):
    assert_case_as_crossguard_sees_it(RULES, case)


def test_primary_region_prefers_the_backup_selection():
    west_only = [res(BUCKET, f"b{i}", provider_props=WEST) for i in range(3)]
    assert resilience.primary_region([*west_only, selection()]) == "us-east-1"
    assert resilience.primary_region([*west_only, res(BUCKET, "e", provider_props=EAST)]) == "us-west-2"
    assert resilience.primary_region([res(BUCKET)]) is None
