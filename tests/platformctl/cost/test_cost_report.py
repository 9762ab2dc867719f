"""`platformctl cost` and the pull-request cost summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.cost.report import change_json, markdown, read_baseline, totals
from tests.platform_core.estimate_cases import node_group, total
from tests.platformctl.cli_runs import platformctl, tiny_project

REPO = Path(__file__).resolve().parents[3]


def test_markdown_flags_a_rise_above_the_threshold(tmp_path):
    estimates = {
        "dev": total([node_group("nodes", 1, ["t3.large"])]),
        "prod": total([node_group("nodes", 2, ["t3.large"])]),
    }
    baseline_file = tmp_path / "base.json"
    baseline_file.write_text(
        json.dumps({"stacks": {"dev": {"cost": {"monthlyHigh": 60.0}}, "prod": {"cost": {"monthlyHigh": 100.0}}}})
    )
    text = markdown(estimates, read_baseline(baseline_file), alert_percent=10)
    assert "| dev | $60.74 | $60.00 | +$0.74 (+1.2 %) |" in text
    assert "| prod | $121.47 | $100.00 | +$21.47 (+21.5 %) ⚠️ above 10 % |" in text


@pytest.fixture(scope="module")
def cost_run():
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "cost", "--stack", "all", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_cost_command_gives_three_totals_and_dev_is_cheap(cost_run):
    assert cost_run.returncode == 0, cost_run.stderr
    estimates = json.loads(cost_run.stdout)
    assert set(estimates) == {"dev", "staging", "prod"}
    dev, prod = estimates["dev"], estimates["prod"]
    assert dev["monthlyHigh"] < 0.25 * prod["monthlyLow"]
    # Dev keeps one node off-hours (an off-hours deploy must finish) and pays the fixed EKS, NAT and ALB hours.
    assert dev["monthlyHigh"] < 0.45 * dev["monthlyOnDemand24x7"]
    for estimate in estimates.values():
        assert estimate["monthlyLow"] <= estimate["monthlyHigh"] and not estimate["unpriced"]


BAD_BASELINES = {
    "a list": ("[1, 2]", "a JSON list; expected the output of `platformctl preview --json`"),
    "an object of other keys": ('{"dev": {"monthlyHigh": 3}}', "a JSON object with keys dev; expected the output"),
    "a cost that is no number": (
        '{"stacks": {"dev": {"cost": {"monthlyHigh": "lots"}}}}',
        'stack \'dev\' has cost {"monthlyHigh": "lots"}; expected the output',
    ),
    "a single stack without its name": ('{"cost": {"monthlyHigh": 3}}', "its `cost` names no `stack`"),
    "not JSON": ("{unclosed", "cannot read it as JSON (Expecting property name"),
}


@pytest.mark.parametrize("text,expected", BAD_BASELINES.values(), ids=BAD_BASELINES.keys())
def test_a_baseline_of_the_wrong_shape_is_a_usage_error_naming_the_file_and_the_shape(tmp_path, text, expected):
    path = tmp_path / "base.json"
    path.write_text(text)
    with pytest.raises(UsageError) as raised:
        read_baseline(path)
    assert str(raised.value).startswith(f"--baseline {path}: ") and expected in str(raised.value)
    assert "`stacks: {NAME: {cost: {monthlyHigh: NUMBER}}}`" in str(raised.value)


def test_a_baseline_list_stops_the_preview_with_exit_2_before_the_program_runs(tmp_path):
    project = tiny_project(tmp_path / "tiny")
    (tmp_path / "base.json").write_text("[]")
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--baseline", str(tmp_path / "base.json"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: --baseline {tmp_path / 'base.json'}: a JSON list; expected the output")
    assert len(result.stderr.splitlines()) == 1, "no program ran: no progress printed"


@pytest.fixture(scope="module")
def baseline_runs(tmp_path_factory):
    """The one-key project (a $1.00 key a month) previewed against a baseline of $0.80, as text and as JSON."""
    root = tmp_path_factory.mktemp("baseline")
    project = tiny_project(root / "tiny")
    (root / "base.json").write_text(json.dumps({"cost": {"stack": "test", "monthlyHigh": 0.8}}))
    args = ("preview", "--stack", "test", "--cwd", str(project), "--quiet", "--baseline", str(root / "base.json"))
    return platformctl(*args), platformctl(*args, "--json")


def test_the_text_shows_each_stacks_change_beside_its_total_without_markdown(baseline_runs):
    text, _ = baseline_runs
    assert text.returncode == 0, text.stderr
    totals = text.stdout.split("Monthly estimate (USD):\n")[1]
    assert "    test       $1.00 " in totals and "  vs baseline $0.80: +$0.20 (+25.0 %) ⚠️ above 10 %" in totals


def test_the_json_adds_the_baseline_and_the_change_to_the_cost(baseline_runs):
    _, document = baseline_runs
    assert document.returncode == 0, document.stderr
    cost = json.loads(document.stdout)["cost"]
    assert cost["baselineMonthlyHigh"] == 0.8
    assert cost["change"] == {"monthlyHigh": 0.2, "percent": 25.0, "aboveAlert": True}
    assert {"stack", "monthlyLow", "monthlyHigh", "monthlyOnDemand24x7", "lines"} <= set(cost), "additive only"


def test_a_stack_the_baseline_does_not_have_is_new():
    estimates = {"dev": total([node_group("nodes", 1, ["t3.large"])])}
    assert totals(estimates, {}).splitlines()[1].endswith("  new: not in the baseline")
    assert change_json(60.74, None, 10) == {"baselineMonthlyHigh": None, "change": None}
