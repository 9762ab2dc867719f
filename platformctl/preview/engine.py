"""Offline preview: run each stack of a project in its own worker process and collect the result.

On POSIX the workers are children of one fork server, which imports the provider SDKs (and pydantic) once for all
stacks (`forkserver.py`); elsewhere, or with PLATFORMCTL_PREVIEW_REFERENCE set (`reference.py`),
each is a new interpreter.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..project import OFFLINE_FILE, Project, load_stack_config
from . import preload
from .progress import Progress
from .reference import reference
from .workers import ForkServer, Workers

# The directory holding the `platformctl` package: the worker may run under the project's own interpreter,
# which need not have platformctl installed.
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StackPreview:
    stack: str
    status: str  # ok | config-error | program-error | check-error (the AWS provider would refuse resources)
    message: str = ""
    resources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    diagnostics: list[dict[str, str]] = field(default_factory=list)
    program_seconds: float = 0.0
    wall_seconds: float = 0.0
    library_modules: list[str] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)  # {severity, urn, message}, also in diagnostics
    peak_rss_kib: int = 0  # the worker's; a forked one's includes the pages it shares with the fork server

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def ran(self) -> bool:
        """The program ran to the end: its resources are all there, even if some would be refused."""
        return self.status in ("ok", "check-error")


# Runs one stack's worker: (program dir, result file, environment file, scratch dir) -> its stdout and stderr.
Launch = Callable[[Path, Path, Path, Path], tuple[str, str]]


class _Stoppable(Protocol):
    def stop(self) -> None: ...


def preview_stacks(
    project: Project, stacks: list[str], jobs: int | None = None, progress: Progress | None = None
) -> list[StackPreview]:
    configs = {stack: load_stack_config(project, stack) for stack in stacks}  # usage errors before any run
    jobs = jobs or min(len(stacks), os.cpu_count() or 1)
    progress = progress or Progress.silent()
    with _launcher(project) as (launch, workers):
        pool = ThreadPoolExecutor(max_workers=max(jobs, 1))
        try:
            futures = [
                pool.submit(_run_stack, stack, configs[stack].environment(project, stack), project, launch, progress)
                for stack in stacks
            ]
            previews = [future.result() for future in futures]
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM) or failed: stop every worker, so that each thread returns, removes its
            # scratch directory and nothing outlives the command.
            workers.stop()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    for preview in previews:  # say what the preview made up, so nobody mistakes it for the stack's own value
        if configs[preview.stack].stand_ins:
            preview.diagnostics.append(
                {
                    "severity": "info",
                    "message": (
                        f"offline stand-ins from {OFFLINE_FILE} (the stack file does not set them): "
                        + ", ".join(configs[preview.stack].stand_ins)
                    ),
                }
            )
    return previews


@contextmanager
def _launcher(project: Project) -> Iterator[tuple[Launch, _Stoppable]]:
    environment = _worker_environment()
    if not hasattr(os, "fork") or reference():
        workers = Workers()

        def spawn(program_dir: Path, result: Path, environment_file: Path, scratch: Path) -> tuple[str, str]:
            # The cwd is not the program's directory: `-m` looks there first, and a checkout of another revision
            # (rollback previews one) would run its own platformctl's worker instead of this one.
            worker = [_interpreter(project), "-m", "platformctl.preview.worker"]
            argv = [*worker, str(program_dir), str(result), str(environment_file)]
            return workers.run(argv, cwd=scratch, env=environment)

        yield spawn, workers
        return
    # The server's directory, for the same reason as a worker's: not the program's.
    with tempfile.TemporaryDirectory(prefix="platformctl-") as scratch:
        argv = [_interpreter(project), "-m", "platformctl.preview.forkserver", *named_packages(project.program_dir)]
        server = ForkServer(argv, Path(scratch), environment)
        try:
            yield server.run, server
        finally:
            server.close()


def named_packages(program_dir: Path) -> list[str]:
    """The preloadable libraries (`preload.PACKAGES`) the program's sources name, which the fork server preloads:
    a program using none (a test's tiny project) would otherwise wait ~2 s for modules it never loads. A name in a
    comment costs only that wait; one the scan misses is imported by the child, as before."""
    wanted, found = set(preload.PACKAGES), set[str]()
    for directory, subdirectories, files in os.walk(program_dir):
        subdirectories[:] = [name for name in subdirectories if not _skipped(name)]
        for name in files:
            if name.endswith(".py"):
                text = (Path(directory) / name).read_text(errors="replace")
                found |= {package for package in wanted - found if package in text}
                if found == wanted:
                    return sorted(found)
    return sorted(found)


def _skipped(directory: str) -> bool:
    # Virtualenvs and caches hold other people's code, which names every SDK.
    return directory.startswith((".", "__")) or directory in ("venv", "node_modules", "site-packages")


def _worker_environment() -> dict[str, str]:
    # Bytecode is cached, as under the CLI's language host: without it every stack compiled each of the program's
    # modules from source again.
    return {**os.environ, "PYTHONPATH": _python_path()}


def _run_stack(
    stack: str, environment: dict[str, str], project: Project, launch: Launch, progress: Progress
) -> StackPreview:
    started = time.perf_counter()
    progress.stage(stack, "running program")
    with tempfile.TemporaryDirectory(prefix="platformctl-") as scratch:
        result_path, environment_path = Path(scratch) / "result.json", Path(scratch) / "environment.json"
        # Through a file: exec refuses any one variable over 128 KiB (E2BIG), and a config value can be that long.
        environment_path.write_text(json.dumps(environment))
        stdout, stderr = launch(project.program_dir, result_path, environment_path, Path(scratch))
        if not result_path.is_file():
            return StackPreview(
                stack=stack,
                status="program-error",
                message=(stderr or stdout).strip() or "the program exited early",
            )
        result = json.loads(result_path.read_text())
    violations = result.get("violations", [])
    diagnostics = result["diagnostics"] + _printed(stdout) + violations
    return StackPreview(
        stack=stack,
        status=result["status"],
        message=result["message"],
        resources=result["resources"],
        outputs=result["stackOutputs"],
        diagnostics=diagnostics,
        program_seconds=result["programSeconds"],
        library_modules=result.get("libraryModules", []),
        violations=violations,
        peak_rss_kib=result.get("peakRssKib", 0),
        wall_seconds=time.perf_counter() - started,
    )


def _printed(stdout: str) -> list[dict[str, str]]:
    return [{"severity": "info", "message": line} for line in stdout.splitlines() if line.strip()]


def _interpreter(project: Project) -> str:
    """The project's own virtualenv when Pulumi.yaml names one that exists, as the CLI would use."""
    if project.virtualenv:
        candidate = project.virtualenv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        if candidate.is_file():
            return str(candidate)
    return sys.executable


def _python_path() -> str:
    existing = os.environ.get("PYTHONPATH")
    return os.pathsep.join(filter(None, [str(_PACKAGE_ROOT), existing]))
