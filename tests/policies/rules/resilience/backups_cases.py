"""Cases for backup retention, frequency, copies and locks (platform_policies/rules/resilience/backups.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
RDS = "aws:rds/instance:Instance"
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


_main = res(VAULT, "main", provider_props=EAST, name="main-vault-1")
_dr = res(VAULT, "dr", provider_props=WEST, name="dr-vault-1")
_east_dr = res(VAULT, "dr-east", provider_props=EAST)
_continuous = rule("continuous", "cron(0 * * * ? *)", enableContinuousBackup=True)

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
    Case("backup-copy-to-other-region", True, (_main, _dr, plan(rule())), note="no-copy", offender="plan"),
    Case(
        "backup-copy-to-other-region",
        True,
        (_main, plan(rule(copies=[copy(arn="arn:aws:backup:us-east-1:123456789012:backup-vault:other")]))),
        note="same-region-arn",
        offender="plan",
    ),
    Case(
        "backup-copy-to-other-region",
        True,
        (_main, _east_dr, plan(rule(copies=[copy(arn=None)]), deps={"rules": [_main.urn, _east_dr.urn]})),
        note="same-region-by-dependency",
        offender="plan",
    ),
    Case(
        "backup-copy-to-other-region",
        True,
        (plan(rule(copies=[copy()]), provider={}),),
        note="home-unknown",
        offender="plan",
    ),
    # backup-vault-lock
    Case(
        "backup-vault-lock",
        False,
        (_main, res(LOCK, "lock", property_dependencies={"backupVaultName": [_main.urn]}, backupVaultName="x")),
        note="by-dependency",
    ),
    Case("backup-vault-lock", False, (_main, res(LOCK, "lock", backupVaultName="main-vault-1")), note="by-name"),
    Case("backup-vault-lock", False, (_main,), config={"required": False}, note="not-required"),
    Case("backup-vault-lock", True, (_main, _dr, res(LOCK, "lock", backupVaultName="main-vault-1")), offender="dr"),
]
