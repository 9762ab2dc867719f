"""Scaling of the offline preview and the policy pack: prod at about 1x, 2x, 4x and 8x its resources.

The sizes come from bench-only stacks (bench/scaling_stacks.py: prod with more application namespaces, in a
temporary copy of the project). Per size: the program's time and the preview's wall (best of
PREVIEW_REPEAT after a warm-up) and the pack's evaluation over that preview (best of PACK_REPEAT, start-up
included as on every preview), each measured in a fresh child process so that its peak RSS is its own. A
least-squares line time = a + b * resources is fitted to the program and to the pack separately; a linear
cost has R² close to 1. Then each rule of the pack is timed in-process at 1x and 8x, to find any whose cost
per resource grows with the stack.

Runs alone (`python bench/scaling.py`) or through `scaling_report` from bench/preview_bench.py.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench_measure import mib
from scaling_child import Measured, in_child
from scaling_fit import Fit, linear_fit
from scaling_rules import NOISE_FLOOR_SECONDS, RULE_REPEAT, STILL_GROWING, SUPER_LINEAR, rule_costs
from scaling_runs import BestPreview, best_previews, pack_findings
from scaling_stacks import SOURCE_STACK, ScaledProject, namespaces_for, scaled_project

from platformctl.project import load_stack_config

FACTORS = (1, 2, 4, 8)
PREVIEW_REPEAT = 3
PACK_REPEAT = 2
TARGET_R_SQUARED = 0.99
SHOWN_RULES = 6


def scaling_report(repo: Path) -> list[str]:
    started = time.perf_counter()
    with scaled_project(repo) as scaled:
        sizes = _sizes(scaled)
        rows = _measure(repo, scaled, sizes)
    lines = _size_table(rows) + _fit_lines(rows)
    lines += _rule_lines(repo, rows)
    lines.append(f"scaling bench: {time.perf_counter() - started:.0f} s")
    return lines


def _sizes(scaled: ScaledProject) -> list[tuple[str, int]]:
    """(stack, application namespaces) per factor, from what one extra namespace adds to prod."""
    counted = best_previews(str(scaled.root), [scaled.add_stack("bench-1x", 1), scaled.add_stack("bench-probe", 2)], 0)
    base = len(counted["bench-1x"].resources)
    step = len(counted["bench-probe"].resources) - base
    if step <= 0:
        raise SystemExit(f"bench: a second application namespace added no resources ({base} -> {base + step})")
    return [
        (scaled.add_stack(f"bench-{factor}x", namespaces_for(factor, base, step)), namespaces_for(factor, base, step))
        for factor in FACTORS
    ]


@dataclass(frozen=True)
class Row:
    stack: str
    namespaces: int
    preview: BestPreview
    pack_seconds: float  # best wall
    pack_cpu: float  # best CPU of the pack process
    pack_rss_kib: int
    findings: int

    @property
    def resources(self) -> int:
        return len(self.preview.resources)


def _measure(repo: Path, scaled: ScaledProject, sizes: list[tuple[str, int]]) -> list[Row]:
    previews = best_previews(str(scaled.root), [stack for stack, _ in sizes], PREVIEW_REPEAT)
    pack_args = (str(repo / "policies"), str(repo / "policies" / "config" / f"{SOURCE_STACK}.json"))
    packs: dict[str, list[Measured[int]]] = {stack: [] for stack, _ in sizes}
    for _ in range(PACK_REPEAT):  # the sizes take turns, as the previews do
        for stack, _ in sizes:
            environment = load_stack_config(scaled.project, stack).environment(scaled.project, stack)
            resources = previews[stack].resources
            packs[stack].append(in_child(pack_findings, *pack_args, resources, scaled.project.name, stack, environment))
    return [_row(stack, namespaces, previews[stack], packs[stack]) for stack, namespaces in sizes]


def _row(stack: str, namespaces: int, preview: BestPreview, packs: list[Measured[int]]) -> Row:
    if len({pack.value for pack in packs}) != 1:
        raise SystemExit(f"bench: the pack found different numbers of findings in two runs on {stack}")
    return Row(
        stack,
        namespaces,
        preview,
        pack_seconds=min(pack.seconds for pack in packs),
        pack_cpu=min(pack.cpu_seconds for pack in packs),
        pack_rss_kib=max(pack.peak_rss_kib for pack in packs),
        findings=packs[0].value,
    )


def _size_table(rows: list[Row]) -> list[str]:
    lines = [
        f"scaling: prod with more application namespaces; preview best of {PREVIEW_REPEAT} after a warm-up, "
        f"pack best of {PACK_REPEAT} (start-up included), each run in a fresh process; CPU = user + system of "
        "the worker / pack process; peak RSS per process in MiB",
        f"{'stack':<10}{'ns':>5}{'resources':>10}{'x prod':>7}{'program s':>10}{'wall s':>8}{'CPU s':>7}"
        f"{'pack s':>8}{'pack CPU':>9}{'findings':>9}{'worker MiB':>11}{'pack MiB':>9}",
    ]
    for row in rows:
        p = row.preview
        lines.append(
            f"{row.stack:<10}{row.namespaces:>5}{row.resources:>10}{row.resources / rows[0].resources:>7.2f}"
            f"{p.program_seconds:>10.2f}{p.wall_seconds:>8.2f}{p.cpu_seconds:>7.2f}{row.pack_seconds:>8.2f}"
            f"{row.pack_cpu:>9.2f}{row.findings:>9}{mib(p.peak_rss_kib):>11}{mib(row.pack_rss_kib):>9}"
        )
    return lines


def _fit_lines(rows: list[Row]) -> list[str]:
    counts = [float(row.resources) for row in rows]
    fits = {
        "program": (linear_fit(counts, [row.preview.program_seconds for row in rows]), True),
        "pack": (linear_fit(counts, [row.pack_seconds for row in rows]), True),
        "preview CPU": (linear_fit(counts, [row.preview.cpu_seconds for row in rows]), False),
        "pack CPU": (linear_fit(counts, [row.pack_cpu for row in rows]), False),
    }
    lines = ["", f"{'linear fit':<14}{'ms/resource':>12}{'intercept s':>12}{'R²':>8}  target R² >= {TARGET_R_SQUARED}"]
    lines += [_fit_line(name, fit, target) for name, (fit, target) in fits.items()]
    return lines


def _fit_line(name: str, fit: Fit, target: bool) -> str:
    verdict = "within" if fit.r_squared >= TARGET_R_SQUARED else "OVER"
    if not target:  # CPU time: the same work, less disturbed by other load on a shared machine
        verdict += " (CPU, for reference)"
    return f"{name:<14}{1000 * fit.slope:>12.3f}{fit.intercept:>12.2f}{fit.r_squared:>8.4f}  {verdict}"


def _rule_lines(repo: Path, rows: list[Row]) -> list[str]:
    sizes = [rows[0].preview.resources, rows[-2].preview.resources, rows[-1].preview.resources]
    costs, touch = rule_costs(repo, sizes)
    flagged = [cost for cost in costs if cost.super_linear(touch)]
    lines = [
        "",
        f"pack rules in-process: each rule's pure validator on the resources of its types, best of {RULE_REPEAT}, "
        f"{rows[-1].resources / rows[0].resources:.2f}x the resources from 1x to 8x; touching each resource costs "
        f"{touch:.2f}x as much per resource at 8x (memory). Super-linear: per resource seen, > {SUPER_LINEAR}x that "
        f"from 1x to 8x and > {STILL_GROWING}x from 4x to 8x, at >= {1000 * NOISE_FLOOR_SECONDS:.0f} ms",
        f"{'rule':<40}{'kind':>9}{'seen 1x':>8}{'seen 8x':>8}{'1x ms':>8}{'8x ms':>8}{'x time':>8}"
        f"{'x/seen 1-8':>11}{'x/seen 4-8':>11}",
    ]
    for cost in costs[:SHOWN_RULES] + [c for c in flagged if c not in costs[:SHOWN_RULES]]:
        lines.append(
            f"{cost.name:<40}{cost.kind:>9}{cost.seen[0]:>8}{cost.seen[2]:>8}{1000 * cost.seconds[0]:>8.2f}"
            f"{1000 * cost.seconds[2]:>8.2f}{cost.time_growth():>8.2f}{cost.growth():>11.2f}{cost.growth(1, 2):>11.2f}"
            + ("  SUPER-LINEAR" if cost in flagged else "")
        )
    total_small, total_large = (sum(c.seconds[index] for c in costs) for index in (0, 2))
    lines.append(
        f"all {len(costs)} rules: {1000 * total_small:.1f} ms at 1x, {1000 * total_large:.1f} ms at 8x; "
        + (f"SUPER-LINEAR: {', '.join(c.name for c in flagged)}" if flagged else "no rule with super-linear cost")
    )
    return lines


def main() -> int:
    print("\n".join(scaling_report(Path(__file__).resolve().parent.parent)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
