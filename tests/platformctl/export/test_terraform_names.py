"""The name tables of the export: every entry needed, none redundant, checked against the provider's schema.

The schema check reads the provider's names from a committed extract of `terraform providers schema -json`
(aws_provider_schema.json), so it runs on every machine; refreshing it needs Terraform and the hashicorp/aws
provider in a local plugin directory (TF_PLUGIN_DIR, default /opt/tf-plugins).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from platformctl.export.terraform_names import (
    PROPERTY_RENAMES,
    RESOURCE_TYPES,
    mechanical_type,
    snake_case,
    terraform_type,
)
from platformctl.export.terraform_plan import is_exported, plan_for

PLUGIN_DIR = Path(os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins"))


def test_no_table_entry_is_mechanical() -> None:
    redundant = {token: name for token, name in RESOURCE_TYPES.items() if name == mechanical_type(token)}
    assert not redundant, f"mechanical anyway, remove: {redundant}"
    renames = {
        (tf_type, name): target
        for tf_type, table in PROPERTY_RENAMES.items()
        for name, target in table.items()
        if target == snake_case(name)
    }
    assert not renames, f"mechanical anyway, remove: {renames}"


def test_every_registered_aws_type_maps_to_a_terraform_type(stacks) -> None:
    for stack in stacks.values():
        for resource in filter(is_exported, stack.resources):
            assert terraform_type(resource["type"]).startswith("aws_"), resource["urn"]


SCHEMA_FILE = Path(__file__).resolve().parent / "aws_provider_schema.json"
REFRESH = "python -m tests.platformctl.export.test_terraform_names (needs terraform and the provider in TF_PLUGIN_DIR)"


@pytest.fixture(scope="module")
def aws_schema() -> dict[str, Any]:
    """The argument and block names of each exported type, from `terraform providers schema -json`, committed so
    the check runs everywhere; refresh it when a new type is exported."""
    return json.loads(SCHEMA_FILE.read_text())["resource_schemas"]


def _provider_schema() -> tuple[str, dict[str, Any]]:
    provider = next(PLUGIN_DIR.glob("registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*"), None)
    if shutil.which("terraform") is None or provider is None:
        raise SystemExit(f"terraform and the hashicorp/aws provider in {PLUGIN_DIR} are needed to refresh")
    version = provider.parents[1].name
    with tempfile.TemporaryDirectory() as work:
        aws = f'aws = {{ source = "hashicorp/aws", version = "{version}" }}'
        (Path(work) / "main.tf").write_text(f"terraform {{\n  required_providers {{\n    {aws}\n  }}\n}}\n")
        run: dict[str, Any] = {"cwd": work, "capture_output": True, "text": True, "check": True}
        subprocess.run(["terraform", "init", "-input=false", f"-plugin-dir={PLUGIN_DIR}"], **run)
        schemas = json.loads(subprocess.run(["terraform", "providers", "schema", "-json"], **run).stdout)
    return version, schemas["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]


def _names(block: dict[str, Any], used: list[dict[str, Any]]) -> dict[str, Any]:
    """The block's names; nested blocks only as deep as the exported values go (a web ACL's full statement tree
    is megabytes)."""
    nested = {}
    for name, block_type in block.get("block_types", {}).items():
        items = [item for values in used for item in values.get(name, []) if isinstance(item, dict)]
        nested[name] = {"block": _names(block_type["block"], items) if items else {}}
    return {"attributes": sorted(block.get("attributes", {})), "block_types": nested}


# Arguments the provider's v6 (which pulumi-aws v7 bridges) added, unknown to an older installed schema.
_NEWER_THAN_SCHEMA = {"region"}


def _unknown_names(values: dict[str, Any], block: dict[str, Any], path: str) -> list[str]:
    attributes, blocks = block.get("attributes", {}), block.get("block_types", {})
    unknown = []
    for name, value in values.items():
        if name in blocks:
            for item in value:
                unknown += _unknown_names(item, blocks[name]["block"], f"{path}{name}.")
        elif name not in attributes and name not in _NEWER_THAN_SCHEMA:
            unknown.append(path + name)
    return unknown


def test_every_exported_type_and_argument_is_the_providers_own(stacks, aws_schema) -> None:
    """Catches a missing entry in either table: a mechanical name the provider does not have."""
    for stack in stacks.values():
        for resource in plan_for(stack.preview)["planned_values"]["root_module"]["resources"]:
            assert resource["type"] in aws_schema, (
                f"{resource['address']}: {resource['type']} is not in {SCHEMA_FILE.name}: a missing RESOURCE_TYPES "
                f"entry, or a newly exported type; refresh with {REFRESH}"
            )
            unknown = _unknown_names(resource["values"], aws_schema[resource["type"]]["block"], "")
            assert not unknown, f"{resource['address']}: not in the provider's schema, rename: {unknown}"


def _refresh() -> None:
    from platformctl.preview.engine import preview_stacks
    from platformctl.project import load_project

    version, schemas = _provider_schema()
    used: dict[str, list[dict[str, Any]]] = {}
    for preview in preview_stacks(load_project(Path.cwd()), ["dev", "staging", "prod"]):
        for resource in plan_for(preview)["planned_values"]["root_module"]["resources"]:
            used.setdefault(resource["type"], []).append(resource["values"])
    subset = {name: {"block": _names(schemas[name]["block"], used[name])} for name in sorted(used) if name in schemas}
    document = {"provider": f"registry.terraform.io/hashicorp/aws {version}", "resource_schemas": subset}
    SCHEMA_FILE.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n")


if __name__ == "__main__":
    _refresh()
