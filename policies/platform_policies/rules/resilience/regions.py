"""Which region is the stack's primary: the DR region's copies are judged by other rules."""

from __future__ import annotations

from collections import Counter

from ...aws_resources import region_of
from ...framework import Resource, of_type
from ...resource_types import BACKUP_SELECTION


def primary_region(resources: list[Resource]) -> str | None:
    """Where the backup selection lives, else the region most resources are in."""
    regions = [region for region in map(region_of, of_type(resources, BACKUP_SELECTION)) if region]
    if not regions:
        regions = [region for r in resources if r.type.startswith("aws:") and (region := region_of(r))]
    return Counter(regions).most_common(1)[0][0] if regions else None


def in_region(resource: Resource, region: str | None) -> bool:
    return region is None or region_of(resource) in (None, region)
