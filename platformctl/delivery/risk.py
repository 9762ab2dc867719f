"""Risk of a deployment, read from its preview: `platformctl preview --json` or `pulumi preview --json`.

Both documents carry `steps[]` with `op`, `urn` and `newState`/`oldState` (`type`, `protect`). The
classification is data (the tables below), so a new stateful or sensitive type is one line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

LOW, MEDIUM, HIGH = "low", "medium", "high"

# Resources whose replacement or deletion loses data or identity (keys, zones, clusters).
STATEFUL_TYPES = frozenset(
    {
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:kms/key:Key",
        "aws:backup/vault:Vault",
        "aws:dynamodb/table:Table",
        "aws:efs/fileSystem:FileSystem",
        "aws:eks/cluster:Cluster",
        "aws:route53/zone:Zone",
    }
)
# Identity, keys and network paths: any change to them can lock people or traffic out, so any
# non-`same` step on them needs change-advisory approval, creates included.
SENSITIVE_PATTERNS = (
    "aws:iam/*",
    "aws:kms/*",
    "aws:vpc/*",
    "aws:ec2/vpc*",
    "aws:ec2/subnet*",
    "aws:ec2/route*",
    "aws:ec2/mainRouteTableAssociation*",
    "aws:ec2/securityGroup*",
    "aws:ec2/defaultSecurityGroup*",
    "aws:ec2/natGateway*",
    "aws:ec2/internetGateway*",
    "aws:ec2/egressOnlyInternetGateway*",
)
REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "read-replacement", "import-replacement"})
DELETE_OPS = frozenset({"delete", "discard", "discard-replaced", "remove-pending-replace"})
# Steps that change nothing in the cloud: a data-source read is not a "touch" even on an IAM type.
UNCHANGED_OPS = frozenset({"same", "read", "refresh"})
CREATE_OPS = frozenset({"create", "import"})


@dataclass(frozen=True)
class Risk:
    level: str
    reasons: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.reasons:
            return f"risk {self.level}"
        more = f" (+{len(self.reasons) - 1} more)" if len(self.reasons) > 1 else ""
        return f"risk {self.level}: {self.reasons[0]}{more}"


def assess(steps: list[dict[str, Any]]) -> Risk:
    """High beats medium beats low; the reasons list the steps behind the level reached, data loss first."""
    data_loss: list[str] = []
    sensitive: list[str] = []
    medium: list[str] = []
    for step in steps:
        op = str(step.get("op", ""))
        kind = step_type(step)
        label = f"{op} {kind} {resource_name(step)}"
        destructive = op in REPLACE_OPS or op in DELETE_OPS
        if destructive and kind in STATEFUL_TYPES:
            data_loss.append(f"{label} (stateful)")
        elif destructive and step_protected(step):
            data_loss.append(f"{label} (protected)")
        elif op not in UNCHANGED_OPS and is_sensitive(kind):
            sensitive.append(f"{label} (IAM, KMS or network)")
        elif op not in UNCHANGED_OPS and op not in CREATE_OPS:
            medium.append(label)  # updates, other replaces/deletes, and ops this table does not know
    if data_loss or sensitive:
        return Risk(HIGH, data_loss + sensitive)
    return Risk(MEDIUM, medium) if medium else Risk(LOW)


def is_sensitive(kind: str) -> bool:
    return any(fnmatchcase(kind, pattern) for pattern in SENSITIVE_PATTERNS)


def step_type(step: dict[str, Any]) -> str:
    for state in ("newState", "oldState"):
        kind = (step.get(state) or {}).get("type")
        if kind:
            return str(kind)
    # urn:pulumi:<stack>::<project>::<parent types$>type::<name>
    parts = str(step.get("urn", "")).split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else "unknown"


def step_protected(step: dict[str, Any]) -> bool:
    return any(bool((step.get(state) or {}).get("protect")) for state in ("newState", "oldState"))


def resource_name(step: dict[str, Any]) -> str:
    return str(step.get("urn", "")).rsplit("::", 1)[-1] or "?"


def read_steps(path: Path, stack: str) -> list[dict[str, Any]]:
    """The steps of `stack` from a preview document; a multi-stack `platformctl` document is narrowed to it."""
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise UsageError(f"--preview {path}: cannot read it as JSON ({error})") from None
    if isinstance(document, dict) and isinstance(document.get("stacks"), dict):
        stacks = document["stacks"]
        if stack not in stacks:
            raise UsageError(f"--preview {path} has no stack {stack!r}; it has: {', '.join(stacks) or 'none'}")
        document = stacks[stack]
    steps = document.get("steps") if isinstance(document, dict) else None
    if not isinstance(steps, list) or not all(isinstance(s, dict) and isinstance(s.get("op"), str) for s in steps):
        raise UsageError(f"--preview {path}: expected a `preview --json` document with `steps`, each with an `op`")
    return steps
