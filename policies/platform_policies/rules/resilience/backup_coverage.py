"""Backup coverage: every primary-region database and bucket is in an AWS Backup selection."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from ...aws_resources import effective_tags, is_read_replica, region_of
from ...framework import Resource, Rule, Violation, of_type
from ...log_destinations import alb_only_log_buckets, canary_artifact_buckets
from ...references import refers_to
from ...resource_types import BACKUP_SELECTION, BUCKETS, RDS_INSTANCE
from ...values import as_list
from .regions import in_region, primary_region


def _arn_selects(pattern: str, target: Resource) -> bool:
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False
    _, _, service, region, _, rest = parts
    if target.type in BUCKETS:
        return service == "s3" and bool(target.get("bucket")) and fnmatchcase(target.get("bucket"), rest)
    identifier, home = target.get("identifier"), region_of(target)
    return (
        service == "rds"
        and bool(identifier)
        and fnmatchcase(f"db:{identifier}", rest)
        and (not home or fnmatchcase(home, region or "*"))
    )


def _selects(selection: Resource, target: Resource) -> bool:
    # Literal entries are ARN patterns ("arn:aws:s3:::*"); computed ARNs are property dependencies.
    if refers_to(selection, "notResources", target, literal=_arn_selects):
        return False
    if refers_to(selection, "resources", target, literal=_arn_selects):
        return True
    tags = effective_tags(target)
    return any(_tag_selects(condition, tags) for condition in as_list(selection.get("selectionTags")))


def _tag_selects(condition: Any, tags: Mapping[str, Any]) -> bool:
    if not isinstance(condition, Mapping) or str(condition.get("type", "STRINGEQUALS")).upper() != "STRINGEQUALS":
        return False
    key = condition.get("key")
    return isinstance(key, str) and key in tags and tags[key] == condition.get("value")


def _covers_stateful(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    selections = of_type(resources, BACKUP_SELECTION)
    primary = primary_region(resources)
    databases = [r for r in of_type(resources, RDS_INSTANCE) if not is_read_replica(r)]
    # A bucket only load balancers write access logs to holds expiring logs, not data to restore; a canary's
    # artifacts bucket holds expiring screenshots and HAR files, rebuilt by every run.
    not_data = alb_only_log_buckets(resources) | canary_artifact_buckets(resources)
    buckets = [bucket for bucket in of_type(resources, *BUCKETS) if bucket.urn not in not_data]
    for target in databases + buckets:
        if in_region(target, primary) and not any(_selects(s, target) for s in selections):
            label = target.get("identifier") or target.get("bucket") or target.name
            yield Violation(
                f"{target.type} {label} in {region_of(target) or 'the primary region'} is not in any "
                "aws.backup.Selection; expected it backed up by AWS Backup",
                target.urn,
            )


RULES: list[Rule] = [
    Rule(
        name="backup-covers-stateful-resources",
        description="Every primary-region RDS instance (not a read replica) and S3 bucket (but a bucket only load "
        "balancers write access logs to, or a Synthetics canary's artifacts bucket) is in an AWS Backup selection.",
        severity="high",
        remediation="List the resource's ARN (`<instance>.arn`, `<bucket>.arn`) in `resources` of an "
        "aws.backup.Selection, or tag it with one of the selection's `selection_tags`.",
        soc2=("A1.2", "CC7.5"),
        stack_check=_covers_stateful,
    ),
]
