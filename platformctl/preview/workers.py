"""The worker processes of one preview: started by the pool's threads, stopped together when the command is.

A signal reaches the command's main thread only; the threads wait on their workers. So the main thread, when
interrupted, stops every worker here: each thread's wait then returns, the thread removes its scratch
directory, and no worker outlives the command. A thread that had not started its worker yet starts none.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path

_GRACE_SECONDS = 5  # for a worker to exit after SIGTERM before it is killed


class Stopped(Exception):
    """The preview was stopped before this worker could start."""


class Workers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen[str]] = set()
        self._stopped = False

    def run(self, argv: list[str], cwd: Path, env: Mapping[str, str]) -> tuple[str, str]:
        """Run one worker to its end: its stdout and stderr."""
        with self._lock:  # under the lock: `stop` either sees this process or has refused to start it
            if self._stopped:
                raise Stopped
            process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            self._running.add(process)
        try:
            return process.communicate()
        finally:
            with self._lock:
                self._running.discard(process)

    def stop(self) -> None:
        """Terminate every running worker, wait for each, and start no more."""
        with self._lock:
            self._stopped = True
            running = list(self._running)
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
