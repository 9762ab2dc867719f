"""`platformctl preview --terraform-plan DIR`, run as an operator runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.platformctl.cli_runs import REPO, platformctl


def test_writes_one_plan_per_stack(tmp_path: Path) -> None:
    out = tmp_path / "plans"
    result = platformctl("preview", "--stack", "dev", "--cwd", str(REPO), "--quiet", "--terraform-plan", str(out))
    assert result.returncode == 0, result.stderr
    plan = json.loads((out / "dev.tfplan.json").read_text())
    resources = plan["planned_values"]["root_module"]["resources"]
    assert plan["format_version"] == "1.2" and resources
    assert f"dev: {len(resources)} AWS resources → {out / 'dev.tfplan.json'}" in result.stdout


def test_a_file_in_the_way_is_a_usage_error_before_anything_runs(tmp_path: Path) -> None:
    in_the_way = tmp_path / "plans"
    in_the_way.write_text("")
    result = platformctl("preview", "--stack", "dev", "--cwd", str(REPO), "--terraform-plan", str(in_the_way))
    assert result.returncode == 2
    assert "--terraform-plan" in result.stderr and str(in_the_way) in result.stderr
    assert "not a directory" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"]
