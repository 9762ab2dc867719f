"""One measurement in a process of its own: `python bench_probe.py REQUEST.json RESULT.json`.

The bench starts a fresh probe per measurement so that `getrusage` can speak for exactly one thing. The probe's
RUSAGE_CHILDREN covers every descendant reaped by the time the call returns: a worker forked by a server process is
counted once the server has reaped it and the probe has reaped the server. A descendant still alive afterwards (a
server kept for later calls) would be missed, so the probe lists its live children and the bench warns about them.

Kinds of request:
- preview {project, stack, save?}: `preview_stacks(project, [stack])`, optionally saving the resources for `pack`;
- pack {project, stack, resources}: `evaluate` over saved resources (the pack is the probe's only child);
- cli {argv, cwd}: `python -m platformctl ARGV` run inside the probe, stdout to /dev/null, so that RUSAGE_SELF is
  the CLI process itself.
"""

from __future__ import annotations

import json
import os
import resource
import runpy
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _live_children() -> list[int]:
    pids: list[int] = []
    for task in Path("/proc/self/task").iterdir():
        pids += [int(pid) for pid in (task / "children").read_text().split()]
    return pids


def measured(call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    self_before, children_before = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    started = time.perf_counter()
    result = call()
    wall = time.perf_counter() - started
    self_after, children_after = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {
        **result,
        "wall": wall,
        "cpu": _cpu(self_after) - _cpu(self_before) + _cpu(children_after) - _cpu(children_before),
        "self_rss_kib": self_after.ru_maxrss,  # Linux reports KiB
        "children_rss_kib": children_after.ru_maxrss,  # the largest reaped descendant
        "live_children": _live_children(),
    }


def _preview(request: dict[str, Any]) -> dict[str, Any]:
    from platformctl.preview.engine import preview_stacks
    from platformctl.project import load_project

    project = load_project(Path(request["project"]))
    previews: list[Any] = []

    def run() -> dict[str, Any]:
        previews.extend(preview_stacks(project, [request["stack"]], jobs=1))
        return {}

    result = measured(run)
    (preview,) = previews
    if request.get("save"):
        Path(request["save"]).write_text(json.dumps(preview.resources))
    return {
        **result,
        "ok": preview.ok,
        "message": preview.message,
        "resources": len(preview.resources),
        "program_seconds": preview.program_seconds,
        "engine_wall_seconds": preview.wall_seconds,
        "library_modules": preview.library_modules,
        "worker_rss_kib": getattr(preview, "peak_rss_kib", None),
    }


def _pack(request: dict[str, Any]) -> dict[str, Any]:
    from platformctl.policy.runner import evaluate
    from platformctl.project import load_project, load_stack_config

    project = load_project(Path(request["project"]))
    stack = request["stack"]
    environment = load_stack_config(project, stack).environment(project, stack)
    resources = json.loads(Path(request["resources"]).read_text())
    policies = project.program_dir / "policies"
    config = policies / "config" / f"{stack}.json"
    result = measured(
        lambda: {"findings": len(evaluate(policies, config, resources, project.name, stack, environment))}
    )
    return {**result, "resources": len(resources)}


def _cli(request: dict[str, Any]) -> dict[str, Any]:
    os.chdir(request["cwd"])
    sys.path.insert(0, request["cwd"])  # as `python -m` puts the working directory first
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # like the headline's `> /dev/null`; the result goes to a file
    sys.argv = ["platformctl", *request["argv"]]

    def run() -> dict[str, Any]:
        try:
            runpy.run_module("platformctl", run_name="__main__", alter_sys=True)
        except SystemExit as exit_:
            return {"exit": exit_.code}
        return {"exit": 0}

    return measured(run)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # the bench stops a probe with SIGTERM: unwind, so the engine removes its scratch dirs


def main(request_path: str, result_path: str) -> None:
    signal.signal(signal.SIGTERM, _interrupted)
    request = json.loads(Path(request_path).read_text())
    kinds = {"preview": _preview, "pack": _pack, "cli": _cli}
    result = kinds[request["kind"]](request)
    Path(result_path).write_text(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
