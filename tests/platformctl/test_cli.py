"""The command protocol: one table of commands, each imported only when chosen, one set of exit statuses."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from platformctl.cli import COMMANDS, build_parser, main
from platformctl.exit_codes import ExitCode
from tests.platformctl.cli_runs import tiny_project

REPO = Path(__file__).resolve().parents[2]


def loaded_after(argv: list[str]) -> dict[str, object]:
    """Run `main(argv)` in a fresh interpreter: its exit status and the platformctl modules it imported."""
    script = (
        "import json, sys\n"
        "from platformctl.cli import main\n"
        "try:\n"
        f"    status = main({argv!r})\n"
        "except SystemExit as exit:\n"
        "    status = exit.code\n"
        "modules = sorted(m for m in sys.modules if m.startswith('platformctl') or m in ('boto3', 'pulumi'))\n"
        "print(json.dumps({'status': status, 'modules': modules}), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False)
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_the_exit_statuses_keep_their_numbers():
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "FINDINGS": 1,
        "USAGE": 2,
        "REFUSED": 3,
        "NOT_WATCHED": 4,
    }


def test_help_lists_every_command_without_importing_one():
    run = loaded_after(["--help"])
    assert run["status"] == 0
    assert not [m for m in run["modules"] if m.startswith("platformctl.commands.")], run["modules"]
    help_text = build_parser([]).format_help()
    assert "{" + ",".join(COMMANDS) + "}" in help_text
    for command in COMMANDS.values():
        assert command.help.split()[0] in help_text


def test_gate_imports_the_gate_command_only():
    run = loaded_after(["gate", "--stack", "prod", "--at", "2026-11-29T03:00:00Z"])
    assert run["status"] == ExitCode.OK
    assert [m for m in run["modules"] if m.startswith("platformctl.commands.")] == ["platformctl.commands.gate"]
    assert not {"boto3", "pulumi", "platformctl.preview.engine"} & set(run["modules"]), run["modules"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_follows_the_protocol(name):
    module = import_module(COMMANDS[name].module)
    assert callable(module.register) and callable(module.run)
    parser = build_parser([name])
    (subparsers,) = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    registered = {command: subparsers.choices[command].get_default("run") for command in COMMANDS}
    assert registered == {command: module.run if command == name else None for command in COMMANDS}


def test_a_usage_error_is_one_line_and_exit_2():
    result = subprocess.run(
        [sys.executable, "-m", "platformctl", "gate", "--stack", "nosuch"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.startswith("error: stack 'nosuch' has no stack file Pulumi.nosuch.yaml")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_an_argparse_error_exits_2(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["gate"])
    assert raised.value.code == ExitCode.USAGE
    assert "the following arguments are required: --stack" in capsys.readouterr().err


def test_the_console_script_previews_from_any_directory_with_cwd(tmp_path):
    script = Path(sys.executable).with_name("platformctl")  # installed beside the interpreter by `pip install -e .`
    result = subprocess.run(
        [str(script), "preview", "--stack", "dev", "--cwd", str(REPO), "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.OK, result.stderr
    assert "Previewing update (dev):" in result.stdout and "Monthly estimate (USD):" in result.stdout
    assert list(tmp_path.iterdir()) == [], "nothing written where it was started"


def test_main_puts_the_sigterm_disposition_back(capsys):
    with pytest.raises(SystemExit):
        main(["gate"])
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert "the following arguments are required" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    project = tiny_project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "platformctl", "preview", "--stack", "test", "--cwd", str(project), "--quiet"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `platformctl preview | head -1` once head has its line
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == 128 + signal.SIGPIPE
    assert "Traceback" not in stderr and stderr == ""
