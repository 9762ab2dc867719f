"""`python -m platformctl scan` through a subprocess, as `make scan` runs it."""

from __future__ import annotations

import json
import re

import yaml

from tests.platformctl import cli_runs

PINNED = re.search(r"^checkov==(\S+)$", (cli_runs.REPO / "requirements-scan.txt").read_text(), re.M)


def test_a_missing_baseline_file_is_a_usage_error_naming_the_flag(tmp_path):
    result = cli_runs.platformctl("scan", "--stack", "dev", "--baseline", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2, result.stderr
    assert f"--baseline {tmp_path / 'nope.yaml'}: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_baseline_entry_without_reason_is_a_usage_error(tmp_path):
    entry = {"check": "CKV_AWS_16", "resource": "aws_db_instance.x", "tier": "dev", "owner": "dba-team"}
    path = tmp_path / "baseline.yaml"
    path.write_text(yaml.safe_dump({"entries": [entry]}))
    result = cli_runs.platformctl("scan", "--stack", "dev", "--baseline", str(path))
    assert result.returncode == 2, result.stderr
    assert "entry 0: `reason` is missing (reason: no reason, no entry)" in result.stderr


def test_without_checkov_the_scan_says_run_make_install(tmp_path):
    project = cli_runs.tiny_project(tmp_path / "tiny")  # no .venv-scan beside it
    result = cli_runs.platformctl("scan", "--cwd", str(project), "--quiet")
    assert result.returncode == 2, result.stderr
    assert "Checkov is not installed" in result.stderr and "run `make install`" in result.stderr


def test_scan_of_the_dev_stack_reports_every_exported_resource(tmp_path, checkov):
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("entries: []\n")
    kept = tmp_path / "kept"
    result = cli_runs.platformctl(
        "scan", "--stack", "dev", "--json", "--quiet", "--baseline", str(baseline), "--keep", str(kept)
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    dev = report["stacks"]["dev"]
    assert report["ok"] is (result.returncode == 0)
    assert dev["resources"] == dev["exported"] > 100 and dev["problems"] == []
    assert dev["new"] == len(dev["newFindings"]) == dev["failed"], "an empty baseline excuses nothing"
    assert PINNED, "requirements-scan.txt pins checkov==<version>"
    assert report["checkov"] == {"path": str(checkov), "version": PINNED.group(1)}, "make install: .venv-scan is stale"
    assert sorted(path.name for path in kept.iterdir()) == ["dev.checkov.json", "dev.tfplan.json"]
