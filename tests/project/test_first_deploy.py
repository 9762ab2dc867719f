"""What a first deploy into real accounts needs beyond each component's own tests: resources with fixed
physical names are freed before they are replaced, and two stacks can share one account."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from platformctl.preview.aws_limits import rule_for
from platformctl.preview.engine import preview_stacks
from platformctl.preview.name_collisions import name_collisions
from platformctl.project import load_stack_config

REPO = Path(__file__).resolve().parents[2]
SHARED_ACCOUNT = "123456789012"  # the account the offline mocks answer for
# Types whose only replace-forcing inputs are the name itself (and its parent): a replacement always has a
# new name, so it cannot collide with the old one (terraform-provider-aws route53/record.go: name, zone_id).
NEW_NAME_ON_EVERY_REPLACEMENT = {"aws:route53/record:Record"}


def fixed_name(resource: dict) -> str | None:
    """The physical name a resource sets itself (not auto-named), from the limits table's name property."""
    rule = rule_for(resource["type"])
    value = resource["inputs"].get(rule.prop) if rule and rule.prop else None
    return value if isinstance(value, str) and value else None


def test_fixed_names_are_freed_before_a_replacement_unless_protected(tier_stack):
    """A replacement creates the new resource first; with a fixed name AWS refuses it ("already exists").
    Protected resources cannot be replaced at all, so they are the only ones allowed to skip it."""
    tier, stack = tier_stack
    offenders = [
        f"{r['urn']} ({fixed_name(r)})"
        for r in stack.resources
        if r["type"].startswith("aws:")
        and fixed_name(r)
        and not r["protect"]
        and not r.get("deleteBeforeReplace")
        and r["type"] not in NEW_NAME_ON_EVERY_REPLACEMENT
    ]
    assert not offenders, f"{tier}: fixed names without delete_before_replace: {offenders}"


def test_the_check_sees_fixed_names(stacks):
    """Guard against a vacuous pass: the stacks do set fixed names on many unprotected resources."""
    named = [r for r in stacks["dev"].resources if r["type"].startswith("aws:") and fixed_name(r)]
    assert len(named) > 20 and any(r["type"] == "aws:eks/cluster:Cluster" for r in named)


@pytest.fixture(scope="module")
def shared_account(project, tmp_path_factory) -> dict:
    """dev and staging deployed into one account: both stack files name it."""
    directory = tmp_path_factory.mktemp("shared")
    for stack in ("dev", "staging"):
        config = load_stack_config(project, stack)
        values = {
            key: json.loads(value) if value[:1] in "{[" else value
            for key, value in config.values.items()
            if key not in config.secret_keys
        }
        values["platform:accountId"] = SHARED_ACCOUNT
        (directory / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": values}))
    previews = preview_stacks(dataclasses.replace(project, stack_config_dir=directory), ["dev", "staging"])
    return {p.stack: p for p in previews}


def test_dev_and_staging_share_an_account_without_colliding(shared_account):
    for stack, preview in shared_account.items():
        assert preview.ok, f"{stack}: {preview.message}"
        aws_providers = [r for r in preview.resources if r["type"] == "pulumi:providers:aws"]
        assert aws_providers and all(
            json.loads(r["inputs"]["allowedAccountIds"]) == [SHARED_ACCOUNT]
            if isinstance(r["inputs"]["allowedAccountIds"], str)
            else r["inputs"]["allowedAccountIds"] == [SHARED_ACCOUNT]
            for r in aws_providers
        ), stack
    stacks = {stack: preview.resources for stack, preview in shared_account.items()}
    assert name_collisions(stacks, {stack: SHARED_ACCOUNT for stack in stacks}) == []


def test_collision_check_would_catch_two_stacks_claiming_one_name(shared_account):
    dev = shared_account["dev"].resources
    role = next(r for r in dev if r["type"] == "aws:iam/role:Role" and fixed_name(r))
    clash = {**role, "urn": role["urn"].replace("urn:pulumi:dev", "urn:pulumi:staging")}
    found = name_collisions({"dev": dev, "staging": [clash]}, {"dev": SHARED_ACCOUNT, "staging": SHARED_ACCOUNT})
    assert found and fixed_name(role) in found[0]


# --- the platform program itself, edited the way a defect would creep in, fails offline as it would for real ---


def _program_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    copy = tmp_path / "program"
    copy.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "platformctl.offline.yaml", "__main__.py"):
        shutil.copy(REPO / name, copy / name)
    shutil.copytree(REPO / "components", copy / "components", ignore=shutil.ignore_patterns("__pycache__"))
    source = (copy / file).read_text()
    assert source.count(old) == 1, f"{file} no longer contains {old!r}: update this test"
    (copy / file).write_text(source.replace(old, new))
    return copy


def _preview_dev(program: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "preview", "--cwd", str(program), "--stack", "dev"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"},
    )


def test_the_old_long_target_group_name_fails_the_preview_with_the_providers_message(tmp_path):
    program = _program_copy(
        tmp_path, "components/network/edge.py", 'elb_logical_name(config, "ingress")', 'f"{name}-ingress"'
    )
    result = _preview_dev(program)
    urn = "urn:pulumi:dev::platform::platform:edge:Edge$aws:lb/targetGroup:TargetGroup::platform-dev-edge-ingress"
    assert result.returncode == 1, result.stdout[-1500:] + result.stderr
    assert (
        f"error: {urn}: could not make instance of 'aws:lb/targetGroup:TargetGroup': name "
        "'platform-dev-edge-ingress-' plus 7 random chars is longer than maximum length 32"
    ) in result.stderr


def test_an_over_long_iam_role_name_fails_the_preview_naming_the_role(tmp_path):
    program = _program_copy(
        tmp_path,
        "components/security/access.py",
        'name=f"{args.config.name_prefix}-{role_key}"',
        'name=f"{args.config.name_prefix}-{role_key}-for-the-platform-team-and-its-pipelines"',
    )
    result = _preview_dev(program)
    assert result.returncode == 1, result.stdout[-1500:] + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: urn:")]
    assert any(
        "aws:iam/role:Role::platform-dev-access-platform-admin" in line and "longer than 64" in line for line in errors
    ), result.stderr


def test_a_300_character_tag_value_fails_the_preview_naming_the_tag(tmp_path):
    program = _program_copy(
        tmp_path, "components/providers.py", '"managed-by": "pulumi"', '"managed-by": "pulumi" * 50'
    )
    result = _preview_dev(program)
    assert result.returncode == 1, result.stdout[-1500:] + result.stderr
    assert "pulumi:providers:aws::aws-primary" in result.stderr and "managed-by" in result.stderr, result.stderr
    assert "256" in result.stderr
