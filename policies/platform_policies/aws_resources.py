"""What an AWS resource is beyond its own inputs: its region, its effective tags, whether it is a read replica."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .framework import Resource
from .values import as_list

_REPLICA_SOURCE_KEYS = ("replicateSourceDb", "replicationSourceIdentifier")


def region_of(resource: Resource) -> str | None:
    """pulumi-aws v7 takes a per-resource `region`; otherwise the provider's region decides."""
    region = resource.get("region") or resource.provider_props.get("region")
    return region if isinstance(region, str) and region else None


def is_read_replica(resource: Resource) -> bool:
    # The source's ARN is unknown during preview; its property dependency is not.
    return any(resource.property_dependencies.get(key) for key in _REPLICA_SOURCE_KEYS) or any(
        resource.get(key) for key in _REPLICA_SOURCE_KEYS
    )


def tag_dict(value: Any) -> dict[str, Any]:
    """Tags come as a map, or as JSON text of one, or (autoscaling groups) as a list of {key, value}."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if isinstance(value, Mapping):
        return dict(value)
    return {str(t["key"]): t.get("value") for t in as_list(value) if isinstance(t, Mapping) and t.get("key")}


def default_tags(provider_props: Mapping[str, Any]) -> dict[str, Any]:
    raw = provider_props.get("defaultTags")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return tag_dict(raw.get("tags")) if isinstance(raw, Mapping) else {}


def effective_tags(resource: Resource) -> dict[str, Any]:
    """The tags AWS puts on the resource: the provider's defaultTags, overridden by the resource's own."""
    return {**default_tags(resource.provider_props), **tag_dict(resource.get("tags"))}
