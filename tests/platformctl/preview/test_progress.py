"""Progress goes to stderr: one line per stage in a log, a live line per stack on a terminal; stdout stays clean."""

from __future__ import annotations

import io
import json

from platformctl.preview.progress import Progress
from tests.platformctl.cli_runs import platformctl, tiny_project


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_one_line_per_stage_and_stdout_stays_the_json_document(tmp_path):
    project = tiny_project(tmp_path)
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cost"]["stack"] == "test", "stdout is the JSON document alone"
    assert result.stderr.splitlines() == ["test: running program", "test: pricing"]
    assert "\x1b" not in result.stderr, "no terminal control characters in a log"


def test_cost_prints_its_stages_too_and_quiet_prints_none(tmp_path):
    project = tiny_project(tmp_path)
    assert platformctl("cost", "--stack", "test", "--cwd", str(project)).stderr.splitlines() == [
        "test: running program",
        "test: pricing",
    ]
    quiet = platformctl("preview", "--stack", "test", "--cwd", str(project), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_terminal_gets_a_live_line_per_stack_erased_at_the_end():
    terminal = Terminal()
    with Progress(["dev", "prod"], terminal) as progress:
        progress.stage("dev", "running program")
        first = terminal.getvalue()
        progress.stage("prod", "running program")
        progress.stage("dev", "pricing")
    assert first == "dev: running program\nprod: waiting\n"
    # Each update goes back up over the stacks' lines and redraws them; the end clears them away.
    assert terminal.getvalue() == (
        first
        + "\x1b[2F\x1b[Jdev: running program\nprod: running program\n"
        + "\x1b[2F\x1b[Jdev: pricing\nprod: running program\n"
        + "\x1b[2F\x1b[J"
    )


def test_progress_goes_to_stderr_unless_quiet(capsys):
    for quiet in (False, True):
        with Progress.on_stderr(["dev"], quiet=quiet) as progress:
            progress.stage("dev", "running program")
    captured = capsys.readouterr()
    assert captured.err == "dev: running program\n" and captured.out == ""
