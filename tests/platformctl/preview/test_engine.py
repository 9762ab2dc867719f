"""The engine hands each worker its stack's config through a file: a value over exec's 128 KiB limit arrives."""

from __future__ import annotations

import json
import shutil

import pytest

from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project
from tests.platformctl.cli_runs import REPO, platformctl, tiny_project

LONG = 150_000  # over MAX_ARG_STRLEN (128 KiB): exec fails with E2BIG if it is passed in the environment


def test_a_150000_character_config_value_reaches_the_program_whole(tmp_path):
    project = tiny_project(
        tmp_path,
        "import pulumi\npulumi.export('length', len(pulumi.Config().require('blob')))\n",
        config=f"  tiny:blob: {'x' * LONG}\n",
    )
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--json")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["steps"][0]["newState"]["outputs"] == {"length": LONG}


def test_the_platform_with_a_150000_character_config_value_runs_or_reports_a_config_error(tmp_path):
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.dev.yaml", "platformctl.offline.yaml"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "components", tmp_path / "components", ignore=shutil.ignore_patterns("__pycache__"))
    stack = (tmp_path / "Pulumi.dev.yaml").read_text()
    (tmp_path / "Pulumi.dev.yaml").write_text(f"{stack.rstrip()}\n  platform:notes: {'n' * LONG}\n")
    result = platformctl("preview", "--stack", "dev", "--cwd", str(tmp_path), "--quiet")
    assert "Traceback" not in result.stderr and "Argument list too long" not in result.stderr
    assert result.returncode in (0, 2), result.stderr[-2000:]
    if result.returncode == 2:  # the config model refuses an unknown key: a config error, naming it
        assert result.stderr.startswith("error: stack 'dev': ") and "platform:notes" in result.stderr


def test_no_scratch_directory_outlives_a_preview(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)  # tempfile caches the directory it chose first
    [preview] = preview_stacks(load_project(tiny_project(tmp_path / "tiny")), ["test"])
    assert preview.ok, preview.message
    assert list(scratch.iterdir()) == []


# A thread the program leaves running finishes before its worker exits, as a normal exit would let it.
LEAVES_A_THREAD = """
import pathlib, threading, time, pulumi
def later():
    time.sleep(1)
    pathlib.Path("thread-finished").write_text("yes")
threading.Thread(target=later).start()
pulumi.export("started", True)
"""


@pytest.mark.parametrize("reference", ["", "1"], ids=["forked", "spawned"])
def test_a_thread_the_program_leaves_running_finishes_before_the_worker_exits(tmp_path, monkeypatch, reference):
    monkeypatch.setenv("PLATFORMCTL_PREVIEW_REFERENCE", reference)
    project = tiny_project(tmp_path / "tiny", LEAVES_A_THREAD)
    [preview] = preview_stacks(load_project(project), ["test"])
    assert preview.ok, preview.message
    assert (project / "thread-finished").read_text() == "yes", "the worker exited under the program's thread"
