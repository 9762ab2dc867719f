"""The headline: `preview --stack all` with the pack, today's code against the code before issue 15."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench_measure import median, median_ratio, paired_order, run_process

# The last commit before any of issue 15's changes (README: the Security Hub control map); the issue's
# "≤ 0.5× today's" target compares against this code, run from a temporary worktree of it.
PRE_ISSUE_15 = "a64dc54"

COMMAND = [
    "-m", "platformctl", "preview", "--stack", "all", "--policy-pack", "policies",
    "--policy-pack-config", "policies/config/{stack}.json", "--json",
]  # fmt: skip


@dataclass
class Side:
    tree: Path
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)


@contextmanager
def old_tree(repo: Path) -> Iterator[Path]:
    """A detached worktree of PRE_ISSUE_15, removed on the way out whatever happens (Ctrl-C included)."""
    known = subprocess.run(["git", "-C", str(repo), "cat-file", "-e", f"{PRE_ISSUE_15}^{{commit}}"], check=False)
    if known.returncode != 0:
        raise SystemExit(f"commit {PRE_ISSUE_15} (before issue 15) is not in this clone: fetch the full history")
    scratch = Path(tempfile.mkdtemp(prefix="bench-pre15-"))
    tree = scratch / "tree"
    try:
        _git(repo, "worktree", "add", "--quiet", "--detach", str(tree), PRE_ISSUE_15)
        # The pack's venv is not in git. Its requirements are unchanged since PRE_ISSUE_15, and PulumiPolicy.yaml
        # names `venv` relative to the pack: the old pack runs its own code in today's interpreter.
        (tree / "policies" / "venv").symlink_to(repo / "policies" / "venv")
        yield tree
    finally:
        if tree.exists():
            _git(repo, "worktree", "remove", "--force", str(tree))
        _git(repo, "worktree", "prune")
        scratch.rmdir()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, stdout=subprocess.DEVNULL)


def cli_environment(tree: Path) -> dict[str, str]:
    # .venv's editable install maps platformctl, components and platform_core to the main checkout; the tree's own
    # directories first on the path make each side import its own code (the same entries for both sides).
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(tree / "policies")])}


def run_cli(tree: Path, capture: bool = False) -> tuple[float, float, str, int]:
    """Wall and CPU (the CLI and every process it started and reaped) of one run; its stdout if captured, its exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    output = subprocess.PIPE if capture else subprocess.DEVNULL
    done = run_process([sys.executable, *COMMAND], cwd=tree, env=cli_environment(tree), stdout=output)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: the preview found mandatory violations, still a full run
        raise SystemExit(f"preview --stack all in {tree} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, done.stdout or "", done.returncode


def same_output(new: str, old: str, new_tree: Path, old_tree_: Path) -> bool:
    """The --json outputs equal once the trees' paths (the pack's path and interpreter) are aligned."""
    return json.loads(new) == json.loads(old.replace(str(old_tree_), str(new_tree)))


@dataclass
class Headline:
    new: Side
    old: Side
    identical: bool

    @property
    def ratio(self) -> float:
        return median_ratio(self.new.walls, self.old.walls)

    def lines(self) -> list[str]:
        n, o = self.new, self.old
        return [
            f"{'side':<16}{'wall s':>8}{'CPU s':>8}   (medians of {len(n.walls)} paired rounds)",
            f"{'today':<16}{median(n.walls):>8.2f}{median(n.cpus):>8.2f}",
            f"{'pre-#15 ' + PRE_ISSUE_15:<16}{median(o.walls):>8.2f}{median(o.cpus):>8.2f}",
            f"new/old: wall {self.ratio:.2f}x, CPU {median_ratio(n.cpus, o.cpus):.2f}x; --json outputs "
            + ("and exit codes identical (pack paths aside)" if self.identical else "or exit codes DIFFER"),
        ]


def headline(repo: Path, rounds: int) -> Headline:
    with old_tree(repo) as old_path:
        new, old = Side(repo), Side(old_path)
        # Warm-up, one run each with the output kept: file caches filled for both, and the results compared.
        *_, new_out, new_exit = run_cli(repo, capture=True)
        *_, old_out, old_exit = run_cli(old_path, capture=True)
        identical = new_exit == old_exit and same_output(new_out, old_out, repo, old_path)
        sides = {"new": new, "old": old}
        for round_ in range(rounds):
            for name in paired_order(round_, "new", "old"):
                wall, cpu, *_ = run_cli(sides[name].tree)
                sides[name].walls.append(wall)
                sides[name].cpus.append(cpu)
    return Headline(new, old, identical)
