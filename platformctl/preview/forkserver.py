"""One process that imports the Pulumi SDK and the provider modules once, then forks a child per stack.

Importing pulumi_aws and pulumi_kubernetes is most of a worker's time (~2.2 s), paid by every stack when each
worker is a new interpreter. Started as `python -m platformctl.preview.forkserver PACKAGE...` (the provider
packages whose modules to preload) by the engine (POSIX only), in a session of its own, under the interpreter
and environment a worker would have. It reads one JSON request a line on stdin, {id, program_dir, result,
environment, stdout, stderr, cwd}, forks a child that runs exactly what
`python -m platformctl.preview.worker PROGRAM_DIR RESULT ENVIRONMENT` would, and writes {id, pid} once forked
and {id, status} once reaped (the exit code, or minus the signal). On stdin's end (the CLI is gone or done) or
SIGTERM it terminates its children, reaps them and exits: nothing outlives the command.

Nothing the SDK reads at import differs per stack: the config (PULUMI_CONFIG), project and stack are read when
the child configures its settings and runs the program, after it has set its stack's environment. The server
starts no thread and no gRPC channel (the child's mock monitor is in-process), so forking it is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import selectors
import signal
import sys
import time
import traceback
from typing import Any

from . import preload, worker

_GRACE_SECONDS = 5  # for a child to exit after SIGTERM before it is killed
_STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_BLOCKED = {signal.SIGCHLD, *_STOPPING_SIGNALS}
_START_DIRECTORY = os.getcwd()


class Server:
    def __init__(self) -> None:
        self.children: dict[int, str] = {}  # pid -> request id
        self.stopping = False
        self.pending = b""
        self.wakeup_read, self.wakeup_write = os.pipe()
        for fd in (self.wakeup_read, self.wakeup_write):
            os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()

    def serve(self) -> None:
        # A signal writes a byte to the wakeup pipe, which ends the wait in `select`: no polling.
        signal.set_wakeup_fd(self.wakeup_write)
        for signum in (signal.SIGCHLD, *_STOPPING_SIGNALS):
            signal.signal(signum, self._on_signal)
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ)
        self.selector.register(self.wakeup_read, selectors.EVENT_READ)
        while not self.stopping:
            for key, _ in self.selector.select():
                if key.fd == self.wakeup_read:
                    self._drain_wakeup()
                else:
                    self._read_requests()
            self._reap()
        self._stop_children()

    def _on_signal(self, signum: int, frame: Any) -> None:
        if signum != signal.SIGCHLD:
            self.stopping = True

    def _drain_wakeup(self) -> None:
        try:
            while os.read(self.wakeup_read, 512):
                pass
        except BlockingIOError:
            pass

    def _read_requests(self) -> None:
        data = os.read(sys.stdin.fileno(), 1 << 16)
        if not data:  # the CLI closed the pipe, or died
            self.stopping = True
            return
        self.pending += data
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            if line.strip() and not self.stopping:
                self._fork(json.loads(line))

    def _fork(self, request: dict[str, str]) -> None:
        # Blocked across the fork: a SIGTERM meant for the child waits until the child has its default handlers,
        # instead of running the server's handler in the child and being lost.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)
        pid = os.fork()
        if pid == 0:
            self._child(request, mask)  # never returns
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.children[pid] = request["id"]
        self._send({"id": request["id"], "pid": pid})

    def _child(self, request: dict[str, str], mask: set[int | signal.Signals]) -> None:
        code = 1
        try:
            self._become_worker(request, mask)
            code = worker.main([request["program_dir"], request["result"], request["environment"]])
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except BaseException:  # noqa: BLE001 reported like a worker's crash: on its stderr, exit 1
            traceback.print_exc()
        worker.exit_without_teardown(code)

    def _become_worker(self, request: dict[str, str], mask: set[int | signal.Signals]) -> None:
        """What a new worker process would have: default signal handling, none of the server's pipes, its own
        stdout/stderr files, directory, argv and event loop."""
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.selector.close()
        os.close(self.wakeup_read)
        os.close(self.wakeup_write)
        _redirect(0, os.devnull, os.O_RDONLY)
        _redirect(1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        _redirect(2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.chdir(request["cwd"])
        if sys.path and sys.path[0] == _START_DIRECTORY:  # `-m` put the start directory first, as for a worker
            sys.path[0] = request["cwd"]
        sys.argv = [worker.__file__, request["program_dir"], request["result"], request["environment"]]
        asyncio.set_event_loop_policy(None)  # a new policy holds no loop: the child's first use makes its own

    def _reap(self) -> None:
        while self.children:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            request_id = self.children.pop(pid, None)
            if request_id is not None:
                self._send({"id": request_id, "status": os.waitstatus_to_exitcode(wait_status)})

    def _stop_children(self) -> None:
        self.selector.unregister(sys.stdin.fileno())  # at its end it would stay readable: only signals wake us
        for pid in self.children:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + _GRACE_SECONDS
        while self.children and time.monotonic() < deadline:
            self.selector.select(timeout=deadline - time.monotonic())
            self._drain_wakeup()
            self._reap()
        for pid in self.children:
            _kill(pid, signal.SIGKILL)
        for pid in list(self.children):
            os.waitpid(pid, 0)
            self.children.pop(pid)

    def _send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        try:
            while data:
                data = data[os.write(sys.stdout.fileno(), data) :]
        except BrokenPipeError:  # nobody reads any more: the CLI is gone
            self.stopping = True


def _redirect(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, fd)
    os.close(opened)


def _kill(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def main(packages: list[str]) -> int:
    # With the collector on, importing ~1,000 modules ran ~6 full collections, each walking everything imported so
    # far: 2.1-2.3 s instead of 1.2-1.7 s (pydantic after the SDKs 0.31 s instead of 0.05 s), for the same peak
    # memory. The children run with it off anyway.
    gc.disable()
    preload.load(packages=packages)
    # Everything imported so far lives as long as the server: out of the collector's reach in every child, whose
    # copy-on-write pages a collection would otherwise touch (and copy).
    gc.freeze()
    gc.enable()
    Server().serve()
    return 0


if __name__ == "__main__":
    # Every child is reaped by now: tearing the preloaded modules down took 0.12 s of each command (0.03 s without).
    worker.exit_without_teardown(main(sys.argv[1:]))
