"""Backups: retention and frequency per tier, continuous backup, cross-region copies, vault lock.

Tier-dependent values (retention days, runs per day, what is required) come from config, generated from
the tier facts (platform_policies.tier_config); the defaults are the prod tier's facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from platform_core.aws_cron import daily_times
from platform_core.tiers import FACTS, Tier

from ...aws_resources import is_read_replica, region_of
from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import (
    BACKUP_PLAN,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    RDS_BACKUPS_REPLICATION,
    RDS_DATABASES,
)
from ...values import as_list, shown

_BACKUP_ARN_REGION = re.compile(r"^arn:[\w-]+:backup:([a-z0-9-]+):")
_STRICTEST = FACTS[Tier.PROD]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rules(plan: Resource) -> list[Mapping[str, Any]]:
    return [rule for rule in as_list(plan.get("rules")) if isinstance(rule, Mapping)]


def _plan_retention(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    days = config["days"]
    if not _rules(resource):
        yield f"backup plan has no rules; expected rules keeping recovery points {days} days"
    for rule in _rules(resource):
        name = rule.get("ruleName", "?")
        kept = (rule.get("lifecycle") or {}).get("deleteAfter")
        if _number(kept) != days:
            yield f"rule {name}: lifecycle.deleteAfter is {shown(kept)}; expected {days} days"
        for copy in (c for c in as_list(rule.get("copyActions")) if isinstance(c, Mapping)):
            kept = (copy.get("lifecycle") or {}).get("deleteAfter")
            if _number(kept) != days:
                yield (
                    f"rule {name}: the copy to {copy.get('destinationVaultArn') or 'another vault'} has "
                    f"lifecycle.deleteAfter {shown(kept)}; expected {days} days"
                )


def _rds_retention(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if resource.type == RDS_BACKUPS_REPLICATION:
        key = "retentionPeriod"
    elif is_read_replica(resource):
        return
    else:
        key = "backupRetentionPeriod"
    value = resource.get(key)
    if _number(value) != config["days"]:
        yield f"{key} is {shown(value)}; expected {config['days']} days"


def _plan_frequency(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    minimum = config["minRunsPerDay"]
    snapshot_rules = [rule for rule in _rules(resource) if rule.get("enableContinuousBackup") is not True]
    times: set[tuple[int, int]] = set()
    for rule in snapshot_rules:
        parsed = daily_times(rule.get("schedule"))
        if parsed is None:
            yield (
                f"rule {rule.get('ruleName', '?')}: schedule {shown(rule.get('schedule'))} is not a readable "
                "cron(minute hour day-of-month month day-of-week year) expression"
            )
        times |= parsed or set()
    if len(times) < minimum:
        schedules = ", ".join(str(rule.get("schedule")) for rule in snapshot_rules) or "no snapshot rule"
        yield f"snapshot rules run {len(times)} time(s) a day ({schedules}); expected at least {minimum}"


def _continuous(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not config["required"]:
        return
    if not any(rule.get("enableContinuousBackup") is True for rule in _rules(resource)):
        names = ", ".join(str(rule.get("ruleName", "?")) for rule in _rules(resource)) or "none"
        yield f"no rule (rules: {names}) sets enableContinuousBackup=true; expected continuous backup for databases"


def _copy_other_region(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    if not config["required"]:
        return
    vaults = of_type(resources, BACKUP_VAULT)
    for plan in of_type(resources, BACKUP_PLAN):
        label = plan.get("name") or plan.name
        # Plan.rules depends on every vault it names: the targets and the copies' destinations.
        rule_vaults = [v for v in vaults if v.urn in plan.property_dependencies.get("rules", ())]
        for rule in _rules(plan):
            name, target_name = rule.get("ruleName", "?"), rule.get("targetVaultName")
            target = next((v for v in vaults if target_name and v.get("name") == target_name), None)
            home = region_of(target) if target else region_of(plan)
            copies = [c for c in as_list(rule.get("copyActions")) if isinstance(c, Mapping)]
            if home is None:
                yield Violation(
                    f"plan {label} rule {name}: the region of target vault {target_name} is unknown, so "
                    "a cross-region copy can't be verified",
                    plan.urn,
                )
                continue
            if not copies:
                yield Violation(
                    f"plan {label} rule {name} has no copyActions; expected a copy to a vault outside {home}", plan.urn
                )
                continue
            # Dependencies first: a new vault's ARN is unknown during preview.
            regions = {region_of(v) for v in rule_vaults if v is not target}
            if not any(region and region != home for region in regions):
                arns = [copy.get("destinationVaultArn") for copy in copies]
                regions = {m.group(1) for arn in arns if isinstance(arn, str) and (m := _BACKUP_ARN_REGION.match(arn))}
            if not any(region and region != home for region in regions):
                shown_regions = ", ".join(sorted(r for r in regions if r)) or "unknown"
                yield Violation(
                    f"plan {label} rule {name} copies only to region(s) {shown_regions}; expected a vault "
                    f"outside {home}",
                    plan.urn,
                )


def _vault_lock(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    if not config["required"]:
        return
    locks = of_type(resources, BACKUP_VAULT_LOCK)
    for vault in of_type(resources, BACKUP_VAULT):
        if not any(refers_to(lock, "backupVaultName", vault) for lock in locks):
            yield Violation(
                f"backup vault {vault.get('name') or vault.name} has no "
                "aws.backup.VaultLockConfiguration; expected its recovery points locked",
                vault.urn,
            )


_BACKUP = ("A1.2", "CC7.5")

RULES: list[Rule] = [
    Rule(
        name="backup-retention-matches-tier",
        description="Backup plan rules and their copies keep recovery points exactly the tier's retention.",
        severity="medium",
        remediation="Set `lifecycle.delete_after` on every aws.backup.Plan rule and on each of its `copy_actions` to "
        "the tier's retention (config `days`).",
        soc2=("A1.2", "C1.2"),
        config={"days": _STRICTEST.backup_retention_days},
        resource_types=(BACKUP_PLAN,),
        resource_check=_plan_retention,
    ),
    Rule(
        name="rds-backup-retention-matches-tier",
        description="RDS automated backups (and their cross-region replication) keep the tier's retention.",
        severity="medium",
        remediation="Set `backup_retention_period` on aws.rds.Instance / aws.rds.Cluster (read replicas excepted) "
        "and `retention_period` on aws.rds.InstanceAutomatedBackupsReplication to config `days`.",
        soc2=("A1.2", "C1.2"),
        config={"days": _STRICTEST.backup_retention_days},
        resource_types=(*RDS_DATABASES, RDS_BACKUPS_REPLICATION),
        resource_check=_rds_retention,
    ),
    Rule(
        name="backup-plan-frequency",
        description="A backup plan's snapshot rules run at least the tier's number of times a day.",
        severity="medium",
        remediation=f'Give an aws.backup.Plan rule a `schedule` such as "{_STRICTEST.backup_schedule}" '
        f"({_STRICTEST.backup_runs_per_day} runs a day) so that its non-continuous rules together reach config "
        "`minRunsPerDay`.",
        soc2=_BACKUP,
        config={"minRunsPerDay": _STRICTEST.backup_runs_per_day},
        resource_types=(BACKUP_PLAN,),
        resource_check=_plan_frequency,
    ),
    Rule(
        name="backup-continuous-for-database",
        description="Where required, a backup plan has a continuous-backup (point-in-time recovery) rule.",
        severity="medium",
        remediation="Add an aws.backup.Plan rule with `enable_continuous_backup=True` (retention at most 35 days).",
        soc2=_BACKUP,
        config={"required": _STRICTEST.continuous_database_backup},
        resource_types=(BACKUP_PLAN,),
        resource_check=_continuous,
    ),
    Rule(
        name="backup-copy-to-other-region",
        description="Where required, every backup plan rule copies its recovery points to a vault in another region.",
        severity="high",
        remediation="Add `copy_actions=[aws.backup.PlanRuleCopyActionArgs(destination_vault_arn=<DR vault>.arn, "
        "lifecycle=...)]` to every aws.backup.Plan rule, the DR aws.backup.Vault using a provider for "
        "another region.",
        soc2=_BACKUP,
        config={"required": _STRICTEST.backups_copied_to_dr},
        resource_types=(BACKUP_PLAN, BACKUP_VAULT),
        stack_check=_copy_other_region,
    ),
    Rule(
        name="backup-vault-lock",
        description="Where required, every backup vault has a vault lock configuration.",
        severity="medium",
        remediation="Add an aws.backup.VaultLockConfiguration with `backup_vault_name=<vault>.name` and "
        "`min_retention_days` (plus `changeable_for_days` for compliance mode) for every aws.backup.Vault.",
        soc2=_BACKUP,
        config={"required": True},
        resource_types=(BACKUP_VAULT, BACKUP_VAULT_LOCK),
        stack_check=_vault_lock,
    ),
]
