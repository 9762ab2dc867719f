"""`python -m platformctl …`: the operator CLI.

Every command is a module of `platformctl.commands` with `register(parser)` (its options) and `run(args)`
(its exit status, an `ExitCode`). Only the chosen command's module is imported: `gate` in a deploy job must
not pay for the preview engine, nor `preview` need boto3.

Exit status: 0 success, 1 findings, a failed program or a resource the AWS provider would refuse (one error per
resource, with its URN, as `pulumi preview` reports them), 2 bad usage or bad configuration (one paragraph
on stderr naming the key, the value and what is allowed; never a traceback), 3 `gate` refused the deploy,
4 `bake` could not watch the alarms (AWS or the stack's outputs unreachable: neither healthy nor failing).
Interrupted, a command prints `interrupted` and exits 128 + the signal's number, as a shell reports a command a
signal ended: 130 for SIGINT (Ctrl-C), 143 for SIGTERM (a CI job's timeout), so a pipeline can tell an operator's
Ctrl-C from its own time limit. Either way its worker processes are stopped and its scratch files removed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from types import FrameType
from typing import NoReturn, Protocol, cast

from platform_core.errors import UsageError

from .exit_codes import ExitCode


@dataclass(frozen=True)
class Command:
    module: str
    help: str


# In the order `--help` lists them.
COMMANDS: dict[str, Command] = {
    "preview": Command("platformctl.commands.preview", "Preview stacks offline under the Pulumi SDK's mock monitor."),
    "cost": Command("platformctl.commands.cost", "Estimate each stack's monthly AWS cost offline."),
    "config-docs": Command(
        "platformctl.commands.config_docs", "Print (or --write into Pulumi.yaml) the platform:* key reference."
    ),
    "gate": Command(
        "platformctl.commands.gate", "Decide whether a stack may be deployed now (exit 0 allowed, 3 refused)."
    ),
    "urns": Command("platformctl.commands.urns", "List, snapshot (--write) or check the URNs of stateful resources."),
    "backup": Command("platformctl.commands.backup", "AWS Backup operations on a deployed stack."),
    "dr": Command("platformctl.commands.dr", "Disaster recovery: restore drill and regional failover."),
    "bake": Command(
        "platformctl.commands.bake",
        "Watch a stack's critical alarms after a deploy (exit 0 healthy, 1 alarm, 4 not watched).",
    ),
    "scan": Command(
        "platformctl.commands.scan", "Checkov on each stack's Terraform-plan export, against the scanner baseline."
    ),
    "security-score": Command(
        "platformctl.commands.security_score", "Security Hub's score per standard; --publish puts it in CloudWatch."
    ),
}


class CommandModule(Protocol):
    def register(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code is already 2; keep its text short
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """Every command is listed; only the one `argv` names gets its options (and its module imported)."""
    parser = Parser(prog="platformctl", description="Operate the platform-infrastructure program.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    chosen = _chosen_command(argv)
    for name, command in COMMANDS.items():
        subparser = commands.add_parser(name, help=command.help)
        if name == chosen:
            module = cast(CommandModule, import_module(command.module))
            module.register(subparser)
            subparser.set_defaults(run=module.run)
    return parser


def _chosen_command(argv: list[str]) -> str | None:
    # The top-level parser has no options of its own but --help, so the first word is the command.
    return next((word for word in argv if not word.startswith("-")), None)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt for SIGINT: a BaseException, so that no
    `except Exception` on the way up swallows it, and every `finally` (stopping workers, removing scratch
    directories) runs."""


def _terminated(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    # Only a default disposition is replaced: a parent that ignores SIGTERM for us keeps it ignored.
    replace = (
        threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    )
    if replace:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        if replace:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    try:
        with _sigterm_raises():
            args = build_parser(arguments).parse_args(arguments)
            return args.run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated:
        print("interrupted", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:
        # The reader went away (`platformctl preview | head`): what a command killed by SIGPIPE would report.
        # Python flushes stdout again at exit; pointing it at /dev/null keeps that from raising a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
