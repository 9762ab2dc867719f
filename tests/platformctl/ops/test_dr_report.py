"""The drill's report (dr_report): its directory is checked before any AWS call, its default is git-ignored, and
no report is ever overwritten."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from platformctl.cli import main
from platformctl.ops import dr_report
from platformctl.ops.dr_drill import Drill
from tests.platformctl.ops.rds_stack import REPO, drill_argv, drill_reports, point_aws_nowhere, seed_database


def drill_into(tmp_path: Path, report_dir: str, monkeypatch: pytest.MonkeyPatch) -> int:
    point_aws_nowhere(monkeypatch)  # a check that came after an AWS call would fail differently
    argv = drill_argv(tmp_path, "dev")
    return main([*argv[: argv.index("--report-dir")], "--report-dir", report_dir])


def test_a_file_is_no_report_directory(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = tmp_path / "taken"
    taken.write_text("")
    assert drill_into(tmp_path, str(taken), monkeypatch) == 2
    expected = f"--report-dir {taken}: is a file, not a directory; pass a directory for the drill's reports"
    assert capsys.readouterr().err == f"error: {expected}\n"


def test_a_report_directory_needs_its_parent(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert drill_into(tmp_path, str(tmp_path / "typo" / "reports"), monkeypatch) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --report-dir {tmp_path}/typo/reports: its parent {tmp_path}/typo is not an existing")
    assert not (tmp_path / "typo").exists()


def test_an_unwritable_report_directory(tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # sysfs refuses new files to every user, root included (where a chmod-ed directory would prove nothing).
    assert drill_into(tmp_path, "/sys", monkeypatch) == 2
    err = capsys.readouterr().err
    assert err == "error: --report-dir /sys: cannot create it or write reports there (Permission denied)\n"


def test_a_default_report_directory_that_cannot_be_created(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").write_text("")  # a file where the default's parent should be
    point_aws_nowhere(monkeypatch)
    argv = drill_argv(tmp_path, "dev")
    assert main(argv[: argv.index("--report-dir")]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: the report directory out/dr-drills (the default): cannot create it")
        and "Traceback" not in err
    )


def test_reports_go_to_a_git_ignored_directory_by_default(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_database()
    monkeypatch.chdir(tmp_path)
    argv = drill_argv(tmp_path, "dev")
    assert main(argv[: argv.index("--report-dir")]) == 0
    (report,) = drill_reports(tmp_path / "out" / "dr-drills")
    name = f"{dr_report.DEFAULT_DIRECTORY}/dr-drill-dev-{report['runId']}.md"
    assert (tmp_path / name).is_file()
    # Run from the project, as every platformctl command is, the same path is one git ignores.
    assert subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO, check=False).returncode == 0


def test_a_report_is_never_overwritten(tmp_path: Path) -> None:
    drill = Drill("dev", {"tier": "dev", "databaseIdentifier": "db"}, started=datetime.now(UTC))
    first = dr_report.write(drill, tmp_path)
    first_text = [path.read_text() for path in first]
    (tmp_path / f"dr-drill-dev-{drill.run_id}.2.json").write_text("someone else's")  # half a pair taken

    drill.notes.append("a second report of the same run id")
    second = dr_report.write(drill, tmp_path)

    assert [path.read_text() for path in first] == first_text
    assert [path.name for path in second] == [
        f"dr-drill-dev-{drill.run_id}.3.md",
        f"dr-drill-dev-{drill.run_id}.3.json",
    ]
    assert "a second report" in second[0].read_text()
    assert not (tmp_path / f"dr-drill-dev-{drill.run_id}.2.md").exists()
    assert (tmp_path / f"dr-drill-dev-{drill.run_id}.2.json").read_text() == "someone else's"
