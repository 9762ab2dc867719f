"""Offline preview benchmark: the program's time per resource against a bare-SDK baseline.

For each stack, the program runs REPEAT times in the worker (the same path as `platformctl
preview`); the baseline is a generated program that registers the same number of plain custom
resources under the same mocks and worker. The ratio says what our own code (config, component
tree, provider SDK) costs on top of what the Pulumi SDK costs anyway.
"""

from __future__ import annotations

import json
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from platformctl.policy.runner import evaluate
from platformctl.preview.engine import StackPreview, preview_stacks
from platformctl.project import load_project, load_stack_config

REPO = Path(__file__).resolve().parent.parent

REPEAT = 5
TARGET_RATIO = 1.5

_BASELINE_PROGRAM = textwrap.dedent("""
    import importlib
    import pulumi

    # The like-for-like variant loads the provider SDK modules the program loaded, so the comparison
    # isolates what our code adds per resource from what importing pulumi_aws costs anyone.
    for module in pulumi.Config().get_object("modules") or []:
        importlib.import_module(module)

    class Plain(pulumi.CustomResource):
        def __init__(self, name, props):
            super().__init__("bench:index:Plain", name, props)

    for index in range(pulumi.Config().require_int("count")):
        Plain(f"plain-{index}", {"index": index, "label": f"resource {index}", "enabled": True})
""")


def best_of(run) -> StackPreview:
    run()  # warm-up: the first run pays for cold file caches, which would fall on whichever side runs first
    previews = [run() for _ in range(REPEAT)]
    failed = [p for p in previews if not p.ok]
    if failed:
        raise SystemExit(f"benchmark run failed: {failed[0].message}")
    return min(previews, key=lambda p: p.program_seconds)


def baseline(count: int, modules: list[str]) -> StackPreview:
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as scratch:
        root = Path(scratch)
        (root / "Pulumi.yaml").write_text("name: baseline\nruntime: python\n")
        (root / "Pulumi.bench.yaml").write_text(
            f"config:\n  baseline:count: {count}\n  baseline:modules: {json.dumps(modules)}\n"
        )
        (root / "__main__.py").write_text(_BASELINE_PROGRAM)
        project = load_project(root)
        return best_of(lambda: preview_stacks(project, ["bench"], jobs=1)[0])


def policy_seconds(project, stack: str, preview: StackPreview) -> float:
    """Best time to evaluate the pack over one stack, pack start-up included (as on every preview)."""
    environment = load_stack_config(project, stack).environment(project, stack)
    config = REPO / "policies" / "config" / f"{stack}.json"
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        evaluate(REPO / "policies", config, preview.resources, project.name, stack, environment)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    project = load_project(REPO)
    rows = []
    for stack in project.stacks():
        ours = best_of(lambda stack=stack: preview_stacks(project, [stack], jobs=1)[0])
        count = len(ours.resources) - 1  # the root stack registers in both programs
        bare = baseline(count, [])
        same_imports = baseline(count, ours.provider_modules)
        rows.append((stack, count, ours, bare, same_imports))

    print(
        f"offline preview, best of {REPEAT} runs after a warm-up; times are program time inside the worker "
        "(wall adds interpreter start and result transfer)"
    )
    print(
        f"{'stack':<9}{'resources':>10}{'program s':>11}{'wall s':>8}{'ms/res':>8}{'bare ms/res':>13}"
        f"{'x bare':>8}{'same-imports ms/res':>21}{'x same':>8}"
    )
    for stack, count, ours, bare, same in rows:
        per = [1000 * p.program_seconds / count for p in (ours, bare, same)]
        print(
            f"{stack:<9}{count:>10}{ours.program_seconds:>11.2f}{ours.wall_seconds:>8.2f}{per[0]:>8.2f}"
            f"{per[1]:>13.2f}{per[0] / per[1]:>8.2f}{per[2]:>21.2f}{per[0] / per[2]:>8.2f}"
        )
    worst = max(r[2].program_seconds / r[4].program_seconds for r in rows)
    verdict = "within" if worst < TARGET_RATIO else "OVER"
    print(
        f"worst like-for-like ratio {worst:.2f} ({verdict} the {TARGET_RATIO}x target). 'x bare' includes "
        "importing the provider SDKs, a fixed cost any program using them pays."
    )
    print()
    print(f"{'stack':<9}{'policy s':>10}{'ms/res':>9}{'program s':>11}{'policy < program':>18}")
    total_policy = total_program = 0.0
    for stack, count, ours, *_ in rows:
        seconds = policy_seconds(project, stack, ours)
        total_policy, total_program = total_policy + seconds, total_program + ours.program_seconds
        print(
            f"{stack:<9}{seconds:>10.2f}{1000 * seconds / count:>9.2f}{ours.program_seconds:>11.2f}"
            f"{'yes' if seconds < ours.program_seconds else 'NO':>18}"
        )
    print(f"all three stacks: policy evaluation {total_policy:.2f} s, programs {total_program:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
