"""`platformctl cost` and the pull-request cost summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from platformctl.cost.report import markdown, read_baseline
from tests.platform_core.estimate_cases import node_group, total

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
