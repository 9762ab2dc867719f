"""Ctrl-C or SIGTERM stops a preview: one line, exit 130 or 143, no worker left running, no scratch left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from platformctl.preview.workers import Stopped, Workers
from tests.platformctl.cli_runs import REPO, tiny_project

# Each stack's program says it has started (with its worker's pid), then takes far longer than the test waits.
SLOW = """
import os, pathlib, time, pulumi
pathlib.Path(f"started-{pulumi.get_stack()}").write_text(str(os.getpid()))
time.sleep(600)
"""
STACKS = ("one", "two", "three")  # more stacks than this machine may run at once: some wait for a free worker


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _started(project: Path) -> dict[str, int]:
    return {path.name: int(path.read_text() or 0) for path in project.glob("started-*") if path.read_text()}


def _start_preview(project: Path, scratch: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "platformctl", "preview", "--stack", "all", "--cwd", str(project)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Whoever started pytest may ignore SIGINT (a background job does); the CLI under test must not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize("signum,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_preview_stops_its_workers_and_removes_its_scratch(tmp_path, signum, status):
    project = tiny_project(tmp_path / "slow", SLOW)
    for stack in STACKS[1:]:
        (project / f"Pulumi.{stack}.yaml").write_text((project / "Pulumi.test.yaml").read_text())
    (project / "Pulumi.test.yaml").rename(project / "Pulumi.one.yaml")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    preview = _start_preview(project, scratch)
    try:
        deadline = time.monotonic() + 120
        while len(_started(project)) < min(len(STACKS), os.cpu_count() or 1) and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _started(project)
        assert workers and all(map(_alive, workers.values())), "the workers should be running their programs"
        preview.send_signal(signum)
        stdout, stderr = preview.communicate(timeout=60)
    finally:
        preview.kill()
    assert preview.returncode == status, stderr
    assert stderr.splitlines()[-1] == "interrupted" and "Traceback" not in stderr, stderr
    assert "Previewing update" not in stdout
    assert not [pid for pid in workers.values() if _alive(pid)], "a worker outlived the command"
    assert _started(project) == workers, "a waiting stack started its worker after the interrupt"
    assert list(scratch.iterdir()) == [], "a scratch directory was left behind"


def test_stopped_workers_start_no_more(tmp_path):
    workers = Workers()
    assert workers.run([sys.executable, "-c", "print('hi')"], cwd=tmp_path, env=os.environ) == ("hi\n", "")
    workers.stop()
    with pytest.raises(Stopped):
        workers.run([sys.executable, "-c", "print('hi')"], cwd=tmp_path, env=os.environ)
