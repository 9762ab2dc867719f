"""The backup audit: does the live AWS Backup setup protect what the stack declares?

Reads the account (read-only calls) and compares it with the stack outputs and the tier's facts
(platform_core.tiers: the numbers the program deploys and the policy pack checks): vaults exist and are
encrypted, the plan's rules keep, schedule and copy what the tier requires, every stateful resource is selected,
and the newest recovery points (and, with a DR vault, their DR copies) are recent enough.
"""

from __future__ import annotations

from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from platform_core.aws_cron import runs_per_day
from platform_core.tiers import facts_for

from .backup_declared import Declared
from .backup_findings import ERROR, WARNING, Audit, duration, paginated
from .backup_recovery_points import check_recovery_points
from .outputs import aws_client


def audit_stack(declared: Declared, now: datetime) -> Audit:
    audit = Audit(declared, facts_for(declared.tier), now)
    backup = aws_client("backup", declared.region)
    dr_backup = aws_client("backup", declared.dr_region) if declared.dr_region else None
    # Without a plan, its selections, and without a vault, its recovery points, would only repeat that finding.
    vault_found = check_vault(audit, backup, declared.vault_name, declared.region, declared.key_arn)
    if dr_backup is not None and declared.dr_vault_name:
        if not check_vault(audit, dr_backup, declared.dr_vault_name, str(declared.dr_region), None):
            dr_backup = None
    elif audit.facts.backups_copied_to_dr:
        audit.add(
            ERROR,
            "dr-vault",
            declared.stack,
            "the stack declares no DR vault (drBackupVaultArn)",
            f"a DR vault: the {declared.tier} tier copies every recovery point to the DR region",
        )
    if check_plan(audit, backup):
        check_selections(audit, backup)
    for resource in declared.resources if vault_found else ():
        check_recovery_points(audit, backup, dr_backup, resource)
    return audit


def check_vault(audit: Audit, backup: Any, name: str, region: str, key_arn: str | None) -> bool:
    """Checks the vault's encryption; False when the vault could not be read."""
    resource = f"{name} ({region})"
    audit.check("vault", resource)
    vault = audit.read(
        "vault",
        resource,
        backup.describe_backup_vault,
        BackupVaultName=name,
        missing=("backup vault does not exist", "an encrypted backup vault"),
    )
    if vault is None:
        return False
    actual = vault.get("EncryptionKeyArn")
    if not actual:
        audit.add(ERROR, "vault-encryption", resource, "vault has no KMS encryption key", key_arn or "a KMS key")
    elif key_arn and actual != key_arn:
        audit.add(ERROR, "vault-encryption", resource, f"vault is encrypted with {actual}", key_arn)
    return True


def check_plan(audit: Audit, backup: Any) -> bool:
    """Checks the plan's rules; False when there is no (live) plan to check."""
    declared, facts = audit.declared, audit.facts
    audit.check("plan", declared.plan_id)
    response = audit.read(
        "plan",
        declared.plan_id,
        backup.get_backup_plan,
        BackupPlanId=declared.plan_id,
        missing=("backup plan does not exist", "the plan named by backupPlanId"),
    )
    if response is None:
        return False
    if response.get("DeletionDate"):  # AWS keeps answering for a deleted plan; it just stops running
        audit.add(
            ERROR,
            "plan",
            declared.plan_id,
            f"backup plan was deleted ({response['DeletionDate']:%Y-%m-%d})",
            "the plan named by backupPlanId",
        )
        return False
    plan = response["BackupPlan"]
    name = plan.get("BackupPlanName", declared.plan_id)
    for rule in plan.get("Rules", []):
        _check_rule(audit, f"{name}/{rule['RuleName']}", rule)
    snapshot_rules = [rule for rule in plan.get("Rules", []) if not rule.get("EnableContinuousBackup")]
    runs = 0
    for rule in snapshot_rules:
        count = runs_per_day(rule.get("ScheduleExpression", ""))
        if count is None:
            audit.add(
                WARNING,
                "schedule",
                f"{name}/{rule['RuleName']}",
                f"cannot read schedule {rule.get('ScheduleExpression')!r}",
                "an AWS cron(...) expression",
            )
        runs += count or 0
    if runs < facts.backup_runs_per_day:
        audit.add(
            ERROR,
            "schedule",
            name,
            f"{runs} scheduled backup(s) every day",
            f"at least {facts.backup_runs_per_day} a day ({declared.tier} tier)",
        )
    if facts.continuous_database_backup and len(snapshot_rules) == len(plan.get("Rules", [])):
        audit.add(
            ERROR,
            "continuous-backup",
            name,
            "no rule has EnableContinuousBackup",
            f"a continuous-backup rule (RPO {duration(facts.rpo)})",
        )
    return True


def _check_rule(audit: Audit, resource: str, rule: dict[str, Any]) -> None:
    declared, facts = audit.declared, audit.facts
    audit.check("plan-rule", resource)
    expected_days = f"{facts.backup_retention_days} days ({declared.tier} tier)"
    days = rule.get("Lifecycle", {}).get("DeleteAfterDays")
    if days != facts.backup_retention_days:
        # Shorter loses restores early; longer (or forever) costs money and breaks the documented retention.
        severity = ERROR if days is not None and days < facts.backup_retention_days else WARNING
        audit.add(severity, "retention", resource, f"keeps recovery points {_days(days)}", expected_days)
    if rule.get("TargetBackupVaultName") != declared.vault_name:
        audit.add(
            ERROR,
            "target-vault",
            resource,
            f"backs up into vault {rule.get('TargetBackupVaultName')!r}",
            f"vault {declared.vault_name!r}",
        )
    if not declared.dr_vault_arn:
        return
    copies = [c for c in rule.get("CopyActions", []) if c.get("DestinationBackupVaultArn") == declared.dr_vault_arn]
    if not copies:
        audit.add(
            ERROR,
            "dr-copy-action",
            resource,
            "does not copy recovery points to the DR vault",
            f"a copy action to {declared.dr_vault_arn}",
        )
    for copy in copies:
        copy_days = copy.get("Lifecycle", {}).get("DeleteAfterDays")
        if copy_days != facts.backup_retention_days:
            audit.add(WARNING, "retention", resource, f"keeps DR copies {_days(copy_days)}", expected_days)


def check_selections(audit: Audit, backup: Any) -> None:
    declared = audit.declared
    listed = audit.read(
        "selection", declared.plan_id, paginated(backup, "list_backup_selections"), BackupPlanId=declared.plan_id
    )
    if listed is None:
        return
    selections = []
    for summary in listed.get("BackupSelectionsList", []):
        got = audit.read(
            "selection",
            summary.get("SelectionName", summary["SelectionId"]),
            backup.get_backup_selection,
            BackupPlanId=declared.plan_id,
            SelectionId=summary["SelectionId"],
        )
        if got is not None:
            selections.append(got["BackupSelection"])
    by_tags = any(s.get("ListOfTags") or s.get("Conditions", {}).get("StringEquals") for s in selections)
    for resource in declared.resources:
        audit.check("selection", resource)
        if not any(_selects(selection, resource) for selection in selections):
            note = " (tag-based selections are not evaluated)" if by_tags else ""
            audit.add(
                ERROR,
                "selection",
                resource,
                f"no selection of plan {declared.plan_id} selects it{note}",
                "listed in a backup selection's Resources",
            )


def _selects(selection: dict[str, Any], arn: str) -> bool:
    return any(fnmatchcase(arn, pattern) for pattern in selection.get("Resources", [])) and not any(
        fnmatchcase(arn, pattern) for pattern in selection.get("NotResources", [])
    )


def _days(days: int | None) -> str:
    return "forever" if days is None else f"{days} days"
