"""A `--policy-pack-config` file checked against the pack's own config schema, as the pack reports it.

The pack answers GetAnalyzerInfo with each policy's name, default enforcement level and config schema (a
JSON Schema of the policy's properties, built from `PolicyConfigSchema`); the Pulumi CLI validates the
config file against it before the program runs, and so does platformctl. The subset of JSON Schema checked
is what CrossGuard packs declare: `type`, `enum`, `items`, nested `properties`, `required`, `minimum`,
`maximum`. Unlike the CLI, a property the schema does not declare is refused: a misspelt key would
otherwise be ignored and the rule would silently keep its default.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

from .config import LEVELS, json_type

ALL = "all"
LEVEL_KEY = "enforcementLevel"
_ALLOWED_LEVELS = ", ".join(LEVELS)


@dataclass(frozen=True)
class PolicySchema:
    name: str
    level: str
    properties: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # property -> its JSON Schema
    required: tuple[str, ...] = ()


def validate_config(path: Path, document: Mapping[str, Any], pack: str, policies: Mapping[str, PolicySchema]) -> None:
    """A `UsageError` naming every entry of the file the pack would not accept, and what it allows instead."""
    problems = config_problems(document, policies)
    if problems:
        raise UsageError(f"policy pack config {path} does not fit pack {pack}: {'; '.join(problems)}")


def config_problems(document: Mapping[str, Any], policies: Mapping[str, PolicySchema]) -> list[str]:
    problems: list[str] = []
    for name, value in document.items():
        if name == ALL:
            problems += _level_problems(ALL, value)
        elif name not in policies:
            problems.append(_unknown_policy(name, list(policies)))
        elif isinstance(value, str):
            problems += _level_problems(name, value)
        elif isinstance(value, dict):
            problems += _policy_problems(policies[name], value)
        else:
            problems.append(
                f"{name} = {_shown(value)} is {_a(json_type(value))}, expected a level ({_ALLOWED_LEVELS}) "
                f'or an object such as {{"{LEVEL_KEY}": "mandatory", <property>: <value>}}'
            )
    return problems


def value_problems(value: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    """Why `value` does not satisfy `schema`; checked as deep as the schema goes."""
    allowed = schema.get("type")
    types = [allowed] if isinstance(allowed, str) else list(allowed or [])
    if types and not any(_is_type(value, t) for t in types):
        shown = " or ".join(types)
        return [f"{where} = {_shown(value)} is {_a(json_type(value))}, the pack's schema wants {shown}"]
    if "enum" in schema and value not in schema["enum"]:
        return [
            f"{where} = {_shown(value)} is not one of the allowed values ({', '.join(map(_shown, schema['enum']))})"
        ]
    problems = _range_problems(value, schema, where)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for index, item in enumerate(value):
            problems += value_problems(item, schema["items"], f"{where}[{index}]")
    if isinstance(value, dict) and isinstance(schema.get("properties"), Mapping):
        for key, item in value.items():
            if key in schema["properties"]:
                problems += value_problems(item, schema["properties"][key], f"{where}.{key}")
    return problems


def _policy_problems(policy: PolicySchema, value: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, item in value.items():
        if key == LEVEL_KEY:
            problems += _level_problems(f"{policy.name}.{LEVEL_KEY}", item)
        elif key not in policy.properties:
            problems.append(_unknown_property(policy, key))
        else:
            problems += value_problems(item, policy.properties[key], f"{policy.name}.{key}")
    for key in policy.required:
        if key not in value and "default" not in policy.properties.get(key, {}):
            problems.append(f"{policy.name} needs the property {key!r} (the pack's schema requires it)")
    return problems


def _level_problems(where: str, value: Any) -> list[str]:
    if isinstance(value, str) and value in LEVELS:
        return []
    close = difflib.get_close_matches(str(value).lower(), LEVELS, n=1)
    hint = f", did you mean {close[0]}?" if close else ""
    return [f"{where} = {_shown(value)} is not an enforcement level{hint} (allowed: {_ALLOWED_LEVELS})"]


def _unknown_policy(name: str, known: list[str]) -> str:
    # Always name a few: the nearest by spelling when there are any, else the nearest at all.
    close = difflib.get_close_matches(name, known, n=3) or difflib.get_close_matches(name, known, n=3, cutoff=0)
    return (
        f"{name!r} is not a policy of this pack, closest: {', '.join(close) or 'none'} "
        f"(besides its {len(known)} policies only {ALL!r} is allowed)"
    )


def _unknown_property(policy: PolicySchema, key: str) -> str:
    if not policy.properties:
        return f"{policy.name} has no property {key!r} (it takes only {LEVEL_KEY})"
    close = difflib.get_close_matches(key, list(policy.properties), n=1)
    hint = f", did you mean {close[0]!r}?" if close else ""
    return (
        f"{policy.name} has no property {key!r}{hint} (allowed: {', '.join([LEVEL_KEY, *sorted(policy.properties)])})"
    )


def _range_problems(value: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    if not _is_type(value, "number"):
        return []
    if "minimum" in schema and value < schema["minimum"]:
        return [f"{where} = {_shown(value)} is below the minimum {_shown(schema['minimum'])}"]
    if "maximum" in schema and value > schema["maximum"]:
        return [f"{where} = {_shown(value)} is above the maximum {_shown(schema['maximum'])}"]
    return []


def _is_type(value: Any, name: str) -> bool:
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "integer":
        return json_type(value) == "integer"
    return json_type(value) == name


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _shown(value: Any) -> str:
    # Schemas arrive through protobuf Structs, where every number is a float: show 30, not 30.0.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value)
