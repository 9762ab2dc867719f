"""Small Terraform plans (`terraform show -json` format) written by hand, for Checkov to read."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

PROVIDER = "registry.terraform.io/hashicorp/aws"


def plan(resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A plan creating `resources` ({address: values}), each in planned_values, resource_changes and
    configuration, as the exporter writes them."""
    planned, changes, configured = [], [], []
    for address, values in resources.items():
        kind, name = address.split(".", 1)
        common = {"address": address, "mode": "managed", "type": kind, "name": name}
        planned.append({**common, "provider_name": PROVIDER, "schema_version": 0, "values": values})
        after = copy.deepcopy(values)
        change = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
        changes.append({**common, "provider_name": PROVIDER, "change": change})
        expressions = {key: {"constant_value": value} for key, value in values.items()}
        configured.append({**common, "provider_config_key": "aws", "expressions": expressions})
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER}},
            "root_module": {"resources": configured},
        },
    }


def database(storage_encrypted: bool, name: str = "db") -> dict[str, Any]:
    return plan(
        {
            f"aws_db_instance.{name}": {
                "engine": "postgres",
                "instance_class": "db.t4g.micro",
                "storage_encrypted": storage_encrypted,
            }
        }
    )


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document))
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
