"""What a stack's outputs say AWS Backup must protect: the audit's side of the comparison."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from platform_core.errors import UsageError
from platform_core.tiers import Tier

REQUIRED_OUTPUTS = ("backupVaultName", "backupPlanId", "databaseArn", "dataBucket", "logsBucket")


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


def declared_from(stack: str, outputs: dict[str, Any], tier: str | None) -> Declared:
    tier = tier or outputs.get("tier")
    if tier not in set(Tier):
        raise UsageError(f"stack {stack!r}: tier {tier!r} (outputs.tier or --tier) must be one of {', '.join(Tier)}")
    database_arn = str(outputs["databaseArn"])
    partition, region = database_arn.split(":")[1], database_arn.split(":")[3]
    buckets = tuple(f"arn:{partition}:s3:::{outputs[key]}" for key in ("dataBucket", "logsBucket"))
    dr_vault_arn = outputs.get("drBackupVaultArn") or None
    if dr_vault_arn and not re.fullmatch(r"arn:[\w-]+:backup:[\w-]+:\d+:backup-vault:[\w-]+", dr_vault_arn):
        raise UsageError(f"stack {stack!r}: drBackupVaultArn {dr_vault_arn!r} is not a backup vault ARN")
    return Declared(
        stack=stack,
        tier=str(tier),
        region=outputs.get("primaryRegion") or region,
        vault_name=outputs["backupVaultName"],
        plan_id=outputs["backupPlanId"],
        resources=(database_arn, *buckets),
        key_arn=outputs.get("backupKeyArn"),
        dr_vault_arn=dr_vault_arn,
        dr_region=dr_vault_arn.split(":")[3] if dr_vault_arn else None,
        dr_vault_name=dr_vault_arn.rsplit(":", 1)[-1] if dr_vault_arn else None,
    )
