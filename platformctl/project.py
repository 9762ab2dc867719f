"""Reads a Pulumi project and its stack files the way the Pulumi CLI does, for any program.

What the CLI hands a Python program is an environment: PULUMI_PROJECT, PULUMI_STACK,
PULUMI_DRY_RUN and PULUMI_CONFIG (every key `namespace:name`, objects as JSON text). This module
builds that environment from `Pulumi.yaml` and `Pulumi.<stack>.yaml`, applying the project's
config declarations (defaults, required keys, types) like the CLI does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from platform_core.errors import UsageError
from platform_core.tiers import Tier

from .project_file import DECLARED_TYPES, project_settings

_TIER_ORDER = tuple(Tier)  # stacks named like a tier list first, lowest tier first
OFFLINE_FILE = "platformctl.offline.yaml"


@dataclass(frozen=True)
class Project:
    name: str
    root: Path
    program_dir: Path
    stack_config_dir: Path
    declarations: dict[str, Any] = field(default_factory=dict)
    virtualenv: Path | None = None

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{stack}.yaml"

    def stacks(self) -> list[str]:
        names = [path.name[len("Pulumi.") : -len(".yaml")] for path in self.stack_config_dir.glob("Pulumi.*.yaml")]
        return sorted(names, key=lambda n: (_TIER_ORDER.index(n) if n in _TIER_ORDER else len(_TIER_ORDER), n))

    def selected_stacks(self, choice: str) -> list[str]:
        """`--stack`: one stack, or `all` of them (a usage error when the project has no stack file)."""
        stacks = self.stacks() if choice == "all" else [choice]
        if not stacks:
            raise UsageError(f"no stack files (Pulumi.<stack>.yaml) in {self.stack_config_dir}")
        return stacks


@dataclass(frozen=True)
class StackConfig:
    values: dict[str, str]
    secret_keys: list[str]
    stand_ins: list[str] = field(default_factory=list)  # keys filled from OFFLINE_FILE, not from the stack

    def environment(self, project: Project, stack: str) -> dict[str, str]:
        return {
            "PULUMI_PROJECT": project.name,
            "PULUMI_STACK": stack,
            "PULUMI_DRY_RUN": "true",
            "PULUMI_ORGANIZATION": "organization",
            "PULUMI_CONFIG": json.dumps(self.values),
            "PULUMI_CONFIG_SECRET_KEYS": json.dumps(self.secret_keys),
        }


def load_project(cwd: Path) -> Project:
    path = _project_file(cwd)
    settings = project_settings(path, read_yaml(path))
    return Project(
        name=settings.name,
        root=path.parent,
        program_dir=settings.program_dir,
        stack_config_dir=settings.stack_config_dir,
        declarations=settings.declarations,
        virtualenv=settings.virtualenv,
    )


def load_stack_config(project: Project, stack: str) -> StackConfig:
    path = project.stack_file(stack)
    if not path.is_file():
        known = ", ".join(project.stacks()) or "none"
        raise UsageError(
            f"stack {stack!r} has no stack file {path.name} in {project.stack_config_dir}; stacks found: {known}"
        )
    document = read_yaml(path) or {}
    if not isinstance(document, dict):
        raise UsageError(f"{path.name}: expected a mapping with a `config:` key")
    stack_values = document.get("config") or {}
    if not isinstance(stack_values, dict):
        raise UsageError(f"{path.name}: `config` must be a mapping of keys to values")
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in _project_values(project).items():
        values[key] = _encode(value)
    for raw_key, value in stack_values.items():
        key = _qualify(project, str(raw_key))
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key] = "[secret]"  # ciphertext needs the stack's secrets provider; offline it stays opaque
            secret_keys.append(key)
        else:
            values[key] = _encode(value)
    stand_ins = []
    offline = _offline_document(project)
    for key, placeholder in _offline_placeholders(project, offline).items():
        if key not in values:
            values[key] = placeholder
            secret_keys.append(key)
            stand_ins.append(key)
    for key_path, value in _offline_config(project, offline, stack).items():
        if _set_path_if_missing(values, key_path, value):
            stand_ins.append(key_path)
    _check_declarations(project, stack, stack_values, values)
    return StackConfig(values=values, secret_keys=secret_keys, stand_ins=stand_ins)


def _offline_document(project: Project) -> dict[str, Any]:
    path = project.root / OFFLINE_FILE
    document = (read_yaml(path) or {}) if path.is_file() else {}
    if not isinstance(document, dict):
        raise UsageError(f"{OFFLINE_FILE}: expected a mapping with `secrets:` and `config:`")
    return document


def _offline_placeholders(project: Project, document: dict[str, Any]) -> dict[str, str]:
    """Stand-ins for secrets that exist only encrypted in each team's stacks (see OFFLINE_FILE)."""
    secrets = document.get("secrets") or {}
    if not isinstance(secrets, dict):
        raise UsageError(f"{OFFLINE_FILE}: `secrets` must map config keys to placeholder values")
    return {_qualify(project, str(key)): _encode(value) for key, value in secrets.items()}


def _offline_config(project: Project, document: dict[str, Any], stack: str) -> dict[str, Any]:
    """Plain values a team must set per stack (account, Slack IDs, runner ranges), stood in offline only."""
    per_stack = document.get("config") or {}
    values = per_stack.get(stack) or {} if isinstance(per_stack, dict) else None
    if not isinstance(values, dict):
        raise UsageError(f"{OFFLINE_FILE}: `config` must map stack names to `key: value` stand-ins")
    return {_qualify(project, str(key)): value for key, value in values.items()}


def _set_path_if_missing(values: dict[str, str], path: str, value: Any) -> bool:
    """`ns:key.a.b` sets field a.b inside the object-valued `ns:key`, as `pulumi config set --path` would."""
    key, _, rest = path.partition(".")
    if not rest:
        if key in values:
            return False
        values[key] = _encode(value)
        return True
    tree = json.loads(values[key]) if values.get(key, "").startswith("{") else {}
    node = tree
    *parents, leaf = rest.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    if leaf in node:
        return False
    node[leaf] = value
    values[key] = json.dumps(tree)
    return True


def tier_of(project: Project, stack: str) -> str:
    """The stack file's `<project>:tier`, else the stack name itself (a stack named like its tier)."""
    return load_stack_config(project, stack).values.get(f"{project.name}:tier") or stack


def _project_values(project: Project) -> dict[str, Any]:
    """Defaults and plain values from Pulumi.yaml's `config:` block, keyed `namespace:name`."""
    values = {}
    for raw_key, declaration in project.declarations.items():
        key = _qualify(project, str(raw_key))
        if isinstance(declaration, dict) and ("type" in declaration or "description" in declaration):
            if "default" in declaration:
                values[key] = declaration["default"]
        elif isinstance(declaration, dict) and "value" in declaration:
            values[key] = declaration["value"]
        else:
            values[key] = declaration
    return values


def _check_declarations(project: Project, stack: str, stack_values: dict[str, Any], values: dict[str, str]) -> None:
    given = {_qualify(project, str(key)): value for key, value in stack_values.items()}
    for raw_key, declaration in project.declarations.items():
        if not (isinstance(declaration, dict) and "type" in declaration):
            continue
        key = _qualify(project, str(raw_key))
        if key not in values:
            raise UsageError(
                f"Stack '{stack}' is missing configuration value '{key}' "
                f"({declaration.get('description', 'no description')}); "
                f"set it in {project.stack_file(stack).name}"
            )
        expected = DECLARED_TYPES.get(declaration["type"])
        value = given.get(key)
        if key in given and expected and not _is_type(value, expected) and not _is_secure(value):
            raise UsageError(
                f"Stack '{stack}' with configuration key '{key}' must be of type "
                f"'{declaration['type']}'; got {json.dumps(value)}"
            )


def _is_type(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _qualify(project: Project, key: str) -> str:
    return key if ":" in key else f"{project.name}:{key}"


def _encode(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


def _project_file(cwd: Path) -> Path:
    for candidate in (cwd / "Pulumi.yaml", cwd / "Pulumi.yml"):
        if candidate.is_file():
            return candidate
    raise UsageError(f"no Pulumi.yaml in {cwd}; pass --cwd with the directory of a Pulumi project")


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(f"line {line}: mapping key {key!r} already defined at line {first_line}")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader keeps the last of two equal keys; the Pulumi CLI's YAML parser refuses the file."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        first_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<:` merges may override; that is their point
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, str | int | float | bool) and key in first_lines:
                raise _DuplicateKey(key, line, first_lines[key])
            first_lines.setdefault(key, line)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """A YAML file as the Pulumi CLI reads it: invalid YAML or a duplicate key is a usage error."""
    try:
        return yaml.load(path.read_text(), Loader=_StrictLoader)  # a SafeLoader: builds no Python objects
    except _DuplicateKey as error:
        raise UsageError(f"{path.name}: {error}; the Pulumi CLI rejects duplicate keys") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{path.name} is not valid YAML: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
