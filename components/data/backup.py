"""AWS Backup: encrypted vaults, the backup plan and the selection of the platform's stateful resources."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from platform_core.tiers import BACKUP_COMPLETION_WINDOW, BACKUP_START_WINDOW

from ..config.model import PlatformConfig
from ..iam import service_trust

# Shared with the backup audit, which allows a job the same time to start; AWS Backup takes whole minutes.
START_WINDOW_MINUTES = int(BACKUP_START_WINDOW.total_seconds() // 60)
COMPLETION_WINDOW_MINUTES = int(BACKUP_COMPLETION_WINDOW.total_seconds() // 60)
CONTINUOUS_RULE = "continuous"
# A continuous rule still needs a schedule, for "maintenance and syncing" only, not a snapshot
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html, Tip):
# point-in-time restore comes from the continuous log. So it is exempt from the RDS-window clearance.
HOURLY = "cron(0 * * * ? *)"
# Vault lock upper bound: a typo in a plan cannot make recovery points undeletable for decades.
MAX_LOCKED_RETENTION_DAYS = 365
# Governance grace period: the lock can be changed or removed for 3 days, then turns into compliance mode
# and is immutable, even for the root user. 3 is the minimum AWS accepts.
LOCK_CHANGEABLE_FOR_DAYS = 3

_MANAGED_POLICIES = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    # The S3 policies live at the root of the AWS-managed namespace, not under service-role/.
    "s3-backup": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
}


@dataclass(frozen=True)
class BackupArgs:
    config: PlatformConfig
    backups_key_arn: Input[str]
    dr_key_arn: Input[str] | None
    dr_provider: aws.Provider | None
    protected_resources: dict[str, Input[str]]  # stable key -> ARN


class Backup(pulumi.ComponentResource):
    vault: aws.backup.Vault
    dr_vault: aws.backup.Vault | None
    plan: aws.backup.Plan
    selection: aws.backup.Selection
    vault_name: Output[str]
    vault_arn: Output[str]
    dr_vault_arn: Output[str] | None
    plan_id: Output[str]

    def __init__(self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:backup:Backup", name, None, opts)
        settings = args.config.backup
        if settings.copy_to_dr and (args.dr_provider is None or args.dr_key_arn is None):
            raise ValueError("backup.copyToDr needs the DR provider and the DR KMS key")
        if settings.continuous_database_backup and CONTINUOUS_RULE in settings.schedules:
            raise ValueError(
                f"backup.schedules may not name a rule {CONTINUOUS_RULE!r}: it is reserved for continuousDatabaseBackup"
            )

        self.vault = self._vault(f"{name}-vault", args.backups_key_arn, args)
        self.dr_vault = (
            self._vault(f"{name}-dr-vault", args.dr_key_arn, args, provider=args.dr_provider)
            if settings.copy_to_dr
            else None
        )
        # Fixed names (plan and selection): a replacement must delete the old one before the new one takes it.
        self.plan = aws.backup.Plan(
            f"{name}-plan",
            name=f"{args.config.name_prefix}-plan",
            rules=self._rules(args),
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.selection = self._selection(name, args)

        self.vault_name = self.vault.name
        self.vault_arn = self.vault.arn
        self.dr_vault_arn = self.dr_vault.arn if self.dr_vault else None
        self.plan_id = self.plan.id
        self.register_outputs(
            {
                "vaultName": self.vault_name,
                "vaultArn": self.vault_arn,
                "drVaultArn": self.dr_vault_arn,
                "planId": self.plan_id,
            }
        )

    def _vault(
        self, name: str, key_arn: Input[str] | None, args: BackupArgs, provider: aws.Provider | None = None
    ) -> aws.backup.Vault:
        vault = aws.backup.Vault(
            name,
            kms_key_arn=key_arn,
            opts=pulumi.ResourceOptions(parent=self, provider=provider, protect=args.config.protect_stateful),
        )
        if args.config.backup.vault_lock:
            # Recovery points younger than the minimum cannot be deleted, by anyone, in either vault; a job whose
            # retention is shorter fails. The minimum is the tier's standard retention, never the configured one:
            # once the grace period is over the lock is immutable
            # (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), so a minimum that
            # followed a lowered retention would fail every later deploy. The config refuses a lower retention.
            aws.backup.VaultLockConfiguration(
                f"{name}-lock",
                backup_vault_name=vault.name,
                min_retention_days=args.config.standard_retention_days,
                max_retention_days=MAX_LOCKED_RETENTION_DAYS,
                changeable_for_days=LOCK_CHANGEABLE_FOR_DAYS,
                # One lock per vault: created before the old one is deleted, the deletion would unlock the vault.
                opts=pulumi.ResourceOptions(parent=self, provider=provider, delete_before_replace=True),
            )
        return vault

    def _rules(self, args: BackupArgs) -> list[aws.backup.PlanRuleArgs]:
        settings = args.config.backup
        rules = [self._rule(rule_name, schedule, args) for rule_name, schedule in settings.schedules.items()]
        if settings.continuous_database_backup:
            rules.append(self._rule(CONTINUOUS_RULE, HOURLY, args, continuous=True))
        return rules

    def _rule(
        self, rule_name: str, schedule: str, args: BackupArgs, *, continuous: bool = False
    ) -> aws.backup.PlanRuleArgs:
        retention = args.config.backup.retention_days
        copy_actions = None
        if self.dr_vault is not None:
            copy_actions = [
                aws.backup.PlanRuleCopyActionArgs(
                    destination_vault_arn=self.dr_vault.arn,
                    lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(delete_after=retention),
                )
            ]
        return aws.backup.PlanRuleArgs(
            rule_name=rule_name,
            target_vault_name=self.vault.name,
            schedule=schedule,
            schedule_expression_timezone="Etc/UTC",
            start_window=START_WINDOW_MINUTES,
            completion_window=COMPLETION_WINDOW_MINUTES,
            enable_continuous_backup=True if continuous else None,
            lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=retention),
            copy_actions=copy_actions,
        )

    def _selection(self, name: str, args: BackupArgs) -> aws.backup.Selection:
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=service_trust("backup.amazonaws.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-role-{policy}", role=role.name, policy_arn=policy_arn, opts=pulumi.ResourceOptions(parent=self)
            )
            for policy, policy_arn in _MANAGED_POLICIES.items()
        ]
        resources = [args.protected_resources[key] for key in sorted(args.protected_resources)]
        # A job started before the policies are attached fails on permissions, not on anything visible here.
        return aws.backup.Selection(
            f"{name}-selection",
            name=f"{args.config.name_prefix}-stateful",
            iam_role_arn=role.arn,
            plan_id=self.plan.id,
            resources=resources,
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments, delete_before_replace=True),
        )
