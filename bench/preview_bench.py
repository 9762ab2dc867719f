"""Offline preview benchmark (`make bench`): issue 15's targets, measured in one paired run on this machine.

1. Per stack: `preview_stacks(project, [stack])` against the same-imports baseline, a generated program that
   imports the provider modules the stack's program loaded and registers as many plain custom resources, run
   through the same engine. Target: the program ≤ 1.2× the baseline's.
2. Peak RSS per process: each stack's worker, the calling process, the pack, the CLI of `--stack all`.
3. The headline: `preview --stack all` with the pack, today's code against the code before issue 15.
   Target: ≤ 0.5×.
4. The scaling and Checkov reports (bench/scaling.py, bench/checkov_compare.py), then one verdict per target.

Every measurement runs in a fresh child process (bench_probe.py), the two sides alternate within each round, and
figures are medians over rounds after a warm-up. BENCH_ROUNDS and BENCH_HEADLINE_ROUNDS change the round counts.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_headline import COMMAND, PRE_ISSUE_15, Headline, headline
from bench_measure import baseline_project, median, median_ratio, mib, paired_order, probe, verdict
from checkov_compare import checkov_report
from scaling import scaling_report

from platformctl.preview.engine import named_packages

REPO = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
HEADLINE_ROUNDS = int(os.environ.get("BENCH_HEADLINE_ROUNDS", "5"))
PROGRAM_TARGET = 1.2  # a stack's preview, wall and CPU, × the same-imports baseline
HEADLINE_TARGET = 0.5  # --stack all with the pack, × the code before issue 15
STACKS = ("dev", "staging", "prod")

HEADER = f"""\
offline preview bench: {os.cpu_count()} CPUs, paired rounds (the two sides alternate first), medians after a warm-up
  wall s     the preview_stacks call, measured in the process that calls it
  CPU s      user+sys of that process during the call plus every process it started (workers, any fork server)
  program s  the program alone, timed inside its worker; the fork server imports the provider SDKs before it
             forks, so this is our code against plain registrations with the imports outside (shown, not judged)
  x          median of the per-round ratios ours/baseline; baseline = same provider imports + as many plain
             resources, through the same engine
  target     the stack's preview (wall and CPU, imports included on both sides as the program time included
             them before the fork server) <= 1.2x the baseline's
  RSS MiB    peak resident set: the worker as the engine reports it (n/a: not reported), the largest child
             process of the call, the calling process, the pack process evaluating the stack"""


@dataclass
class Series:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    programs: list[float] = field(default_factory=list)
    last: dict[str, Any] = field(default_factory=dict)

    def add(self, result: dict[str, Any]) -> None:
        self.walls.append(result["wall"])
        self.cpus.append(result["cpu"])
        self.programs.append(result["program_seconds"])
        self.last = result


@dataclass
class StackRow:
    stack: str
    count: int
    ours: Series
    base: Series
    pack: dict[str, Any]
    modules: list[str]

    @property
    def program_ratio(self) -> float:
        return median_ratio(self.ours.programs, self.base.programs)

    @property
    def judged_ratio(self) -> float:
        """The worse of the wall and CPU ratios: the one the target is judged on."""
        return max(median_ratio(self.ours.walls, self.base.walls), median_ratio(self.ours.cpus, self.base.cpus))


def measure_stacks(scratch: Path) -> list[StackRow]:
    rows = []
    for stack in STACKS:  # warm-up: learns each stack's size and imports, saves its resources for the pack
        saved = scratch / f"{stack}.json"
        warm = probe({"kind": "preview", "project": str(REPO), "stack": stack, "save": str(saved)})
        pack = probe({"kind": "pack", "project": str(REPO), "stack": stack, "resources": str(saved)})
        rows.append(StackRow(stack, warm["resources"] - 1, Series(), Series(), pack, warm["library_modules"]))
    with ExitStack() as scratch_projects:
        # The root stack registers in both programs, so the baseline registers `count` plain resources besides.
        projects = {r.stack: scratch_projects.enter_context(baseline_project(r.count, r.modules)) for r in rows}
        for project in projects.values():  # like for like: the fork server preloads the same libraries for both
            if named_packages(project) != named_packages(REPO):
                raise SystemExit(f"the baseline names {named_packages(project)}, the program {named_packages(REPO)}")
        for row in rows:
            probe({"kind": "preview", "project": str(projects[row.stack]), "stack": "bench"})  # warm-up
        for round_ in range(ROUNDS):
            for row in rows:
                for side in paired_order(round_, "ours", "base"):
                    project, stack = (REPO, row.stack) if side == "ours" else (projects[row.stack], "bench")
                    result = probe({"kind": "preview", "project": str(project), "stack": stack})
                    (row.ours if side == "ours" else row.base).add(result)
    return rows


def stack_lines(rows: list[StackRow]) -> list[str]:
    lines = [
        f"{'stack':<8}{'res':>5}{'wall s':>8}{'base':>7}{'x':>6}{'CPU s':>8}{'base':>7}{'x':>6}"
        f"{'program s':>11}{'base':>7}{'x':>6}  target {PROGRAM_TARGET}x"
    ]
    for row in rows:
        o, b = row.ours, row.base
        lines.append(
            f"{row.stack:<8}{row.count:>5}{median(o.walls):>8.2f}{median(b.walls):>7.2f}"
            f"{median_ratio(o.walls, b.walls):>6.2f}{median(o.cpus):>8.2f}{median(b.cpus):>7.2f}"
            f"{median_ratio(o.cpus, b.cpus):>6.2f}{median(o.programs):>11.2f}{median(b.programs):>7.2f}"
            f"{row.program_ratio:>6.2f}  {verdict(row.judged_ratio, PROGRAM_TARGET)}"
        )
    return lines


def rss_lines(rows: list[StackRow], cli: dict[str, Any]) -> list[str]:
    lines = [f"{'peak RSS MiB':<14}{'worker':>8}{'largest child':>15}{'caller':>8}{'base child':>12}{'pack':>7}"]
    for row in rows:
        o, b = row.ours.last, row.base.last
        worker = mib(o["worker_rss_kib"] or None)  # 0 or None: the engine does not report it
        lines.append(
            f"{row.stack:<14}{worker:>8}{mib(o['children_rss_kib']):>15}{mib(o['self_rss_kib']):>8}"
            f"{mib(b['children_rss_kib']):>12}{mib(row.pack['children_rss_kib']):>7}"
        )
    lines.append(
        f"preview --stack all with the pack: the CLI process {mib(cli['self_rss_kib'])} MiB, its largest child "
        f"{mib(cli['children_rss_kib'])} MiB; the pack over {rows[-1].stack} took {rows[-1].pack['wall']:.2f} s"
    )
    return lines


def leftover_children(rows: list[StackRow]) -> list[str]:
    # A child alive after the call was not reaped: its CPU (and its children's) is missing from the CPU column.
    live = [r.stack for r in rows if r.ours.last["live_children"] or r.base.last["live_children"]]
    return (
        [f"WARNING: child processes still alive after the call ({', '.join(live)}): CPU undercounted"] if live else []
    )


def other_reports() -> dict[str, list[str]]:
    return {"scaling": scaling_report(REPO), "checkov_compare": checkov_report(REPO)}


def verdict_lines(lines: list[str]) -> list[str]:
    """A report's verdicts: its lines with a whole word within/OVER (under their table's header, the nearest line
    above naming the target), and the super-linear rule verdict."""
    picked: list[str] = []
    header = ""
    for line in lines:
        words = line.split()
        if "target" in words:
            header = line
        if "within" in words or "OVER" in words or "SUPER-LINEAR:" in words or "no rule with super-linear" in line:
            if header and header not in picked:
                picked.append(header)
            picked.append(line)
    return picked


def summary(rows: list[StackRow], top: Headline, others: dict[str, list[str]]) -> list[str]:
    worst = max(rows, key=lambda r: r.judged_ratio)
    programs = [r.program_ratio for r in rows]
    lines = [
        "",
        "summary",
        f"  a stack's preview <= {PROGRAM_TARGET}x the same-imports baseline (wall and CPU): "
        f"{verdict(worst.judged_ratio, PROGRAM_TARGET)} (worst {worst.stack} {worst.judged_ratio:.2f}x; the program "
        f"alone, imports outside: {min(programs):.2f}-{max(programs):.2f}x)",
        f"  --stack all with the pack <= {HEADLINE_TARGET}x pre-#15 ({PRE_ISSUE_15}): "
        f"{verdict(top.ratio, HEADLINE_TARGET)} ({top.ratio:.2f}x)" + ("" if top.identical else "; OUTPUTS DIFFER"),
    ]
    for name, report in others.items():
        lines += [f"  {name}:", *(f"    {line.strip()}" for line in verdict_lines(report))]
    return lines


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwind like Ctrl-C: the old worktree and the temp dirs are removed on the way out


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    started = time.perf_counter()
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        rows = measure_stacks(Path(scratch))
    print(f"\nper stack, {ROUNDS} rounds", *stack_lines(rows), *leftover_children(rows), sep="\n", flush=True)
    cli = probe({"kind": "cli", "argv": COMMAND[2:], "cwd": str(REPO)})  # after `-m platformctl`
    print("", *rss_lines(rows, cli), sep="\n", flush=True)
    top = headline(REPO, HEADLINE_ROUNDS)
    print(f"\npreview --stack all --policy-pack policies --json, {HEADLINE_ROUNDS} rounds", *top.lines(), sep="\n")
    print(f"target <= {HEADLINE_TARGET}x: {verdict(top.ratio, HEADLINE_TARGET)}", flush=True)
    others = other_reports()
    for report in others.values():
        print("", *report, sep="\n", flush=True)
    print(*summary(rows, top, others), sep="\n")
    print(f"\nbench took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
