"""A report destination that cannot be written stops `preview` with exit 2 before any program runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.preview.destinations import check_writable
from tests.platformctl.cli_runs import platformctl, tiny_project

# The program leaves a mark when it runs: a usage error must come before it does.
MARKING = "import pathlib, pulumi\npathlib.Path('ran').write_text('yes')\n"

BAD_DESTINATIONS = {
    "missing directory": (lambda tmp: tmp / "no-such-dir" / "findings.sarif", "does not exist; create it first"),
    "a directory": (lambda tmp: tmp, "is a directory; give the path of a file"),
    "below a file": (lambda tmp: tmp / "tiny" / "Pulumi.yaml" / "out", "is not a directory; create it first"),
    # sysfs refuses new files to root as well, where permission bits would not stop it.
    "unwritable directory": (lambda tmp: Path("/sys/findings.out"), "cannot write there (Permission denied)"),
}


@pytest.mark.parametrize("option", ["--sarif", "--markdown"])
@pytest.mark.parametrize("where,expected", BAD_DESTINATIONS.values(), ids=BAD_DESTINATIONS.keys())
def test_an_unwritable_report_destination_exits_2_before_the_program_runs(tmp_path, option, where, expected):
    project = tiny_project(tmp_path / "tiny", MARKING)
    destination = where(tmp_path)
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), option, str(destination))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {option} {destination}: ") and expected in result.stderr
    assert len(result.stderr.splitlines()) == 1, "no progress: nothing started"
    assert not (project / "ran").exists(), "the program ran before the destination was checked"


def test_a_writable_destination_is_left_as_it_was_until_the_report_is_written(tmp_path):
    existing = tmp_path / "summary.md"
    existing.write_text("previous")
    check_writable("--markdown", existing)
    check_writable("--sarif", tmp_path / "new.sarif")
    assert existing.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.md"], "the probe file is removed"


def test_the_reports_are_written_where_they_were_checked(tmp_path):
    project = tiny_project(tmp_path / "tiny")
    sarif, markdown = tmp_path / "out" / "findings.sarif", tmp_path / "out" / "summary.md"
    sarif.parent.mkdir()
    result = platformctl(
        "preview", "--stack", "test", "--cwd", str(project), "--sarif", str(sarif), "--markdown", str(markdown)
    )
    assert result.returncode == 0, result.stderr
    assert '"version": "2.1.0"' in sarif.read_text() and "## Cost estimate" in markdown.read_text()


def test_check_writable_raises_the_one_usage_error_type(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        check_writable("--sarif", tmp_path / "missing" / "x.sarif")
