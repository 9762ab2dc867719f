"""`platformctl config-docs`: print the platform:* key reference, or refresh it in Pulumi.yaml.

`--write` edits only this program's project file: the reference documents the `platform:*` keys, and a project
of another name would read none of them, so writing it there is refused, as is writing where no project is.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from platform_core.errors import UsageError

from ..docs.config_reference import PROJECT_NAME, reference, refresh
from ..exit_codes import ExitCode
from ..project import read_yaml


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cwd", type=Path, default=Path.cwd(), help="Directory of the Pulumi project (for --write).")
    parser.add_argument(
        "--write", action="store_true", help=f"Refresh the generated block in Pulumi.yaml (project {PROJECT_NAME!r})."
    )


def run(args: argparse.Namespace) -> int:
    if not args.write:
        print(reference())
        return ExitCode.OK
    project_file = _this_project_file(args.cwd.resolve())
    try:
        changed = refresh(project_file)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot update {project_file}: {getattr(error, 'strerror', None) or error}") from None
    print(f"{project_file.name} updated" if changed else f"{project_file.name} already up to date")
    return ExitCode.OK


def _this_project_file(cwd: Path) -> Path:
    candidates = [cwd / name for name in ("Pulumi.yaml", "Pulumi.yml") if (cwd / name).is_file()]
    if not candidates:
        raise UsageError(
            f"config-docs --write: no Pulumi.yaml in {cwd}; run it in the {PROJECT_NAME!r} project's directory "
            "or pass --cwd DIR"
        )
    document = read_yaml(candidates[0])
    name = document.get("name") if isinstance(document, dict) else None
    if name != PROJECT_NAME:
        raise UsageError(
            f"config-docs --write: {candidates[0]} is project {name!r}, not {PROJECT_NAME!r}; the reference "
            f"documents the {PROJECT_NAME}:* keys of project {PROJECT_NAME!r} and is written only into its Pulumi.yaml"
        )
    return candidates[0]
