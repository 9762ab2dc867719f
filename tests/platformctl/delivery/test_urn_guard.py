"""Replacement guard: no stateful resource may silently change its URN (which deletes and recreates it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pulumi.runtime.proto import alias_pb2

from platformctl.delivery import urn_guard
from platformctl.preview.engine import StackPreview, preview_stacks
from platformctl.preview.resource_monitor import _collapse_alias_spec
from platformctl.project import load_project
from tests.components.config.test_defaults import STATEFUL as CHECKED_BY_TEST_SECURITY

REPO = Path(__file__).resolve().parents[3]
SNAPSHOTS = REPO / urn_guard.SNAPSHOT_DIR
DB_COMPONENT = 'f"{prefix}-db"'
PROD = "urn:pulumi:prod::platform::"
OLD_DB_URNS = [
    f"{PROD}platform:database:Database$aws:rds/instance:Instance::platform-prod-db-{suffix}"
    for suffix in ("instance", "replica")
]


def test_no_stateful_resource_of_the_snapshot_is_gone(tier_stack):
    tier, stack = tier_stack
    baseline = urn_guard.read_baseline(urn_guard.snapshot_path(SNAPSHOTS, tier))
    gone = urn_guard.check(tier, baseline, stack.resources)
    assert not gone, "\n\n".join(item.message for item in gone)


def test_snapshot_lists_every_stateful_resource(tier_stack):
    tier, stack = tier_stack
    snapshot = json.loads(urn_guard.snapshot_path(SNAPSHOTS, tier).read_text())
    assert snapshot["stack"] == tier
    unlisted = sorted(set(urn_guard.stateful_urns(stack.resources)) - set(snapshot["urns"]))
    assert not unlisted, (
        f"stateful resources missing from the {tier} snapshot, so the guard cannot protect them: "
        f"{unlisted}; run `python -m platformctl urns --stack {tier} --write` and commit it"
    )


def test_stateful_types_not_covered_by_test_security_are_protected_in_prod(stacks):
    extra = urn_guard.STATEFUL_TYPES - set(CHECKED_BY_TEST_SECURITY)
    found = [r for r in stacks["prod"].resources if r["type"] in extra]
    # The public zone is the account baseline's now (tests/test_account_baseline.py checks it is protected there).
    zones = [r["urn"] for r in found if r["type"] == "aws:route53/zone:Zone"]
    assert not zones, f"the platform stack creates a hosted zone again; it belongs to account-baseline/: {zones}"
    unprotected = [r["urn"] for r in found if not r["protect"]]
    assert not unprotected, f"stateful resources without protect in prod: {unprotected}"


# --- the acceptance case: rename the prod database component, then alias it ---------------------------------


def _program_copy(directory: Path, aliased: bool) -> Path:
    directory.mkdir()
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml", "platformctl.offline.yaml"):
        shutil.copy(REPO / name, directory / name)
    shutil.copytree(REPO / "components", directory / "components", ignore=shutil.ignore_patterns("__pycache__"))
    program = (REPO / "__main__.py").read_text()
    assert program.count(DB_COMPONENT) == 1, 'the database component is no longer named f"{prefix}-db"'
    program = program.replace(DB_COMPONENT, 'f"{prefix}-database"')
    if aliased:
        start = program.index('f"{prefix}-database"')
        end = program.index("\n    primary,\n)", start) + len("\n    primary,\n)")
        assert "storage = Storage" in program[end : end + 20], "unexpected shape of the Database call"
        program = (
            program[: end - len("primary,\n)")] + "pulumi.ResourceOptions.merge(primary, pulumi.ResourceOptions("
            'aliases=[pulumi.Alias(name=f"{prefix}-db")])))' + program[end:]
        )
    (directory / "__main__.py").write_text(program)
    return directory


@pytest.fixture(scope="module")
def renamed_previews(tmp_path_factory) -> dict[str, StackPreview]:
    root = tmp_path_factory.mktemp("renamed")
    copies = {
        "renamed": _program_copy(root / "renamed", aliased=False),
        "aliased": _program_copy(root / "aliased", aliased=True),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(preview_stacks, load_project(path), ["prod"]) for key, path in copies.items()}
        previews = {key: future.result()[0] for key, future in futures.items()}
    assert all(p.ok for p in previews.values()), {key: p.message for key, p in previews.items()}
    return previews


def test_renaming_the_database_component_is_reported_with_the_alias_to_add(renamed_previews):
    baseline = urn_guard.read_baseline(urn_guard.snapshot_path(SNAPSHOTS, "prod"))
    gone = urn_guard.check("prod", baseline, renamed_previews["renamed"].resources)
    assert [item.urn for item in gone] == OLD_DB_URNS
    for item, suffix in zip(gone, ("instance", "replica"), strict=True):
        assert f"stateful resource {item.urn} is gone" in item.message and "data loss" in item.message
        assert (
            f"If it moved to {PROD}platform:database:Database$aws:rds/instance:Instance::"
            f"platform-prod-database-{suffix}"
        ) in item.message
        assert (
            f'aliases=[pulumi.Alias(name="platform-prod-db-{suffix}", '
            f'parent="{PROD}platform:database:Database::platform-prod-db")]'
        ) in item.message
        assert 'aliases=[pulumi.Alias(name="platform-prod-db")]' in item.message
        assert "old parent type chain platform:database:Database" in item.message
        assert "python -m platformctl urns --stack prod --write" in item.message


def test_an_alias_on_the_renamed_component_covers_its_children(renamed_previews):
    resources = renamed_previews["aliased"].resources
    component = next(r for r in resources if r["type"] == "platform:database:Database")
    # Recorded from the SDK's alias spec the way the engine collapses it (the parent is the root stack).
    assert component["aliases"] == [f"{PROD}platform:database:Database::platform-prod-db"]
    baseline = urn_guard.read_baseline(urn_guard.snapshot_path(SNAPSHOTS, "prod"))
    gone = urn_guard.check("prod", baseline, resources)
    assert not gone, "\n\n".join(item.message for item in gone)
    aliases = urn_guard.effective_aliases(resources)
    for old in OLD_DB_URNS:  # inherited through the component: `-database-instance` was `-db-instance`
        new = old.replace("platform-prod-db-", "platform-prod-database-")
        assert old in aliases[new], aliases[new]


def test_alias_specs_collapse_to_urns_as_the_engine_does():
    parent = f"{PROD}platform:database:Database::platform-prod-db"
    root = f"{PROD}pulumi:pulumi:Stack::platform-prod"
    bucket = "aws:s3/bucket:Bucket"

    def collapse(current_parent: str, **spec) -> str:
        spec = alias_pb2.Alias.Spec(stack="prod", project="platform", **spec)
        return _collapse_alias_spec(spec, bucket, "data", current_parent)

    assert collapse(root, name="old") == f"{PROD}{bucket}::old"  # the root stack is not part of a type chain
    assert collapse(root, parentUrn=parent) == f"{PROD}platform:database:Database${bucket}::data"
    assert collapse(parent, noParent=True) == f"{PROD}{bucket}::data"
    assert collapse(parent, type="aws:s3/bucketV2:BucketV2") == (
        f"{PROD}platform:database:Database$aws:s3/bucketV2:BucketV2::data"
    )


# --- the alias rules on small, hand-made resource lists ---------------------------------------------------------

DEV = "urn:pulumi:dev::p::"
STACK = f"{DEV}pulumi:pulumi:Stack::p-dev"


def resource(qualified_type: str, name: str, parent: str = STACK, aliases: tuple[str, ...] = ()) -> dict:
    return {
        "urn": f"{DEV}{qualified_type}::{name}",
        "type": qualified_type.split("$")[-1],
        "name": name,
        "parent": parent,
        "aliases": list(aliases),
        "protect": False,
    }


def test_inherited_aliases_follow_nested_components_and_declared_child_aliases():
    outer = resource("x:a:Outer", "app-new", aliases=(f"{DEV}x:a:Outer::app",))
    inner = resource("x:a:Outer$x:b:Inner", "app-new-inner", parent=outer["urn"])
    bucket = resource(
        "x:a:Outer$x:b:Inner$aws:s3/bucket:Bucket",
        "app-new-inner-data",
        parent=inner["urn"],
        aliases=(f"{DEV}x:a:Outer$x:b:Inner$aws:s3/bucket:Bucket::app-new-inner-old-data",),
    )
    aliases = urn_guard.effective_aliases([outer, inner, bucket])
    assert f"{DEV}x:a:Outer$x:b:Inner::app-inner" in aliases[inner["urn"]]
    assert f"{DEV}x:a:Outer$x:b:Inner$aws:s3/bucket:Bucket::app-inner-data" in aliases[bucket["urn"]]
    assert f"{DEV}x:a:Outer$x:b:Inner$aws:s3/bucket:Bucket::app-inner-old-data" in aliases[bucket["urn"]]
    baseline = [f"{DEV}x:a:Outer$x:b:Inner$aws:s3/bucket:Bucket::app-inner-data"]
    assert urn_guard.check("dev", baseline, [outer, inner, bucket]) == []


def test_a_resource_moved_under_another_parent_gets_a_parent_alias_suggestion():
    storage = resource("x:s:Storage", "store")
    bucket = resource("x:s:Storage$aws:s3/bucket:Bucket", "logs", parent=storage["urn"])
    [gone] = urn_guard.check("dev", [f"{DEV}aws:s3/bucket:Bucket::logs"], [storage, bucket])
    assert f"If it moved to {bucket['urn']}" in gone.message
    assert 'pulumi.Alias(name="logs", parent=None)' in gone.message
    assert "old parent type chain none (top level)" in gone.message


def test_a_removed_resource_without_successor_says_so():
    [gone] = urn_guard.check("dev", [f"{DEV}aws:kms/key:Key::k"], [resource("aws:s3/bucket:Bucket", "b")])
    assert "No new aws:kms/key:Key took its place" in gone.message


def test_a_stack_export_is_a_baseline(tmp_path):
    export = tmp_path / "state.json"
    export.write_text(
        json.dumps(
            {
                "version": 3,
                "deployment": {
                    "resources": [
                        {"urn": f"{DEV}aws:kms/key:Key::k", "type": "aws:kms/key:Key"},
                        {"urn": f"{DEV}aws:iam/role:Role::r", "type": "aws:iam/role:Role"},
                    ]
                },
            }
        )
    )
    assert urn_guard.read_baseline(export) == [f"{DEV}aws:kms/key:Key::k"]


def platformctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_a_preview_that_replaces_a_stateful_resource_fails_the_check(tmp_path):
    preview = tmp_path / "preview.json"
    preview.write_text(
        json.dumps(
            {
                "steps": [
                    {"op": "replace", "urn": f"{DEV}x:d:Database$aws:rds/instance:Instance::db"},
                    {"op": "replace", "urn": f"{DEV}aws:ec2/securityGroup:SecurityGroup::sg"},
                    {"op": "update", "urn": f"{DEV}aws:s3/bucket:Bucket::b"},
                ]
            }
        )
    )
    result = platformctl("urns", "--stack", "dev", "--preview-json", str(preview))
    assert result.returncode == 1, result.stderr
    assert f"replace: {DEV}x:d:Database$aws:rds/instance:Instance::db" in result.stderr
    assert "SecurityGroup" not in result.stderr and "Bucket" not in result.stderr


def test_baseline_needs_check_and_one_stack():
    result = platformctl("urns", "--stack", "all", "--check", "--baseline", "x.json")
    assert result.returncode == 2 and "--baseline needs --check and a single --stack" in result.stderr


# --- scripts/rollback.sh ----------------------------------------------------------------------------------------


def rollback(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / "rollback.sh"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHON": sys.executable, **(env or {})},
    )


STUB_PULUMI = """#!/usr/bin/env bash
# Stands in for the Pulumi CLI: records each call, answers `preview --json` with a canned document.
echo "$*" >>"$STUB_LOG"
if [[ "$1" == preview ]]; then cat "$STUB_PREVIEW"; fi
"""


def test_rollback_dry_run_on_head_guards_and_prints_the_pulumi_steps():
    result = rollback("--dry-run", "dev", "HEAD")
    assert result.returncode == 0, result.stdout + result.stderr
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    kept = len(json.loads(urn_guard.snapshot_path(SNAPSHOTS, "dev").read_text())["urns"])
    lines = result.stdout.splitlines()
    assert lines[0] == f"Rolling back stack dev to {head} (HEAD), dry run"
    assert f"dev: {kept} of {kept} stateful resources kept" in lines
    worktree = lines[lines.index("[1/4] worktree of HEAD") + 1].strip()
    plan = str(Path(worktree).parent / "plan.json")
    commands = [line.strip() for line in lines if line.startswith("  $ ")]
    assert commands == [
        f"$ pulumi install --cwd {worktree}",
        f"$ pulumi preview --cwd {worktree} --stack dev --save-plan {plan} --json",
        f"$ pulumi up --cwd {worktree} --stack dev --plan {plan}",
    ]
    assert [line[:5] for line in lines if line.startswith("[")] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert not Path(worktree).exists(), "the worktree outlived the script"
    listed = subprocess.run(["git", "worktree", "list"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert worktree not in listed


def test_rollback_refuses_to_drop_a_stateful_resource_unless_allowed(tmp_path):
    baseline = json.loads(urn_guard.snapshot_path(SNAPSHOTS, "dev").read_text())
    dropped = "urn:pulumi:dev::platform::platform:database:Database$aws:rds/cluster:Cluster::platform-dev-db-aurora"
    (tmp_path / "state.json").write_text(json.dumps({**baseline, "urns": [*baseline["urns"], dropped]}))
    refused = rollback("--dry-run", "--baseline", str(tmp_path / "state.json"), "dev", "HEAD")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert f"stateful resource {dropped} is gone" in refused.stderr and "refused:" in refused.stderr
    assert "pulumi up" not in refused.stdout
    allowed = rollback(
        "--dry-run", "--allow-stateful-change", "--baseline", str(tmp_path / "state.json"), "dev", "HEAD"
    )
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "--allow-stateful-change" in allowed.stderr and "$ pulumi up" in allowed.stdout


def test_rollback_rejects_an_unknown_ref():
    result = rollback("--dry-run", "dev", "no-such-ref")
    assert result.returncode == 2 and "no-such-ref is not a commit" in result.stderr


@pytest.mark.parametrize("op, status", [("update", 0), ("replace", 3)])
def test_rollback_runs_preview_then_up_with_the_plan_unless_the_preview_replaces_state(tmp_path, op, status):
    (tmp_path / "pulumi").write_text(STUB_PULUMI)
    (tmp_path / "pulumi").chmod(0o755)
    database = "urn:pulumi:dev::platform::platform:database:Database$aws:rds/instance:Instance::platform-dev-db-x"
    (tmp_path / "preview.json").write_text(json.dumps({"steps": [{"op": op, "urn": database}]}))
    result = rollback(
        "--yes",
        "dev",
        "HEAD",
        env={
            "PATH": f"{tmp_path}:{os.environ['PATH']}",
            "STUB_LOG": str(tmp_path / "calls"),
            "STUB_PREVIEW": str(tmp_path / "preview.json"),
        },
    )
    assert result.returncode == status, result.stdout + result.stderr
    calls = [line.split(" --cwd ")[0] for line in (tmp_path / "calls").read_text().splitlines()]
    assert calls == ["install", "preview", "up"][: 3 if status == 0 else 2]
    if status == 0:
        up = (tmp_path / "calls").read_text().splitlines()[-1]
        assert "--stack dev --plan " in up and up.endswith("/plan.json --yes")
        assert "Done: dev rolled back to" in result.stdout
    else:
        assert f"replace: {database}" in result.stderr and "refused:" in result.stderr
