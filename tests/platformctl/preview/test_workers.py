"""Ctrl-C or SIGTERM stops a preview: one line, exit 130 or 143, no worker left running, no scratch left behind.
Both ways of starting workers: forked by the fork server (the default on POSIX) and spawned one by one
(PLATFORMCTL_PREVIEW_REFERENCE=1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from platformctl.preview.workers import Stopped, Workers
from tests.platformctl.cli_runs import REPO, alive, tiny_project

# Each stack's program says it has started (with its worker's pid), then takes far longer than the test waits.
SLOW = """
import os, pathlib, time, pulumi
pathlib.Path(f"started-{pulumi.get_stack()}").write_text(str(os.getpid()))
pathlib.Path(f"parent-{pulumi.get_stack()}").write_text(str(os.getppid()))
time.sleep(600)
"""
STACKS = ("one", "two", "three")  # more stacks than this machine may run at once: some wait for a free worker


def _started(project: Path) -> dict[str, int]:
    return {path.name: int(path.read_text() or 0) for path in project.glob("started-*") if path.read_text()}


MODES = {"forked": {}, "spawned": {"PLATFORMCTL_PREVIEW_REFERENCE": "1"}}


def _start_preview(project: Path, scratch: Path, mode: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k != "PLATFORMCTL_PREVIEW_REFERENCE"}
    return subprocess.Popen(
        [sys.executable, "-m", "platformctl", "preview", "--stack", "all", "--cwd", str(project)],
        cwd=REPO,
        env={**environment, "PYTHONPATH": str(REPO), "TMPDIR": str(scratch), **MODES[mode]},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Whoever started pytest may ignore SIGINT (a background job does); the CLI under test must not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _slow_project(tmp_path: Path) -> tuple[Path, Path]:
    project = tiny_project(tmp_path / "slow", SLOW)
    for stack in STACKS[1:]:
        (project / f"Pulumi.{stack}.yaml").write_text((project / "Pulumi.test.yaml").read_text())
    (project / "Pulumi.test.yaml").rename(project / "Pulumi.one.yaml")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    return project, scratch


def _wait_for_workers(project: Path) -> dict[str, int]:
    deadline = time.monotonic() + 120
    while len(_started(project)) < min(len(STACKS), os.cpu_count() or 1) and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = _started(project)
    assert workers and all(map(alive, workers.values())), "the workers should be running their programs"
    return workers


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("signum,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_preview_stops_its_workers_and_removes_its_scratch(tmp_path, signum, status, mode):
    project, scratch = _slow_project(tmp_path)
    preview = _start_preview(project, scratch, mode)
    try:
        workers = _wait_for_workers(project)
        parents = {int(path.read_text()) for path in project.glob("parent-*")}
        if mode == "forked":  # one server forked them all; it is not the CLI
            assert len(parents) == 1 and preview.pid not in parents, parents
        else:
            assert parents == {preview.pid}
        preview.send_signal(signum)
        stdout, stderr = preview.communicate(timeout=60)
    finally:
        preview.kill()
    assert preview.returncode == status, stderr
    assert stderr.splitlines()[-1] == "interrupted" and "Traceback" not in stderr, stderr
    assert "Previewing update" not in stdout
    assert not [pid for pid in workers.values() if alive(pid)], "a worker outlived the command"
    assert _started(project) == workers, "a waiting stack started its worker after the interrupt"
    assert list(scratch.iterdir()) == [], "a scratch directory was left behind"


def test_a_killed_cli_leaves_no_forked_worker_running(tmp_path):
    """SIGKILL gives the CLI no chance to stop anything: the fork server sees its stdin end and stops its
    children itself."""
    project, scratch = _slow_project(tmp_path)
    preview = _start_preview(project, scratch, "forked")
    try:
        workers = _wait_for_workers(project)
        [server] = {int(path.read_text()) for path in project.glob("parent-*")}
        preview.kill()
        preview.wait()
        deadline = time.monotonic() + 30
        while any(map(alive, [server, *workers.values()])) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        preview.kill()
    assert not [pid for pid in workers.values() if alive(pid)], "a worker outlived the killed command"
    assert not alive(server), "the fork server outlived the killed command"


def test_stopped_workers_start_no_more(tmp_path):
    workers = Workers()
    assert workers.run([sys.executable, "-c", "print('hi')"], cwd=tmp_path, env=os.environ) == ("hi\n", "")
    workers.stop()
    with pytest.raises(Stopped):
        workers.run([sys.executable, "-c", "print('hi')"], cwd=tmp_path, env=os.environ)
