"""`platformctl config-docs`: print the platform:* key reference, or refresh it in Pulumi.yaml."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..docs.config_reference import reference, refresh
from ..exit_codes import ExitCode


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true", help="Refresh the generated block in ./Pulumi.yaml.")


def run(args: argparse.Namespace) -> int:
    if args.write:
        changed = refresh(Path.cwd() / "Pulumi.yaml")
        print("Pulumi.yaml updated" if changed else "Pulumi.yaml already up to date")
    else:
        print(reference())
    return ExitCode.OK
