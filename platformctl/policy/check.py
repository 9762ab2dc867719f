"""Runs every requested policy pack over every previewed stack, in parallel worker threads."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from platform_core.errors import UsageError

from ..preview.engine import StackPreview
from ..project import Project, load_stack_config
from .runner import Finding, evaluate, start_pack, stop_pack

STACK_PLACEHOLDER = "{stack}"


def config_for(template: str | None, stack: str, base: Path) -> Path | None:
    """`--policy-pack-config` may name one file, or a template with {stack} for per-stack files."""
    if template is None:
        return None
    path = Path(template.replace(STACK_PLACEHOLDER, stack))
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise UsageError(f"policy pack config {path} does not exist")
    return path


# The pack processes started ahead of the previews, by (stack, pack directory).
Started = Mapping[tuple[str, Path], "subprocess.Popen[str]"]


@contextmanager
def started_packs(project: Project, stacks: list[str], packs: list[Path]) -> Iterator[Started]:
    """Every stack's pack processes, started now: each imports pulumi-policy, gRPC and the rules (about a second)
    while the fork server imports the provider SDKs, instead of after the programs. On the way out every process
    still running is stopped: a stack whose program failed, an interrupted preview."""
    started: dict[tuple[str, Path], subprocess.Popen[str]] = {}
    try:
        for stack in stacks:
            environment = load_stack_config(project, stack).environment(project, stack)
            for pack in packs:
                started[(stack, pack)] = start_pack(pack, environment)
        yield started
    finally:
        for process in started.values():
            stop_pack(process)


def check_stacks(
    project: Project,
    previews: list[StackPreview],
    packs: list[Path],
    configs: list[str | None],
    base: Path,
    started: Started | None = None,
) -> dict[str, list[Finding]]:
    """Findings per stack; only stacks whose program ran are checked."""
    jobs = [
        (preview, pack, config_for(config, preview.stack, base), (started or {}).get((preview.stack, pack)))
        for preview in previews
        if preview.ok
        for pack, config in zip(packs, configs, strict=True)
    ]
    findings: dict[str, list[Finding]] = {preview.stack: [] for preview in previews if preview.ok}
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        futures = [(job[0].stack, pool.submit(_evaluate, project, *job)) for job in jobs]
        for stack, future in futures:
            findings[stack] += future.result()
    return findings


def _evaluate(
    project: Project,
    preview: StackPreview,
    pack: Path,
    config: Path | None,
    started: subprocess.Popen[str] | None,
) -> list[Finding]:
    environment = load_stack_config(project, preview.stack).environment(project, preview.stack)
    return evaluate(pack, config, preview.resources, project.name, preview.stack, environment, started)


def pack_paths(packs: list[str], configs: list[str], base: Path) -> tuple[list[Path], list[str | None]]:
    """Like the CLI: one optional config per pack, matched by position."""
    if len(configs) > len(packs):
        raise UsageError(
            f"{len(configs)} --policy-pack-config given for {len(packs)} --policy-pack; "
            "give at most one config per pack, in the same order"
        )
    paths = [(Path(p) if Path(p).is_absolute() else base / p).resolve() for p in packs]
    for path in paths:
        if not (path / "PulumiPolicy.yaml").is_file():
            raise UsageError(f"--policy-pack {path}: not a policy pack (no PulumiPolicy.yaml)")
    return paths, [*configs, *([None] * (len(packs) - len(configs)))]
