"""Offline preview: run each stack of a project in its own worker process and collect the result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..project import OFFLINE_FILE, Project, load_stack_config

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
    provider_modules: list[str] = field(default_factory=list)
    violations: list[dict[str, str]] = field(default_factory=list)  # {severity, urn, message}, also in diagnostics

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def ran(self) -> bool:
        """The program ran to the end: its resources are all there, even if some would be refused."""
        return self.status in ("ok", "check-error")


def preview_stacks(project: Project, stacks: list[str], jobs: int | None = None) -> list[StackPreview]:
    configs = {stack: load_stack_config(project, stack) for stack in stacks}  # usage errors before any run
    jobs = jobs or min(len(stacks), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = [
            pool.submit(_run_stack, project, stack, configs[stack].environment(project, stack)) for stack in stacks
        ]
        previews = [future.result() for future in futures]
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


def _run_stack(project: Project, stack: str, environment: dict[str, str]) -> StackPreview:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="platformctl-") as scratch:
        result_path = Path(scratch) / "result.json"
        env = {**os.environ, **environment, "PYTHONPATH": _python_path(), "PYTHONDONTWRITEBYTECODE": "1"}
        completed = subprocess.run(
            [_interpreter(project), "-m", "platformctl.preview.worker", str(project.program_dir), str(result_path)],
            cwd=project.program_dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if not result_path.is_file():
            return StackPreview(
                stack=stack,
                status="program-error",
                message=(completed.stderr or completed.stdout).strip() or "the program exited early",
            )
        result = json.loads(result_path.read_text())
    violations = result.get("violations", [])
    diagnostics = result["diagnostics"] + _printed(completed.stdout) + violations
    return StackPreview(
        stack=stack,
        status=result["status"],
        message=result["message"],
        resources=result["resources"],
        outputs=result["stackOutputs"],
        diagnostics=diagnostics,
        program_seconds=result["programSeconds"],
        provider_modules=result.get("providerModules", []),
        violations=violations,
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
