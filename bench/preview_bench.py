"""Offline preview benchmark: the program's time per resource against a bare-SDK baseline.

For each stack, the program runs REPEAT times in the worker (the same path as `platformctl
preview`); the baseline is a generated program that registers the same number of plain custom
resources under the same mocks and worker. The ratio says what our own code (config, component
tree, provider SDK) costs on top of what the Pulumi SDK costs anyway.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from platformctl.engine import StackPreview, preview_stacks  # noqa: E402
from platformctl.project import load_project  # noqa: E402

REPEAT = 3
TARGET_RATIO = 1.5

_BASELINE_PROGRAM = textwrap.dedent('''
    import pulumi

    class Plain(pulumi.CustomResource):
        def __init__(self, name, props):
            super().__init__("bench:index:Plain", name, props)

    for index in range(pulumi.Config().require_int("count")):
        Plain(f"plain-{index}", {"index": index, "label": f"resource {index}", "enabled": True})
''')


def best_of(run) -> StackPreview:
    previews = [run() for _ in range(REPEAT)]
    failed = [p for p in previews if not p.ok]
    if failed:
        raise SystemExit(f"benchmark run failed: {failed[0].message}")
    return min(previews, key=lambda p: p.program_seconds)


def baseline(count: int) -> StackPreview:
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as scratch:
        root = Path(scratch)
        (root / "Pulumi.yaml").write_text("name: baseline\nruntime: python\n")
        (root / "Pulumi.bench.yaml").write_text(f"config:\n  baseline:count: {count}\n")
        (root / "__main__.py").write_text(_BASELINE_PROGRAM)
        project = load_project(root)
        return best_of(lambda: preview_stacks(project, ["bench"], jobs=1)[0])


def main() -> int:
    project = load_project(REPO)
    rows = []
    for stack in project.stacks():
        ours = best_of(lambda stack=stack: preview_stacks(project, [stack], jobs=1)[0])
        count = len(ours.resources) - 1  # the root stack registers in both programs
        base = baseline(count)
        ratio = (ours.program_seconds / count) / (base.program_seconds / count)
        rows.append((stack, count, ours, base, ratio))

    print(f"offline preview, best of {REPEAT} runs per stack (program time inside the worker; wall includes "
          "interpreter start)")
    print(f"{'stack':<9}{'resources':>10}{'program s':>11}{'wall s':>9}{'ms/res':>9}"
          f"{'baseline ms/res':>17}{'ratio':>8}")
    for stack, count, ours, base, ratio in rows:
        print(f"{stack:<9}{count:>10}{ours.program_seconds:>11.2f}{ours.wall_seconds:>9.2f}"
              f"{1000 * ours.program_seconds / count:>9.2f}{1000 * base.program_seconds / count:>17.2f}"
              f"{ratio:>8.2f}")
    worst = max(ratio for *_, ratio in rows)
    verdict = "within" if worst < TARGET_RATIO else "OVER"
    print(f"worst ratio {worst:.2f} ({verdict} the {TARGET_RATIO}x target); median "
          f"{statistics.median(r for *_, r in rows):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
