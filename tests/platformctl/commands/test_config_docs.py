"""`platformctl config-docs`: prints anywhere; writes only into this program's own Pulumi.yaml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.cli import main
from platformctl.commands import config_docs
from platformctl.docs.config_reference import BEGIN, reference

REPO = Path(__file__).resolve().parents[3]


def platformctl(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "config-docs", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )


def test_it_prints_the_reference_outside_any_project(tmp_path: Path):
    result = platformctl(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == reference() + "\n"


def test_write_outside_a_project_is_refused(tmp_path: Path):
    result = platformctl(tmp_path, "--write")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        f"error: config-docs --write: no Pulumi.yaml in {tmp_path.resolve()}; run it in the 'platform' project's "
        "directory or pass --cwd DIR\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("project", "name"), [("name: billing\nruntime: nodejs\n", "'billing'"), ("runtime: python\n", "None")]
)
def test_write_into_another_project_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], project: str, name: str
):
    (tmp_path / "Pulumi.yaml").write_text(project)
    assert main(["config-docs", "--write", "--cwd", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: config-docs --write: {tmp_path.resolve() / 'Pulumi.yaml'} is project {name}, not 'platform'"
    )
    assert (tmp_path / "Pulumi.yaml").read_text() == project


def test_write_with_an_unreadable_project_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "Pulumi.yaml").write_text("name: [platform\n")
    assert main(["config-docs", "--write", "--cwd", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: Pulumi.yaml is not valid YAML")


def test_write_refreshes_this_projects_file_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "Pulumi.yml").write_text("name: platform\nruntime: python\n")
    assert main(["config-docs", "--write", "--cwd", str(tmp_path)]) == 0
    assert main(["config-docs", "--write", "--cwd", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "Pulumi.yml updated\nPulumi.yml already up to date\n"
    assert (tmp_path / "Pulumi.yml").read_text() == f"name: platform\nruntime: python\n\n{reference()}\n"
    assert BEGIN in (tmp_path / "Pulumi.yml").read_text()


def test_a_file_it_cannot_write_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "Pulumi.yaml").write_text("name: platform\nruntime: python\n")

    def refuse(path: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(config_docs, "refresh", refuse)
    assert main(["config-docs", "--write", "--cwd", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"error: cannot update {tmp_path.resolve() / 'Pulumi.yaml'}: Permission denied\n"
