"""The measurements the scaling and Checkov benches run in a child process (see scaling_child): module-level,
so that a spawned process can import them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaling_child import Measured, in_child

from platformctl.policy.runner import PackFailed, evaluate
from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project


@dataclass(frozen=True)
class PreviewRun:
    resources: list[dict[str, Any]]
    program_seconds: float
    wall_seconds: float
    worker_rss_kib: int  # the engine's own figure when it reports one, else 0


@dataclass(frozen=True)
class BestPreview:
    resources: list[dict[str, Any]]
    program_seconds: float  # each the best of the runs, independently of the others
    wall_seconds: float
    cpu_seconds: float  # of the worker processes
    peak_rss_kib: int


def one_preview(root: str, stack: str) -> PreviewRun:
    (preview,) = preview_stacks(load_project(Path(root)), [stack], jobs=1)
    if not preview.ok:
        raise SystemExit(f"bench: the preview of {stack} failed ({preview.status}): {preview.message}")
    rss = getattr(preview, "peak_rss_kib", 0) or 0
    return PreviewRun(preview.resources, preview.program_seconds, preview.wall_seconds, rss)


def best_previews(root: str, stacks: list[str], repeat: int) -> dict[str, BestPreview]:
    """Best of `repeat` previews of each stack, each run in a fresh child, after a warm-up round (cold file
    caches would otherwise land on whichever stack runs first). The stacks take turns, round after round:
    a burst of other load on a shared machine then slows one run of several stacks, not every run of one."""
    runs: dict[str, list[Measured[PreviewRun]]] = {stack: [] for stack in stacks}
    for _ in range(repeat + 1):
        for stack in stacks:
            runs[stack].append(in_child(one_preview, root, stack))
    return {stack: _best(stack, measured) for stack, measured in runs.items()}


def _best(stack: str, runs: list[Measured[PreviewRun]]) -> BestPreview:
    measured = runs[1:] or runs  # repeat 0: a single run, to count resources
    if len({len(run.value.resources) for run in measured}) != 1:
        raise SystemExit(f"bench: the previews of {stack} registered different numbers of resources")
    return BestPreview(
        resources=measured[0].value.resources,
        program_seconds=min(run.value.program_seconds for run in measured),
        wall_seconds=min(run.value.wall_seconds for run in measured),
        cpu_seconds=min(run.cpu_seconds for run in measured),
        peak_rss_kib=max(run.value.worker_rss_kib or run.peak_rss_kib for run in runs),
    )


def pack_findings(
    pack: str, config: str, resources: list[dict[str, Any]], project: str, stack: str, environment: dict[str, str]
) -> int:
    """One evaluation of the pack, start-up included as on every preview; the number of findings."""
    try:
        return len(evaluate(Path(pack), Path(config), resources, project, stack, environment))
    except PackFailed as error:
        raise SystemExit(f"bench: the policy pack failed on {stack}: {error}") from None
