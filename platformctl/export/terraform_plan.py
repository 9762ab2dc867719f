"""A stack's offline preview as the JSON `terraform show -json` writes for a plan, for scanners that read one.

Checkov (`--framework terraform_plan`), Trivy and KICS read that format; this is how they can check a Pulumi
program without Terraform. Only the AWS provider's resources are exported: their Terraform types and argument
names are the AWS provider's own (pulumi-aws is bridged from it). Format reference:
https://developer.hashicorp.com/terraform/internals/json-format
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..preview.engine import StackPreview
from .sdk_types import MAP, resource_args, shape_of
from .terraform_names import snake_case, terraform_type
from .translate import expressions, is_secret, planned_values, skeleton, unknown_names

FORMAT_VERSION = "1.2"
# The Terraform whose `show -json` output this document was checked against (a plan of the same resources).
TERRAFORM_VERSION = "1.11.4"
PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"
PRIMARY_PROVIDER = "aws"

_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class ExportedPlan:
    stack: str
    path: Path
    aws_resources: int


@dataclass(frozen=True)
class _Resource:
    address: str
    tf_type: str
    name: str
    provider_key: str
    record: dict[str, Any]


def is_exported(resource: dict[str, Any]) -> bool:
    """An AWS provider resource: custom, `aws:` type, not a provider itself."""
    return bool(resource["custom"]) and resource["type"].startswith("aws:")


def skipped_counts(preview: StackPreview) -> dict[str, int]:
    """Resources of other providers that the plan leaves out, per package (kubernetes, random, ...)."""
    return dict(
        sorted(
            Counter(
                r["type"].split(":")[0]
                for r in preview.resources
                if r["custom"] and not r["type"].startswith("pulumi:") and not is_exported(r)
            ).items()
        )
    )


def plan_for(preview: StackPreview) -> dict[str, Any]:
    """The plan document of one stack: every registered AWS resource, to be created."""
    providers = _provider_keys(preview)
    resources = _addressed(preview, providers)
    by_urn = {resource.record["urn"]: resource for resource in resources}
    planned, changes, configured = [], [], []
    for resource in resources:
        values, unknown = _values(resource, preview)
        sensitive = skeleton(values, is_secret)
        planned.append(
            {
                "address": resource.address,
                "mode": "managed",
                "type": resource.tf_type,
                "name": resource.name,
                "provider_name": PROVIDER_NAME,
                "schema_version": 0,
                "values": values,
                "sensitive_values": sensitive,
            }
        )
        changes.append(
            {
                "address": resource.address,
                "mode": "managed",
                "type": resource.tf_type,
                "name": resource.name,
                "provider_name": PROVIDER_NAME,
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": {**skeleton(values, lambda _: False), **unknown},
                    "before_sensitive": False,
                    "after_sensitive": sensitive,
                },
            }
        )
        configured.append(_configuration(resource, by_urn))
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": _provider_config(preview, providers),
            "root_module": {"resources": configured},
        },
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def write_plans(previews: list[StackPreview], out_dir: Path) -> dict[str, ExportedPlan]:
    """`<out_dir>/<stack>.tfplan.json` for each stack whose program ran to the end."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, ExportedPlan] = {}
    for preview in previews:
        if not preview.ran:
            continue
        document = plan_for(preview)
        path = out_dir / f"{preview.stack}.tfplan.json"
        # Sorted keys and a fixed order of resources: two exports of one program diff cleanly.
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        count = len(document["planned_values"]["root_module"]["resources"])
        written[preview.stack] = ExportedPlan(preview.stack, path, count)
    return written


def _provider_keys(preview: StackPreview) -> dict[str, str]:
    """Provider reference (`<urn>::<id>`) -> provider_config_key: the first AWS provider is `aws`, others aliases."""
    providers = sorted(
        (r for r in preview.resources if r["type"] == "pulumi:providers:aws"),
        key=lambda r: (r["name"] != "aws-primary", r["name"]),  # the program's primary provider first
    )
    keys: dict[str, str] = {}
    for index, provider in enumerate(providers):
        alias = _identifier(provider["name"].removeprefix("aws-"))
        keys[f"{provider['urn']}::{provider['id']}"] = PRIMARY_PROVIDER if index == 0 else f"aws.{alias}"
    return keys


def _addressed(preview: StackPreview, providers: dict[str, str]) -> list[_Resource]:
    """Exported resources with a unique address each: the logical name, suffixed when a type repeats it."""
    taken: set[str] = set()
    resources = []
    for record in sorted(filter(is_exported, preview.resources), key=lambda r: r["urn"]):
        tf_type = terraform_type(record["type"])
        base = name = _identifier(record["name"])
        suffix = 2
        while f"{tf_type}.{name}" in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(f"{tf_type}.{name}")
        provider = providers.get(record.get("provider") or "", PRIMARY_PROVIDER)
        resources.append(_Resource(f"{tf_type}.{name}", tf_type, name, provider, record))
    return sorted(resources, key=lambda r: r.address)


def _identifier(name: str) -> str:
    """A Terraform identifier: letters, digits, underscores and hyphens, not starting with a digit."""
    cleaned = _NOT_IDENTIFIER.sub("_", name) or "_"
    return f"_{cleaned}" if cleaned[0].isdigit() else cleaned


def _values(resource: _Resource, preview: StackPreview) -> tuple[dict[str, Any], dict[str, Any]]:
    args = resource_args(resource.record["type"])
    inputs = resource.record["inputs"]
    values = planned_values(resource.tf_type, args, inputs)
    if shape_of(args, "tags").kind == MAP:  # the provider's default tags land on every taggable resource
        values["tags_all"] = {**_default_tags(preview, resource.record.get("provider")), **(values.get("tags") or {})}
    return values, unknown_names(resource.tf_type, inputs)


def _default_tags(preview: StackPreview, provider_reference: str | None) -> dict[str, str]:
    urn = (provider_reference or "").rsplit("::", 1)[0]
    provider = next((r for r in preview.resources if r["urn"] == urn), None)
    return _provider_tags(provider) if provider else {}


def _provider_tags(provider: dict[str, Any]) -> dict[str, str]:
    default_tags = provider["inputs"].get("defaultTags") or {}
    if isinstance(default_tags, str):  # provider inputs arrive JSON-encoded
        default_tags = json.loads(default_tags)
    return dict(default_tags.get("tags") or {})


def _configuration(resource: _Resource, by_urn: dict[str, _Resource]) -> dict[str, Any]:
    record = resource.record
    targets = {
        name: [(by_urn[urn].address, _attributes(by_urn[urn].record)) for urn in sorted(urns) if urn in by_urn]
        for name, urns in (record.get("propertyDependencies") or {}).items()
    }
    return {
        "address": resource.address,
        "mode": "managed",
        "type": resource.tf_type,
        "name": resource.name,
        "provider_config_key": resource.provider_key,
        "expressions": expressions(resource.tf_type, resource_args(record["type"]), record["inputs"], targets),
        "schema_version": 0,
    }


def _attributes(record: dict[str, Any]) -> dict[str, Any]:
    """The attributes a reference to this resource can read: its id and its top-level string outputs."""
    attributes = {snake_case(k): v for k, v in (record.get("outputs") or {}).items() if isinstance(v, str)}
    if record.get("id"):
        attributes["id"] = record["id"]
    return attributes


def _provider_config(preview: StackPreview, providers: dict[str, str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for provider in (r for r in preview.resources if r["type"] == "pulumi:providers:aws"):
        key = providers[f"{provider['urn']}::{provider['id']}"]
        entry: dict[str, Any] = {
            "name": "aws",
            "full_name": PROVIDER_NAME,
            "expressions": {"region": {"constant_value": provider["inputs"].get("region")}},
        }
        if key != PRIMARY_PROVIDER:
            entry["alias"] = key.removeprefix("aws.")
        tags = _provider_tags(provider)
        if tags:
            entry["expressions"]["default_tags"] = [{"tags": {"constant_value": tags}}]
        config[key] = entry
    return config
