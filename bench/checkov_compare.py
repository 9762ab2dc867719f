"""The policy pack against Checkov on the same resources, at 1x and 8x prod's AWS side.

Checkov reads the Terraform plan of the scanner bridge (platformctl.export), which exports AWS resources only;
the namespace knob of bench/scaling.py grows the Kubernetes side, which Checkov never sees. So this bench
scales the AWS side instead: prod's AWS resources copied k times under unique names and URNs
(bench/checkov_replicate.py), the same list handed to the exporter and to the pack, with prod's AWS
providers shared. Both tools then check the same resources: the exported plan holds every copied resource,
the pack analyzes those and the providers. Checkov runs exactly as `platformctl scan` runs it (offline, from
.venv-scan); the pack as on every preview (`evaluate`, start-up included). Each run is a fresh child process,
so its peak RSS is its own; the export (the bridge's cost, not Checkov's) is shown apart.

Runs alone (`python bench/checkov_compare.py`) or through `checkov_report` from bench/preview_bench.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench_measure import mib
from checkov_replicate import replicated
from checkov_runs import Scanned, checkov_scan
from scaling_child import Measured, in_child
from scaling_runs import one_preview, pack_findings

from platformctl.export.terraform_plan import write_plans
from platformctl.preview.engine import StackPreview
from platformctl.project import load_project, load_stack_config
from platformctl.scan.checkov import checkov_binary

STACK = "prod"
COPIES = (1, 8)
REPEAT = 2


@dataclass(frozen=True)
class Compared:
    copies: int
    exported: int  # AWS resources in the plan
    references: int  # expressions the exporter resolved to another resource
    export_seconds: float
    checkov: list[Measured[Scanned]]
    pack: list[Measured[int]]

    def best(self, runs: list[Any]) -> Measured[Any]:
        return min(runs, key=lambda run: run.seconds)


def checkov_report(repo: Path) -> list[str]:
    started = time.perf_counter()
    project = load_project(repo)
    binary = checkov_binary(repo)
    resources = in_child(one_preview, str(repo), STACK).value.resources
    environment = load_stack_config(project, STACK).environment(project, STACK)
    with tempfile.TemporaryDirectory(prefix="bench-checkov-") as scratch:
        rows = [
            _compare(repo, binary, Path(scratch), replicated(resources, copies), copies, project.name, environment)
            for copies in COPIES
        ]
    return [*_table(rows), f"checkov bench: {time.perf_counter() - started:.0f} s"]


def _compare(
    repo: Path,
    binary: Path,
    scratch: Path,
    resources: list[dict[str, Any]],
    copies: int,
    project: str,
    environment: dict[str, str],
) -> Compared:
    started = time.perf_counter()
    stack = f"bench-aws-{copies}x"
    (plan,) = write_plans([StackPreview(stack=stack, status="ok", resources=resources)], scratch).values()
    export_seconds = time.perf_counter() - started
    scans = [in_child(checkov_scan, str(binary), str(plan.path), str(scratch / "checkov-home")) for _ in range(REPEAT)]
    pack_args = (str(repo / "policies"), str(repo / "policies" / "config" / f"{STACK}.json"))
    packs = [in_child(pack_findings, *pack_args, resources, project, STACK, environment) for _ in range(REPEAT)]
    if {scan.value.resources for scan in scans} != {plan.aws_resources}:
        counted = scans[0].value.resources
        raise SystemExit(f"bench: Checkov counted {counted} resources in a plan of {plan.aws_resources}")
    return Compared(copies, plan.aws_resources, _references(plan.path), export_seconds, scans, packs)


def _references(plan: Path) -> int:
    document = json.loads(plan.read_text())
    return sum(
        1
        for resource in document["configuration"]["root_module"]["resources"]
        for expression in resource["expressions"].values()
        if isinstance(expression, dict) and "references" in expression
    )


def _table(rows: list[Compared]) -> list[str]:
    lines = [
        f"pack vs Checkov on prod's AWS resources copied k times (same resources to both; best of {REPEAT}, each "
        "run a fresh process; ms/res = total time per resource; peak RSS in MiB)",
        f"{'copies':<7}{'resources':>10}{'refs':>6}{'export s':>9}{'Checkov s':>10}{'ms/res':>7}{'MiB':>5}"
        f"{'failed':>7}{'pack s':>7}{'ms/res':>7}{'MiB':>5}{'findings':>9}{'pack/Checkov':>13}  target pack < Checkov",
    ]
    for row in rows:
        scan, pack = row.best(row.checkov), row.best(row.pack)
        ratio = pack.seconds / scan.seconds
        lines.append(
            f"{row.copies:<7}{row.exported:>10}{row.references:>6}{row.export_seconds:>9.2f}{scan.seconds:>10.2f}"
            f"{1000 * scan.seconds / row.exported:>7.2f}{mib(max(s.peak_rss_kib for s in row.checkov)):>5}"
            f"{scan.value.failed:>7}{pack.seconds:>7.2f}{1000 * pack.seconds / row.exported:>7.2f}"
            f"{mib(max(p.peak_rss_kib for p in row.pack)):>5}{pack.value:>9}{ratio:>13.2f}"
            f"  {'within' if ratio < 1 else 'OVER'}"
        )
    return lines


def main() -> int:
    print("\n".join(checkov_report(Path(__file__).resolve().parent.parent)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
