"""`--policy-pack-config FILE`, read and merged the way the Pulumi CLI does.

The file is JSON: `{"all": LEVEL, "<policy>": LEVEL | {"enforcementLevel": LEVEL, <property>: value}}`,
where LEVEL is advisory, mandatory, remediate or disabled. "all" sets every policy's level first;
named policies then override it and add their properties. Before any program runs, `validate.py` holds
each file against the schema the pack reports (`config_schema.py`); the checks here are the merge's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

LEVELS = ("advisory", "mandatory", "remediate", "disabled")

PolicyConfig = dict[str, tuple[str, dict[str, Any]]]  # policy -> (level, properties)


def merged_policy_config(defaults: PolicyConfig, config_file: Path | None) -> PolicyConfig:
    merged = {name: (level, dict(props)) for name, (level, props) in defaults.items()}
    if config_file is None:
        return merged
    document = read_config_file(config_file)
    if "all" in document:
        level = _level(document["all"], config_file, "all")
        merged = {name: (level, props) for name, (_, props) in merged.items()}
    for name, value in document.items():
        if name == "all":
            continue
        if name not in merged:
            known = ", ".join(sorted(merged)[:8])
            raise UsageError(f"{config_file}: policy {name!r} is not in the pack; known policies include {known}, …")
        level, props = merged[name]
        if isinstance(value, str):
            merged[name] = (_level(value, config_file, name), props)
        elif isinstance(value, dict):
            extra = {k: v for k, v in value.items() if k != "enforcementLevel"}
            new_level = _level(value["enforcementLevel"], config_file, name) if "enforcementLevel" in value else level
            merged[name] = (new_level, {**props, **extra})
        else:
            raise UsageError(f"{config_file}: {name} = {json.dumps(value)}; expected a level or an object")
    return merged


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text())
    except OSError as error:
        raise UsageError(f"cannot read policy pack config {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"policy pack config {path} is not UTF-8 text: {error.reason} at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise UsageError(
            f"policy pack config {path} is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(document, dict):
        raise UsageError(
            f"policy pack config {path} must be a JSON object of policy names, "
            f'like {{"all": "advisory", "<policy>": "mandatory"}}; found {json_type(document)}'
        )
    return document


def json_type(value: Any) -> str:
    """The JSON Schema type name of a parsed JSON value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    names = {float: "number", str: "string", list: "array", dict: "object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _level(value: Any, path: Path, name: str) -> str:
    if isinstance(value, dict) and "enforcementLevel" in value:
        value = value["enforcementLevel"]
    if value not in LEVELS:
        raise UsageError(f"{path}: {name} has enforcement level {json.dumps(value)}; allowed: {', '.join(LEVELS)}")
    return value
