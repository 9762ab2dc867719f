"""`platformctl backup audit`: does the live AWS Backup setup protect what the stack declares?

Reads the account (read-only calls) and compares it with the stack outputs and the tier's policy: vaults exist
and are encrypted, the plan's rules keep, schedule and copy what the tier requires, every stateful resource is
selected, and the newest recovery points (and, with a DR vault, their DR copies) are recent enough.

Exit status: 0 clean, 1 at least one finding, 2 bad usage (outputs file, tier, --now, no AWS access).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from platform_core.aws_cron import runs_per_day

from .ops_outputs import aws_client, load_outputs
from .project import UsageError
from .timestamps import parse_utc

EXIT_CLEAN, EXIT_FINDINGS = 0, 1
ERROR, WARNING = "error", "warning"
REQUIRED_OUTPUTS = ("backupVaultName", "backupPlanId", "databaseArn", "dataBucket", "logsBucket")
USABLE = frozenset({"COMPLETED", "AVAILABLE"})  # PARTIAL, EXPIRED, STOPPED, ... cannot be trusted for a restore
NOT_FOUND = frozenset({"ResourceNotFoundException"})
# A copy starts once its backup completes: the plan's completion window (3 h, components/backup.py) plus the copy.
COPY_GRACE = timedelta(hours=4)
# Daily rules may start anywhere in their 60-minute start window, so a healthy daily point can be 25 h old.
DAILY_RPO = timedelta(hours=24) + timedelta(hours=1)


@dataclass(frozen=True)
class TierPolicy:
    retention_days: int  # components/config.py STANDARD_RETENTION_DAYS (the platform documentation)
    rpo: timedelta  # the newest usable recovery point must be younger than this
    min_runs_per_day: int  # snapshot runs every day, summed over the scheduled (non-continuous) rules
    continuous: bool  # a rule with EnableContinuousBackup: point-in-time restore
    dr_copies: bool  # the stack must declare a DR vault and every rule copy to it


TIER_POLICIES: dict[str, TierPolicy] = {
    "dev": TierPolicy(retention_days=7, rpo=DAILY_RPO, min_runs_per_day=1, continuous=False, dr_copies=False),
    "staging": TierPolicy(retention_days=14, rpo=DAILY_RPO, min_runs_per_day=1, continuous=False, dr_copies=False),
    # RPO 15 min needs continuous backup; snapshots every <= 6 h bound the loss if continuity ever lapses.
    "prod": TierPolicy(
        retention_days=30, rpo=timedelta(minutes=15), min_runs_per_day=4, continuous=True, dr_copies=True
    ),
}


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str
    resource: str
    finding: str
    expected: str


@dataclass(frozen=True)
class Declared:
    """What the stack outputs say should exist."""

    stack: str
    tier: str
    region: str
    vault_name: str
    plan_id: str
    resources: tuple[str, ...]  # ARNs of the stateful resources the plan must protect
    key_arn: str | None
    dr_vault_arn: str | None  # arn:aws:backup:<dr region>:<account>:backup-vault:<name>, or None (no DR copies)
    dr_region: str | None
    dr_vault_name: str | None


@dataclass
class Audit:
    declared: Declared
    policy: TierPolicy
    now: datetime
    findings: list[Finding] = field(default_factory=list)
    checked: list[dict[str, str]] = field(default_factory=list)

    def add(self, severity: str, check: str, resource: str, finding: str, expected: str) -> None:
        self.findings.append(Finding(severity, check, resource, finding, expected))

    def check(self, check: str, resource: str) -> None:
        self.checked.append({"check": check, "resource": resource})

    def read(
        self, check: str, resource: str, call: Any, missing: tuple[str, str] | None = None, **params: Any
    ) -> dict[str, Any] | None:
        """One AWS read. Not-found (with `missing` = finding, expected) and denied reads become findings, not
        aborts: the audit still covers everything else, and what it could not verify never passes silently."""
        from botocore.exceptions import ClientError

        try:
            return call(**params)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "?")
            if missing and code in NOT_FOUND:
                self.add(ERROR, check, resource, *missing)
            else:
                operation = getattr(error, "operation_name", "?")
                self.add(
                    ERROR,
                    check,
                    resource,
                    f"cannot read it: {operation} failed with {code}",
                    f"read access for the audit ({operation})",
                )
            return None


def add_parser(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser("backup", help="AWS Backup operations on a deployed stack.")
    actions = backup.add_subparsers(dest="backup_command", metavar="ACTION", required=True, parser_class=type(backup))
    audit = actions.add_parser("audit", help="Compare the live AWS Backup setup with the stack (exit 1 on findings).")
    audit.add_argument("--stack", required=True, help="Stack name, for the report.")
    audit.add_argument(
        "--outputs",
        type=Path,
        required=True,
        metavar="FILE",
        help="JSON of `pulumi stack output --json` for the stack.",
    )
    audit.add_argument("--tier", choices=list(TIER_POLICIES), help="Tier to audit against (default: outputs.tier).")
    audit.add_argument("--json", action="store_true", help='Print {"stack", "findings", "checked"} as JSON.')
    audit.add_argument("--now", metavar="ISO-TIME", help="Time to measure recovery-point ages from (default: now).")
    audit.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError

    now = parse_now(args.now) if args.now else datetime.now(UTC)
    declared = declared_from(args.stack, load_outputs(args.outputs, REQUIRED_OUTPUTS), args.tier)
    try:
        audit = audit_stack(declared, now)
    except BotoCoreError as error:  # no credentials, no endpoint: nothing was audited
        raise UsageError(f"cannot audit stack {args.stack!r}: {error}") from None
    if args.json:
        print(
            json.dumps(
                {"stack": declared.stack, "findings": [asdict(f) for f in audit.findings], "checked": audit.checked},
                indent=2,
            )
        )
    else:
        print(report(audit))
    return EXIT_FINDINGS if audit.findings else EXIT_CLEAN


def parse_now(text: str) -> datetime:
    return parse_utc(text, "--now")


def declared_from(stack: str, outputs: dict[str, Any], tier: str | None) -> Declared:
    tier = tier or outputs.get("tier")
    if tier not in TIER_POLICIES:
        raise UsageError(
            f"stack {stack!r}: tier {tier!r} (outputs.tier or --tier) must be one of {', '.join(TIER_POLICIES)}"
        )
    database_arn = str(outputs["databaseArn"])
    partition, region = database_arn.split(":")[1], database_arn.split(":")[3]
    buckets = tuple(f"arn:{partition}:s3:::{outputs[key]}" for key in ("dataBucket", "logsBucket"))
    dr_vault_arn = outputs.get("drBackupVaultArn") or None
    if dr_vault_arn and not re.fullmatch(r"arn:[\w-]+:backup:[\w-]+:\d+:backup-vault:[\w-]+", dr_vault_arn):
        raise UsageError(f"stack {stack!r}: drBackupVaultArn {dr_vault_arn!r} is not a backup vault ARN")
    return Declared(
        stack=stack,
        tier=tier,
        region=outputs.get("primaryRegion") or region,
        vault_name=outputs["backupVaultName"],
        plan_id=outputs["backupPlanId"],
        resources=(database_arn, *buckets),
        key_arn=outputs.get("backupKeyArn"),
        dr_vault_arn=dr_vault_arn,
        dr_region=dr_vault_arn.split(":")[3] if dr_vault_arn else None,
        dr_vault_name=dr_vault_arn.rsplit(":", 1)[-1] if dr_vault_arn else None,
    )


def audit_stack(declared: Declared, now: datetime) -> Audit:
    audit = Audit(declared, TIER_POLICIES[declared.tier], now)
    backup = aws_client("backup", declared.region)
    dr_backup = aws_client("backup", declared.dr_region) if declared.dr_region else None
    # Without a plan, its selections, and without a vault, its recovery points, would only repeat that finding.
    vault_found = check_vault(audit, backup, declared.vault_name, declared.region, declared.key_arn)
    if dr_backup is not None and declared.dr_vault_name:
        if not check_vault(audit, dr_backup, declared.dr_vault_name, str(declared.dr_region), None):
            dr_backup = None
    elif audit.policy.dr_copies:
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
    declared, policy = audit.declared, audit.policy
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
    if runs < policy.min_runs_per_day:
        audit.add(
            ERROR,
            "schedule",
            name,
            f"{runs} scheduled backup(s) every day",
            f"at least {policy.min_runs_per_day} a day ({declared.tier} tier)",
        )
    if policy.continuous and len(snapshot_rules) == len(plan.get("Rules", [])):
        audit.add(
            ERROR,
            "continuous-backup",
            name,
            "no rule has EnableContinuousBackup",
            f"a continuous-backup rule (RPO {_duration(policy.rpo)})",
        )
    return True


def _check_rule(audit: Audit, resource: str, rule: dict[str, Any]) -> None:
    declared, policy = audit.declared, audit.policy
    audit.check("plan-rule", resource)
    expected_days = f"{policy.retention_days} days ({declared.tier} tier)"
    days = rule.get("Lifecycle", {}).get("DeleteAfterDays")
    if days != policy.retention_days:
        # Shorter loses restores early; longer (or forever) costs money and breaks the documented retention.
        severity = ERROR if days is not None and days < policy.retention_days else WARNING
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
        if copy_days != policy.retention_days:
            audit.add(WARNING, "retention", resource, f"keeps DR copies {_days(copy_days)}", expected_days)


def check_selections(audit: Audit, backup: Any) -> None:
    declared = audit.declared
    listed = audit.read(
        "selection", declared.plan_id, _paginated(backup, "list_backup_selections"), BackupPlanId=declared.plan_id
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


def check_recovery_points(audit: Audit, backup: Any, dr_backup: Any, resource: str) -> None:
    declared, policy = audit.declared, audit.policy
    audit.check("recovery-point", resource)
    listed = audit.read(
        "recovery-point", resource, _paginated(backup, "list_recovery_points_by_resource"), ResourceArn=resource
    )
    if listed is None:
        return
    points = [
        p
        for p in listed.get("RecoveryPoints", [])
        if p.get("BackupVaultName") == declared.vault_name and p.get("Status") in USABLE
    ]
    expected = f"younger than {_duration(policy.rpo)} ({declared.tier} RPO)"
    if not points:
        audit.add(
            ERROR, "recovery-point", resource, f"no usable recovery point in vault {declared.vault_name}", expected
        )
        return
    newest = max(_point_time(point, audit.now) for point in points)
    if audit.now - newest > policy.rpo:
        audit.add(
            ERROR,
            "recovery-point",
            resource,
            f"newest recovery point is {_duration(audit.now - newest)} old (completed "
            f"{newest.astimezone(UTC):%Y-%m-%d %H:%M} UTC)",
            expected,
        )
    if dr_backup is not None:
        _check_dr_copy(audit, dr_backup, resource, points)


def _check_dr_copy(audit: Audit, dr_backup: Any, resource: str, points: list[dict[str, Any]]) -> None:
    """The newest point old enough to have been copied must have a copy in the DR vault."""
    declared = audit.declared
    due = [p for p in points if p["CreationDate"] <= audit.now - COPY_GRACE]
    if not due:
        return  # every point is younger than a copy takes: nothing can be expected in the DR vault yet
    source = max(due, key=lambda point: point["CreationDate"])
    audit.check("dr-copy", resource)
    listed = audit.read(
        "dr-copy",
        resource,
        _paginated(dr_backup, "list_recovery_points_by_backup_vault"),
        BackupVaultName=declared.dr_vault_name,
        ByResourceArn=resource,
    )
    if listed is None:
        return
    copies = [
        c
        for c in listed.get("RecoveryPoints", [])
        if c.get("Status") in USABLE and c["CreationDate"] >= source["CreationDate"]
    ]
    if not copies:
        audit.add(
            ERROR,
            "dr-copy",
            resource,
            f"recovery point of {source['CreationDate']:%Y-%m-%d %H:%M} UTC has no copy in the DR vault",
            f"a copy in {declared.dr_vault_arn} within {_duration(COPY_GRACE)}",
        )


def _point_time(point: dict[str, Any], now: datetime) -> datetime:
    # A continuous recovery point keeps absorbing changes while it is usable (AWS marks it STOPPED when the
    # continuity breaks), so it is as fresh as now; a snapshot is as old as its completion.
    if ":continuous:" in point.get("RecoveryPointArn", ""):
        return now
    return point.get("CompletionDate") or point["CreationDate"]


def _paginated(client: Any, operation: str) -> Any:
    return lambda **params: client.get_paginator(operation).paginate(**params).build_full_result()


def _days(days: int | None) -> str:
    return "forever" if days is None else f"{days} days"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{mins} min" if mins else ""]
    return " ".join(part for part in parts if part) or "0 min"


def report(audit: Audit) -> str:
    declared = audit.declared
    head = f"backup audit of stack {declared.stack} ({declared.tier}, {declared.region}): "
    if not audit.findings:
        return head + f"clean, {len(audit.checked)} checks passed"
    rows = [("SEVERITY", "CHECK", "RESOURCE", "FINDING", "EXPECTED")]
    rows += [(f.severity, f.check, f.resource, f.finding, f.expected) for f in audit.findings]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[4]]) for row in rows
    ]
    return "\n".join([head + f"{len(audit.findings)} finding(s)", *lines])
