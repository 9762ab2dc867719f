"""Running measured processes for the bench: probes, the same-imports baseline project, paired statistics."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PROBE = Path(__file__).resolve().parent / "bench_probe.py"
_GRACE_SECONDS = 10

BASELINE_PROGRAM = textwrap.dedent("""
    import importlib
    import pulumi

    # The library modules the stack's program loaded: the comparison then isolates what our code adds per
    # resource from what importing pulumi_aws, pulumi_kubernetes, pulumi_random and pydantic costs any program that
    # uses them.
    # The names are also for the engine's fork server, which preloads the libraries a program's sources name:
    # without them the baseline imported pydantic inside its timed program instead.
    for module in pulumi.Config().get_object("modules") or []:
        importlib.import_module(module)

    class Plain(pulumi.CustomResource):
        def __init__(self, name, props):
            super().__init__("bench:index:Plain", name, props)

    for index in range(pulumi.Config().require_int("count")):
        Plain(f"plain-{index}", {"index": index, "label": f"resource {index}", "enabled": True})
""")


def run_process(
    argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, stdout: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    """Run to the end; on Ctrl-C or any error stop the whole process group, so no worker or pack outlives the bench."""
    # A session of its own: SIGTERM then reaches the command and every process it started, by the group's id.
    process = subprocess.Popen(
        argv, cwd=cwd, env=None if env is None else dict(env), stdout=stdout, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate()
    except BaseException:
        _stop_group(process)
        raise
    return subprocess.CompletedProcess(list(argv), process.returncode, out, err)


def _stop_group(process: subprocess.Popen[str]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=_GRACE_SECONDS)
            break
        except subprocess.TimeoutExpired:
            continue


def probe(request: dict[str, Any]) -> dict[str, Any]:
    """One measurement in a fresh child process (see bench_probe.py): its result, or SystemExit if it failed."""
    with tempfile.TemporaryDirectory(prefix="bench-probe-") as scratch:
        request_path, result_path = Path(scratch) / "request.json", Path(scratch) / "result.json"
        request_path.write_text(json.dumps(request))
        done = run_process([sys.executable, str(PROBE), str(request_path), str(result_path)], cwd=Path(scratch))
        if done.returncode != 0 or not result_path.is_file():
            raise SystemExit(f"bench probe {request['kind']} failed ({done.returncode}): {done.stderr.strip()}")
        result: dict[str, Any] = json.loads(result_path.read_text())
    if result.get("ok") is False:
        raise SystemExit(f"bench preview of {request.get('stack')} failed: {result['message']}")
    return result


@contextmanager
def baseline_project(count: int, modules: list[str]) -> Iterator[Path]:
    """A project whose stack `bench` registers `count` plain resources after importing `modules`."""
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as scratch:
        root = Path(scratch)
        (root / "Pulumi.yaml").write_text("name: baseline\nruntime: python\n")
        (root / "Pulumi.bench.yaml").write_text(
            f"config:\n  baseline:count: {count}\n  baseline:modules: {json.dumps(modules)}\n"
        )
        (root / "__main__.py").write_text(BASELINE_PROGRAM)
        yield root


def paired_order(round_: int, first: str, second: str) -> tuple[str, str]:
    """Alternate which side goes first, so drift in the machine's load does not favour one side."""
    return (first, second) if round_ % 2 == 0 else (second, first)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def median_ratio(ours: Sequence[float], theirs: Sequence[float]) -> float:
    """The median of the per-round ratios: each round's pair ran back to back under the same load."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def mib(kib: int | None) -> str:
    """KiB as whole MiB; "n/a" where no figure was reported (None, or the engine's 0)."""
    return f"{kib / 1024:.0f}" if kib else "n/a"


def verdict(value: float, target: float) -> str:
    return "within" if value <= target else "OVER"
