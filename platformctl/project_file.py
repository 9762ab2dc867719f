"""`Pulumi.yaml` checked before anything runs: each mistake named by file, key and value, with what is allowed.

The Pulumi CLI refuses these files too, but later and less plainly; a worker started on a missing program
directory would end in a traceback, which is the operator's mistake told the wrong way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

# A declaration's `type` and the YAML values it admits, as the Pulumi CLI checks them.
DECLARED_TYPES: dict[str, type] = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}
_RUNTIME_ALLOWED = "`runtime: python`, or a mapping `runtime: {name: python, options: {virtualenv: DIR}}`"


@dataclass(frozen=True)
class ProjectSettings:
    name: str
    program_dir: Path
    stack_config_dir: Path
    declarations: dict[str, Any]
    virtualenv: Path | None


def project_settings(path: Path, document: Any) -> ProjectSettings:
    if not isinstance(document, dict):
        raise UsageError(
            f"{path}: expected a mapping of project settings (name, runtime, main, config, …); got {_kind(document)}"
        )
    name = _name(path, document)  # checked in the order a reader meets them: name, runtime, main, …
    virtualenv = _virtualenv(path, document.get("runtime"))
    return ProjectSettings(
        name=name,
        program_dir=_program_dir(path, document.get("main")),
        stack_config_dir=_directory(path, "stackConfigDir", document.get("stackConfigDir", "."), path.parent),
        declarations=_declarations(path, document.get("config")),
        virtualenv=virtualenv,
    )


def _name(path: Path, document: dict[str, Any]) -> str:
    name = document.get("name")
    if name is None or name == "":
        raise UsageError(f"{path}: key `name` is missing; allowed: the project's name, a non-empty string")
    if not isinstance(name, str | int) or isinstance(name, bool):
        raise UsageError(f"{path}: key `name` is {_shown(name)}; allowed: the project's name, a non-empty string")
    return str(name)


def _virtualenv(path: Path, runtime: Any) -> Path | None:
    if runtime is None:
        raise UsageError(f"{path}: key `runtime` is missing; allowed: {_RUNTIME_ALLOWED}")
    if not isinstance(runtime, str | dict):
        raise UsageError(f"{path}: key `runtime` is {_shown(runtime)}; allowed: {_RUNTIME_ALLOWED}")
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise UsageError(
            f"{path}: key `runtime` names {_shown(name)}; platformctl previews Python programs only, "
            f"allowed: {_RUNTIME_ALLOWED}"
        )
    options = (runtime.get("options") or {}) if isinstance(runtime, dict) else {}
    if not isinstance(options, dict):
        raise UsageError(
            f"{path}: key `runtime.options` is {_shown(options)}; allowed: a mapping (virtualenv, toolchain, …)"
        )
    venv = options.get("virtualenv") or options.get("virtualEnv")
    if venv is not None and not isinstance(venv, str):
        raise UsageError(
            f"{path}: key `runtime.options.virtualenv` is {_shown(venv)}; allowed: a directory path, "
            "relative to the project file"
        )
    return path.parent / venv if venv else None


def _program_dir(path: Path, main: Any) -> Path:
    program = _directory(path, "main", main, path.parent) if main is not None else path.parent
    if not (program / "__main__.py").is_file():
        given = (
            f"key `main` is {_shown(main)}, but {program}"
            if main is not None
            else f"without a `main` key the program is {program}, which"
        )
        raise UsageError(
            f"{path}: {given} has no __main__.py; allowed: `main` naming the directory of the Python program "
            "(holding its __main__.py), relative to the project file"
        )
    return program


def _directory(path: Path, key: str, value: Any, root: Path) -> Path:
    allowed = "allowed: a directory, relative to the project file"
    if key == "main":
        allowed = "allowed: the directory of the Python program (holding its __main__.py), relative to the project file"
    if not isinstance(value, str) or not value:
        raise UsageError(f"{path}: key `{key}` is {_shown(value)}; {allowed}")
    directory = (root / value).resolve()
    if not directory.exists():
        raise UsageError(f"{path}: key `{key}` is {_shown(value)}, but {directory} does not exist; {allowed}")
    if not directory.is_dir():
        raise UsageError(f"{path}: key `{key}` is {_shown(value)}, but {directory} is not a directory; {allowed}")
    return directory


def _declarations(path: Path, config: Any) -> dict[str, Any]:
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise UsageError(
            f"{path}: key `config` is {_kind(config)} ({_shown(config)}); allowed: a mapping of config keys, "
            "each to a declaration `{type, description, default}` or to a plain value"
        )
    for key, declaration in config.items():
        declared = declaration.get("type") if isinstance(declaration, dict) else None
        if declared is not None and declared not in DECLARED_TYPES:
            raise UsageError(
                f"{path}: key `config.{key}.type` is {_shown(declared)}; allowed: {', '.join(DECLARED_TYPES)}"
            )
    return config


def _kind(value: Any) -> str:
    if value is None:
        return "an empty file"
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _shown(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
