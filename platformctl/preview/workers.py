"""The worker processes of one preview: started by the pool's threads, stopped together when the command is.
Spawned one by one (`Workers`), or forked by one server (`ForkServer`, POSIX).

A signal reaches the command's main thread only; the threads wait on their workers. So the main thread, when
interrupted, stops every worker here: each thread's wait then returns, the thread removes its scratch
directory, and no worker outlives the command. A thread that had not started its worker yet starts none.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
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


_DIED = "the preview's fork server exited early"


class _Request:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.status: int | None = None


class ForkServer:
    """The workers as children of one fork server (`forkserver.py`): the same `stop` contract as `Workers`.

    Each pool thread sends its request and waits for the server's exit notice, which a reader thread hands to
    it. If the server dies, each waiting thread returns at once with the server's stderr as its own: the engine
    reports a program error rather than waiting forever."""

    def __init__(self, argv: list[str], cwd: Path, env: Mapping[str, str]) -> None:
        self._lock = threading.Lock()
        self._requests: dict[str, _Request] = {}
        self._stopped = False
        self._dead = False  # the server has exited (its stdout ended)
        self._next_id = 0
        self._errors: list[str] = []
        self._process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Its own session: a Ctrl-C at the terminal reaches the CLI, which stops the server, which stops its
            # children; a signal to the terminal's process group does not kill the server under them.
            start_new_session=True,
        )
        self._readers = [
            threading.Thread(target=self._read_notices, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def run(self, program_dir: Path, result: Path, environment: Path, scratch: Path) -> tuple[str, str]:
        """Run one stack's worker to its end, in `scratch`: its stdout and stderr."""
        stdout, stderr = scratch / "stdout", scratch / "stderr"
        request = _Request()
        with self._lock:  # under the lock: `stop` either sees this request or has refused it
            if self._stopped:
                raise Stopped
            if self._dead:
                return "", self._server_errors() or _DIED
            self._next_id += 1
            request_id = str(self._next_id)
            self._requests[request_id] = request
            message = {"id": request_id, "program_dir": str(program_dir), "result": str(result)}
            message |= {"environment": str(environment), "stdout": str(stdout), "stderr": str(stderr)}
            try:
                assert self._process.stdin is not None
                self._process.stdin.write(json.dumps(message | {"cwd": str(scratch)}) + "\n")
                self._process.stdin.flush()
            except (BrokenPipeError, ValueError):  # the server is gone: the reader has woken or will wake us
                pass
        request.done.wait()
        with self._lock:
            self._requests.pop(request_id, None)
        if request.status is None:  # never ran to its end: the server died or was stopped
            return "", self._server_errors() or _DIED
        return _read(stdout), _read(stderr)

    def close(self) -> None:
        """No more requests: the server exits once its children have (there are none when every run returned)."""
        with self._lock:
            self._stopped = True
            if self._process.stdin and not self._process.stdin.closed:
                with contextlib.suppress(BrokenPipeError):
                    self._process.stdin.close()
        self._wait()

    def stop(self) -> None:
        """Stop the server, which terminates and reaps its children, and start no more."""
        with self._lock:
            self._stopped = True
        if self._process.poll() is None:
            self._process.terminate()
        self.close()

    def _wait(self) -> None:
        try:
            self._process.wait(timeout=2 * _GRACE_SECONDS)
        except subprocess.TimeoutExpired:  # the server and any child of it share its process group
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        for reader in self._readers:
            reader.join()

    def _read_notices(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            notice = json.loads(line)
            with self._lock:
                request = self._requests.get(notice["id"])
            if request is not None and "status" in notice:
                request.status = notice["status"]
                request.done.set()
        self._kill_leftovers()
        with self._lock:  # the server is gone: whoever still waits will get no notice
            self._dead = True
            waiting = list(self._requests.values())
        for request in waiting:
            request.done.set()

    def _kill_leftovers(self) -> None:
        # A server that died (SIGKILL, a crash) left its children running. They share its process group, whose
        # id stays the server's while the server is an unreaped zombie: waited for without reaping, then the
        # whole group killed. After a normal exit the group is empty and this does nothing.
        with contextlib.suppress(ChildProcessError, ProcessLookupError, PermissionError):
            os.waitid(os.P_PID, self._process.pid, os.WEXITED | os.WNOWAIT)
            os.killpg(self._process.pid, signal.SIGKILL)

    def _read_errors(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            if sum(map(len, self._errors)) < 1 << 16:
                self._errors.append(line)

    def _server_errors(self) -> str:
        # Its stderr ends when it does: read to the end before quoting it.
        self._readers[1].join(timeout=_GRACE_SECONDS)
        return "".join(self._errors).strip()


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:  # the child died before it opened it
        return ""
