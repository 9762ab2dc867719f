"""Risk of a deployment, read from its preview: `platformctl preview --json` or `pulumi preview --json`.

The classification is data (the tables below), so a new stateful or sensitive type is one line. A preview that
creates every resource (any offline preview, or a real one of a stack never deployed) shows no change to what
exists, so it is not rated from its steps alone: with a baseline of what is deployed (deployed.py) only what
differs from it counts; without one the risk is `unrated`, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from .deployed import CHANGE, Deployed, compare
from .steps import (
    CREATE_OPS,
    DELETE_OPS,
    REPLACE_OPS,
    UNCHANGED_OPS,
    creates_everything,
    read_steps,
    resource_name,
    step_protected,
    step_type,
)

__all__ = ["HIGH", "LOW", "MEDIUM", "UNRATED", "Risk", "assess", "rate", "read_steps", "step_type"]

LOW, MEDIUM, HIGH = "low", "medium", "high"
UNRATED = "unrated"
ALL_CREATES = "the preview creates every resource, so it shows nothing of what the deploy would change; give --baseline"

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


@dataclass(frozen=True)
class Risk:
    level: str
    reasons: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.reasons:
            return f"risk {self.level}"
        more = f" (+{len(self.reasons) - 1} more)" if len(self.reasons) > 1 else ""
        return f"risk {self.level}: {self.reasons[0]}{more}"


def rate(steps: list[dict[str, Any]], deployed: Deployed | None = None) -> Risk:
    """The risk of the change `steps` make to the stack; `deployed` matters only when they create everything."""
    if not creates_everything(steps):
        return assess(steps)  # the engine diffed these steps against the stack's state: the baseline adds nothing
    if deployed is None:
        return Risk(UNRATED, [ALL_CREATES])
    compared = compare(steps, deployed)
    assessed = assess(compared.steps)
    if assessed.level == HIGH or not compared.unknown:
        return assessed
    count = len(compared.unknown)
    return Risk(
        UNRATED,
        [
            f"the baseline {deployed.path} lists stateful URNs only: it shows no stateful resource lost, but not "
            f"whether {count} resource(s) changed (first: {compared.unknown[0]}); give a `preview --json` or "
            "`pulumi stack export` baseline"
        ],
    )


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
        elif op == CHANGE and (kind in STATEFUL_TYPES or step_protected(step)):
            why = "stateful" if kind in STATEFUL_TYPES else "protected"
            data_loss.append(f"{label} ({why}; inputs differ from the baseline: an update or a replacement)")
        elif op not in UNCHANGED_OPS and is_sensitive(kind):
            sensitive.append(f"{label} (IAM, KMS or network)")
        elif op not in UNCHANGED_OPS and op not in CREATE_OPS:
            medium.append(label)  # updates, other replaces/deletes, and ops this table does not know
    if data_loss or sensitive:
        return Risk(HIGH, data_loss + sensitive)
    return Risk(MEDIUM, medium) if medium else Risk(LOW)


def is_sensitive(kind: str) -> bool:
    return any(fnmatchcase(kind, pattern) for pattern in SENSITIVE_PATTERNS)
