"""Issue 15's fast path gives the same `preview --stack all --json` as the reference path, and as itself.

The fast path (GC frozen in the worker, `os._exit`, workers forked from one parent, the pack's conversion
cache) only changes how long a preview takes. `PLATFORMCTL_PREVIEW_REFERENCE=1` selects the reference path
(spawned workers, GC on, normal exit, the SDK's own conversion per policy), so both run here as an operator
runs them, with the pack, and their documents must be equal field for field. The JSON carries no timing or
duration field, so nothing is removed before comparing: any difference is a finding.

The default path runs twice as well: issue 15 once saw the staging cost total differ between identical runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.platformctl.cli_runs import REPO

REFERENCE = "PLATFORMCTL_PREVIEW_REFERENCE"
STACKS = ("dev", "staging", "prod")
SECTIONS = ("steps", "changeSummary", "diagnostics", "policyViolations", "cost", "policyPacks")
PREVIEW = (
    *("-m", "platformctl", "preview", "--stack", "all", "--json"),
    *("--policy-pack", "policies", "--policy-pack-config", "policies/config/{stack}.json"),
)
SHOWN = 15  # differences listed per failure; the rest are counted


def _start(reference: bool) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != REFERENCE}
    env["PYTHONPATH"] = str(REPO)
    if reference:
        env[REFERENCE] = "1"
    return subprocess.Popen(
        [sys.executable, *PREVIEW], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _document(name: str, process: subprocess.Popen) -> dict[str, Any]:
    stdout, stderr = process.communicate()
    assert process.returncode == 0, f"{name} run exited {process.returncode}:\n{stderr[-3000:]}"
    return json.loads(stdout)


@pytest.fixture(scope="module")
def runs() -> dict[str, dict[str, Any]]:
    """Three `--stack all` previews: the default path twice in a row while the reference path (about twice as
    long) runs beside them, so CI's two cores are both busy and the module takes about one reference run."""
    reference = _start(reference=True)
    documents = {"default": _document("default", _start(reference=False))}
    documents["default again"] = _document("default again", _start(reference=False))
    documents["reference"] = _document("reference", reference)
    return documents


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict) and "urn" in item:
        return f"[{index} {item['urn']}" + (f" {item['item']!r}]" if "item" in item else "]")
    return f"[{index}]"


def _differences(left: Any, right: Any, path: str) -> Iterator[str]:
    """Every path where the two documents differ, lists of resources labelled by URN."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(left.keys() | right.keys()):
            if key not in right or key not in left:
                yield f"{path}.{key}: only in the {'first' if key in left else 'second'} run"
            else:
                yield from _differences(left[key], right[key], f"{path}.{key}")
    elif isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            yield f"{path}: {len(left)} entries against {len(right)}"
        for index, (one, other) in enumerate(zip(left, right, strict=False)):
            yield from _differences(one, other, path + _label(one, index))
    elif left != right or type(left) is not type(right):
        yield f"{path}: {left!r} != {right!r}"


def _assert_same(runs: dict[str, Any], first: str, second: str, stack: str, section: str) -> None:
    left, right = runs[first]["stacks"][stack], runs[second]["stacks"][stack]
    assert section in left and section in right, f"{stack}: no {section} in the output"
    found = list(_differences(left[section], right[section], f"{stack}.{section}"))
    shown = "\n".join(found[:SHOWN]) + (f"\n... and {len(found) - SHOWN} more" if len(found) > SHOWN else "")
    assert not found, f"{first} and {second} runs differ in {len(found)} places:\n{shown}"


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("stack", STACKS)
def test_the_fast_path_gives_what_the_reference_path_gives(runs, stack, section):
    _assert_same(runs, "default", "reference", stack, section)


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("stack", STACKS)
def test_the_fast_path_gives_the_same_output_twice(runs, stack, section):
    _assert_same(runs, "default", "default again", stack, section)


@pytest.mark.parametrize("run", ["default", "reference", "default again"])
def test_every_field_of_the_output_is_compared(runs, run):
    assert list(runs[run]) == ["stacks"] and sorted(runs[run]["stacks"]) == sorted(STACKS)
    for stack, preview in runs[run]["stacks"].items():
        assert sorted(preview) == sorted(SECTIONS), f"{run} {stack}: a section the sections compared do not list"


@pytest.mark.parametrize("stack", STACKS)
def test_the_comparison_is_not_vacuous(runs, stack):
    preview = runs["default"]["stacks"][stack]
    assert len(preview["steps"]) > 100, f"{stack}: {len(preview['steps'])} steps"
    assert all(isinstance(step["newState"]["inputs"], dict) for step in preview["steps"])
    cost = preview["cost"]
    totals = {key: cost.get(key) for key in ("monthlyLow", "monthlyHigh", "monthlyOnDemand24x7")}
    assert all(isinstance(total, float) and total > 0 for total in totals.values()), f"{stack}: {totals}"
    assert cost["lines"], f"{stack}: no cost lines"
    assert isinstance(preview["policyViolations"], list), f"{stack}: the pack's findings are missing"


def test_the_pack_reports_findings_to_compare(runs):
    counts = {stack: len(preview["policyViolations"]) for stack, preview in runs["default"]["stacks"].items()}
    assert sum(counts.values()) > 0, f"no policy findings in any stack: {counts}"
