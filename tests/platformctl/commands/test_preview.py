"""`python -m platformctl preview` through a subprocess, as an operator runs it."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project
from tests.platformctl import cli_runs

REPO = Path(__file__).resolve().parents[3]


def platformctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture(scope="module")
def prod_json():
    result = platformctl("preview", "--stack", "prod", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """The platform program in a scratch directory, to try broken stack files against it."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "components", tmp_path / "components", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def write_stack(project: Path, stack: str, config: dict) -> None:
    (project / f"Pulumi.{stack}.yaml").write_text(json.dumps({"config": config}))


def test_preview_all_prints_three_resource_trees_and_a_summary():
    result = platformctl("preview", "--stack", "all")
    assert result.returncode == 0, result.stderr
    for stack in ("dev", "staging", "prod"):
        assert f"Previewing update ({stack}):" in result.stdout
        assert "pulumi:pulumi:Stack" in result.stdout
    assert "├─ platform:network:Network" in result.stdout
    assert "│  ├─ aws:ec2:Vpc" in result.stdout
    assert result.stdout.count("to create") == 3
    assert "Summary:" in result.stdout


def test_json_is_shaped_like_pulumi_preview(prod_json):
    assert set(prod_json) >= {"steps", "changeSummary", "diagnostics"}
    assert prod_json["changeSummary"] == {"create": len(prod_json["steps"])}
    stack_urn = prod_json["steps"][0]["urn"]
    assert stack_urn == "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod"
    for step in prod_json["steps"]:
        assert step["op"] == "create" and step["urn"].startswith("urn:pulumi:prod::platform::")
        assert set(step["newState"]) >= {"type", "inputs", "parent"}
    vpc = next(
        s
        for s in prod_json["steps"]
        if s["newState"]["type"] == "aws:ec2/vpc:Vpc" and s["newState"]["parent"].endswith("::platform-prod-network")
    )
    assert vpc["urn"] == (
        "urn:pulumi:prod::platform::platform:network:Network$aws:ec2/vpc:Vpc::platform-prod-network-vpc"
    )
    assert "enableDnsHostnames" in vpc["newState"]["inputs"], "inputs are camelCase as registered"


def _of_type(document: dict, token: str) -> list[dict]:
    return [step["newState"] for step in document["steps"] if step["newState"]["type"] == token]


def test_prod_json_shows_multi_az_database_nodes_per_az_and_dr_copies(prod_json):
    databases = _of_type(prod_json, "aws:rds/instance:Instance")
    (db,) = [d for d in databases if "replicateSourceDb" not in d["inputs"]]
    assert db["inputs"]["multiAz"] is True
    (replica,) = [d for d in databases if d["inputs"].get("replicateSourceDb") == db["outputs"]["arn"]]
    assert ":us-west-2:" in replica["outputs"]["arn"], "the read replica lives in the DR region"
    subnets = {s["id"]: s["inputs"]["availabilityZoneId"] for s in _of_type(prod_json, "aws:ec2/subnet:Subnet")}
    groups = _of_type(prod_json, "aws:eks/nodeGroup:NodeGroup")
    # One group per zone, chosen by zone ID (the mocks' us-east-1 has use1-az1..6; EKS does not support use1-az3).
    assert {subnets[g["inputs"]["subnetIds"][0]] for g in groups} == {"use1-az1", "use1-az2", "use1-az4"}
    (plan,) = _of_type(prod_json, "aws:backup/plan:Plan")
    dr_vault_arns = {
        v["outputs"]["arn"]
        for v in _of_type(prod_json, "aws:backup/vault:Vault")
        if ":us-west-2:" in v["outputs"]["arn"]
    }
    for rule in plan["inputs"]["rules"]:
        assert rule["lifecycle"]["deleteAfter"] == 30
        assert {c["destinationVaultArn"] for c in rule["copyActions"]} == dr_vault_arns


@pytest.mark.parametrize("stack,retention", [("dev", 7), ("staging", 14)])
def test_lower_tiers_json_shows_their_retention(stack, retention):
    result = platformctl("preview", "--stack", stack, "--json")
    document = json.loads(result.stdout)
    (plan,) = _of_type(document, "aws:backup/plan:Plan")
    assert [r["lifecycle"]["deleteAfter"] for r in plan["inputs"]["rules"]] == [retention]
    capacity = {g["inputs"]["capacityType"] for g in _of_type(document, "aws:eks/nodeGroup:NodeGroup")}
    assert capacity == ({"SPOT"} if stack == "dev" else {"ON_DEMAND"})


BAD_STACK_FILES = {
    "misspelled key": (
        {"platform:tier": "dev", "platform:databse": {"multiAz": True}},
        "platform:databse is not a known key",
    ),
    "unknown tier": ({"platform:tier": "qa"}, "platform:tier = 'qa' is not a tier; allowed: dev, staging, prod"),
    "wrong type": (
        {"platform:tier": "dev", "platform:network": {"azCount": "two"}},
        'platform:network.azCount = "two": Input should be a valid integer',
    ),
    "declared type": (
        {"platform:tier": "dev", "platform:owner": 5},
        "configuration key 'platform:owner' must be of type 'string'",
    ),
    "missing tier": ({"aws:region": "us-east-1"}, "missing configuration value 'platform:tier'"),
}


@pytest.mark.parametrize("config,expected", BAD_STACK_FILES.values(), ids=BAD_STACK_FILES.keys())
def test_bad_stack_file_exits_2_with_a_clear_message_and_creates_nothing(project_copy, config, expected):
    write_stack(project_copy, "broken", config)
    result = platformctl("preview", "--stack", "broken", "--cwd", str(project_copy))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert "to create" not in result.stdout


@pytest.mark.parametrize(
    "args,expected",
    [
        (["preview", "--stack", "qa"], "stack 'qa' has no stack file Pulumi.qa.yaml"),
        (["preview", "--cwd", "/"], "no Pulumi.yaml in /"),
        (["preview", "--colour"], "unrecognized arguments: --colour"),
        (["deploy"], "invalid choice: 'deploy'"),
    ],
)
def test_usage_errors_exit_2(args, expected):
    result = platformctl(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_unparseable_stack_file_exits_2(project_copy):
    (project_copy / "Pulumi.bad.yaml").write_text("config: [unclosed\n")
    result = platformctl("preview", "--stack", "bad", "--cwd", str(project_copy))
    assert result.returncode == 2 and "Pulumi.bad.yaml is not valid YAML" in result.stderr


def _program(tmp_path: Path, body: str, config: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: other\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text(f"config:\n{config or '  aws:region: eu-west-1'}\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(body))
    return tmp_path


def test_any_pulumi_python_program_previews(tmp_path):
    project = _program(
        tmp_path,
        """
        import pulumi, pulumi_aws as aws
        from helper import bucket_name   # the program's own modules import as under the CLI
        bucket = aws.s3.Bucket("assets", bucket=bucket_name())
        zones = aws.get_availability_zones()

        class Widget(pulumi.CustomResource):   # a package the mocks know nothing about
            def __init__(self, name, props):
                super().__init__("acme:index:Widget", name, props)

        Widget("widget", {"size": 3})
        pulumi.export("zones", zones.names)
        pulumi.export("arn", bucket.arn)
    """,
    )
    (project / "helper.py").write_text("def bucket_name():\n    return 'other-assets'\n")
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    outputs = document["steps"][0]["newState"]["outputs"]
    assert outputs == {"zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "arn": "arn:aws:s3:::other-assets"}
    assert document["changeSummary"] == {"create": 3}
    widget = next(s for s in document["steps"] if s["newState"]["type"] == "acme:index:Widget")
    assert widget["newState"]["inputs"] == {"size": 3} and widget["newState"]["id"].startswith("widget-")


def test_program_bug_exits_1_with_its_traceback(tmp_path):
    project = _program(tmp_path, "import pulumi\nraise KeyError('oops')\n")
    result = platformctl("preview", "--stack", "test", "--cwd", str(project))
    assert result.returncode == 1
    assert "KeyError: 'oops'" in result.stderr


def test_run_error_is_a_user_error(tmp_path):
    project = _program(tmp_path, "import pulumi\npulumi.Config().require('size')\n")
    result = platformctl("preview", "--stack", "test", "--cwd", str(project))
    assert result.returncode == 2
    assert "Missing required configuration variable 'other:size'" in result.stderr
    assert "Traceback" not in result.stderr


def test_secure_values_stay_secret(tmp_path):
    project = _program(
        tmp_path,
        """
        import pulumi
        pulumi.export("hook", pulumi.Config().require_secret("hook"))
    """,
        config="  other:hook:\n    secure: AAABAHcuHdLEqI8hs4l5Vs2n6tOCeGJz",
    )
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["steps"][0]["newState"]["outputs"] == {"hook": "[secret]"}


TEAM_KEYS = {
    "platform:accountId": "123456789012",
    "platform:alerting": {
        "slackWorkspaceId": "T0123ABCDE",
        "slackCriticalChannelId": "C0123ABCDE",
        "slackWarningChannelId": "C0456FGHIJ",
    },
}


def test_missing_team_values_stop_staging_with_the_commands_to_set_them(project_copy):
    write_stack(project_copy, "staging", {"platform:tier": "staging"})  # no platformctl.offline.yaml in the copy
    result = platformctl("preview", "--stack", "staging", "--cwd", str(project_copy))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "pulumi config set 'accountId'" in result.stderr
    assert "pulumi config set --path 'alerting.slackWorkspaceId'" in result.stderr


def test_missing_pagerduty_secret_is_a_clear_config_error(project_copy):
    write_stack(project_copy, "staging", {"platform:tier": "staging", **TEAM_KEYS})  # no offline stand-ins
    result = platformctl("preview", "--stack", "staging", "--cwd", str(project_copy))
    assert result.returncode == 2
    assert "platform:pagerdutyEndpoint is not set" in result.stderr
    assert "pulumi config set --secret platform:pagerdutyEndpoint" in result.stderr


def test_placeholder_secret_never_reaches_the_printed_preview():
    placeholder = "offline-placeholder"
    result = platformctl("preview", "--stack", "prod")
    assert result.returncode == 0 and placeholder not in result.stdout + result.stderr


TINY_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

PolicyPack(name="tiny-pack", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="no-op", description="Checks nothing.", validate=lambda args, report: None)])
"""


def _pack(root: Path, virtualenv: str | None) -> Path:
    """A one-rule pack; `virtualenv` is what its PulumiPolicy.yaml declares, as policies/ does."""
    root.mkdir()
    options = f"\n  options:\n    virtualenv: {virtualenv}" if virtualenv else ""
    (root / "PulumiPolicy.yaml").write_text(f"description: tiny\nruntime:\n  name: python{options}\nversion: 1.0.0\n")
    (root / "__main__.py").write_text(TINY_PACK)
    return root


def test_a_policy_pack_whose_declared_virtualenv_is_missing_is_a_usage_error(tmp_path):
    project = _program(tmp_path, "import pulumi\n")
    pack = _pack(tmp_path / "pack", "venv")
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--policy-pack", str(pack))
    assert result.returncode == 2, f"the pack ran without its virtualenv: {result.stdout}{result.stderr}"
    assert (
        f"policy pack {pack} declares runtime.options.virtualenv: venv, but {pack / 'venv/bin/python'} does not exist"
    ) in result.stderr
    assert "`make install`" in result.stderr and f"`pulumi install` in {pack}" in result.stderr
    assert "Traceback" not in result.stderr and "to create" not in result.stdout


def test_the_interpreter_that_ran_each_pack_is_reported(tmp_path):
    project = _program(tmp_path, "import pulumi\n")
    pack = _pack(tmp_path / "pack", "venv")
    # A real virtualenv, its packages borrowed from ours: as fast as a symlink, as real as `make install`.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(pack / "venv")], check=True)
    [site_packages] = (pack / "venv/lib").glob("python3*/site-packages")
    (site_packages / "borrowed.pth").write_text("\n".join(sys.path[1:]) + "\n")
    interpreter = str(pack / "venv/bin/python")
    text = platformctl("preview", "--stack", "test", "--cwd", str(project), "--policy-pack", str(pack))
    assert text.returncode == 0, text.stderr
    assert f"    {pack}: ran with {interpreter}" in text.stdout
    document = json.loads(
        platformctl("preview", "--stack", "test", "--cwd", str(project), "--policy-pack", str(pack), "--json").stdout
    )
    assert document["policyPacks"] == [{"path": str(pack), "interpreter": interpreter}]


def test_a_pack_without_a_declared_virtualenv_runs_with_this_interpreter(tmp_path):
    project = _program(tmp_path, "import pulumi\n")
    pack = _pack(tmp_path / "pack", None)
    result = platformctl("preview", "--stack", "test", "--cwd", str(project), "--policy-pack", str(pack))
    assert result.returncode == 0, result.stderr
    assert f"    {pack}: ran with {sys.executable}" in result.stdout


def test_the_preview_says_which_values_are_offline_stand_ins(tmp_path):
    prod = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    prod["config"]["platform:accountId"] = "210987654321"  # the team set this one itself
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(prod))
    project = dataclasses.replace(load_project(REPO), stack_config_dir=tmp_path)
    [preview] = preview_stacks(project, ["prod"])
    notes = [d["message"] for d in preview.diagnostics if "offline stand-ins" in d["message"]]
    assert len(notes) == 1, preview.diagnostics
    assert "platform:alerting.slackWorkspaceId" in notes[0] and "platform:cluster.publicAccessCidrs" in notes[0]
    assert "platform:accountId" not in notes[0], "a value the stack file sets is no stand-in"


WORDY_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

REASON = "the key " + "really " * 30 + "must rotate, because a key that never rotates outlives whoever leaked it."

PolicyPack(name="wordy-pack", enforcement_level=EnforcementLevel.ADVISORY, policies=[
    ResourceValidationPolicy(name="keys-rotate", description="Keys rotate.",
        validate=lambda args, report: report(REASON) if args.resource_type == "aws:kms/key:Key" else None)])
"""


def test_the_findings_table_fits_columns_and_lists_the_whole_reason(tmp_path):
    project = _program(tmp_path, "import pulumi_aws as aws\naws.kms.Key('a-key-with-a-rather-long-logical-name')\n")
    pack = _pack(tmp_path / "pack", None)
    (pack / "__main__.py").write_text(WORDY_PACK)
    args = ("preview", "--stack", "test", "--cwd", str(project), "--policy-pack", str(pack), "--quiet")
    result = cli_runs.platformctl(*args, env={"COLUMNS": "60"})
    assert result.returncode == 0, result.stderr
    findings = result.stdout.split("Policy Violations:\n", 1)[1].split("\nSummary:", 1)[0]
    assert max(map(len, findings.splitlines())) <= 60, findings
    reason = "the key " + "really " * 30 + "must rotate, because a key that never rotates outlives whoever leaked it."
    assert " ".join(reason.split()) in " ".join(findings.split()), "the reason is listed whole under the table"
