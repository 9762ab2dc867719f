"""What a stack's outputs say AWS Backup must protect: the audit's side of the comparison.

Every output the audit reads is checked against its format before any AWS call: a malformed one (`databaseArn:
"not-an-arn"`, a number where a name belongs) is a usage error naming the output and its value, not a finding
about a resource that does not exist, nor a crash halfway through the audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from platform_core.errors import UsageError
from platform_core.tiers import Tier

REQUIRED_OUTPUTS = ("backupVaultName", "backupPlanId", "databaseArn", "dataBucket", "logsBucket")

_PARTITION = r"arn:aws(?:-[a-z]+)*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d"
_ACCOUNT = r"\d{12}"
_BUCKET = (r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)")
_VAULT = r"[A-Za-z0-9_-]{2,50}"
# Output → (pattern, what it must be). Optional outputs are checked when present.
FORMATS: dict[str, tuple[str, str]] = {
    "databaseArn": (
        rf"{_PARTITION}:rds:{_REGION}:{_ACCOUNT}:db:[A-Za-z][A-Za-z0-9-]{{0,62}}",
        "an RDS DB instance ARN, arn:aws:rds:<region>:<12-digit account>:db:<identifier>",
    ),
    "dataBucket": _BUCKET,
    "logsBucket": _BUCKET,
    "backupVaultName": (_VAULT, "a backup vault name (2-50 letters, digits, hyphens, underscores)"),
    "backupPlanId": (r"[A-Za-z0-9_-]{1,50}", "a backup plan ID (letters, digits, hyphens)"),
    "backupKeyArn": (
        rf"{_PARTITION}:kms:{_REGION}:{_ACCOUNT}:key/[A-Za-z0-9-]+",
        "a KMS key ARN, arn:aws:kms:<region>:<12-digit account>:key/<key id>",
    ),
    "drBackupVaultArn": (
        rf"{_PARTITION}:backup:{_REGION}:{_ACCOUNT}:backup-vault:{_VAULT}",
        "a backup vault ARN, arn:aws:backup:<region>:<12-digit account>:backup-vault:<name>",
    ),
    "primaryRegion": (_REGION, "an AWS region such as us-east-1"),
}


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


def declared_from(stack: str, outputs: dict[str, Any], tier: str | None, source: str = "stack outputs") -> Declared:
    """`source` names the outputs in messages, e.g. `--outputs outputs.json`."""
    tier = tier or outputs.get("tier")
    if not isinstance(tier, str) or tier not in set(Tier):  # a list or mapping is no tier (and unhashable)
        raise UsageError(f"stack {stack!r}: tier {tier!r} (outputs.tier or --tier) must be one of {', '.join(Tier)}")
    check_formats(outputs, source)
    database_arn = str(outputs["databaseArn"])
    partition, region = database_arn.split(":")[1], database_arn.split(":")[3]
    buckets = tuple(f"arn:{partition}:s3:::{outputs[key]}" for key in ("dataBucket", "logsBucket"))
    dr_vault_arn = outputs.get("drBackupVaultArn") or None
    return Declared(
        stack=stack,
        tier=str(tier),
        region=outputs.get("primaryRegion") or region,
        vault_name=outputs["backupVaultName"],
        plan_id=outputs["backupPlanId"],
        resources=(database_arn, *buckets),
        key_arn=outputs.get("backupKeyArn") or None,
        dr_vault_arn=dr_vault_arn,
        dr_region=dr_vault_arn.split(":")[3] if dr_vault_arn else None,
        dr_vault_name=dr_vault_arn.rsplit(":", 1)[-1] if dr_vault_arn else None,
    )


def check_formats(outputs: dict[str, Any], source: str) -> None:
    """Every output the audit reads, in its format; null or empty optional outputs count as absent."""
    problems = []
    for key, (pattern, expected) in FORMATS.items():
        value = outputs.get(key)
        if value in (None, "") and key not in REQUIRED_OUTPUTS:
            continue
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            problems.append(f"stack output {key} is {value!r}, expected {expected}")
    if problems:
        raise UsageError(f"{source}: " + "; ".join(problems))
