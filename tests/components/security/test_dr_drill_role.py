"""The DR drill role (access.drDrill, prod only): trusted by the dr-drill workflow's environment alone, six-hour
sessions, and only what `platformctl dr drill` and `pulumi stack output` call.

The mocks accept any policy, so the conditions are checked by a small evaluator of the operators the policy
uses (below); the calls the drill makes are read from its source, so a new call fails here until granted.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
from typing import Any

import boto3
import pytest
import yaml

from components.security.access import DR_DRILL_ROLE, DR_DRILL_SESSION_SECONDS, ROLE_KEYS
from components.security.dr_drill_policies import (
    CREATED_BY_TAG,
    DRILL_INSTANCE_PREFIX,
    DRILL_TAG_VALUE,
    STATE_BUCKET_PREFIX,
)
from platform_policies.framework import Resource
from platform_policies.rules import ALL_RULES
from platformctl.ops import dr_drill_run, rds_snapshots
from tests.components.security.iam_evaluator import arn_matches
from tests.conftest import REPO, Stack

ACCOUNT = "123456789012"
REPOSITORY = "company/platform-infrastructure"  # access.githubRepository
GITHUB_PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
WORKFLOW = REPO / ".github" / "workflows" / "dr-drill.yml"
# The modules of `platformctl dr drill` that call AWS (platformctl/commands/dr.py -> ops.dr_drill.execute).
DRILL_MODULES = ("dr_drill.py", "dr_orphans.py", "dr_recovery_point.py", "rds_snapshots.py")
# boto3 waiters poll an operation: db_instance_available is DescribeDBInstances.
WAITERS = {"db_instance_available": "describe_db_instances"}
# IAM's limit for a customer managed policy, whitespace not counted
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
MANAGED_POLICY_CHARS = 6144


def drill_role(stack: Stack) -> dict[str, Any] | None:
    name = f"platform-{stack.outputs['tier']}-{DR_DRILL_ROLE}"
    found = [r for r in stack.of_type("aws:iam/role:Role") if r["inputs"].get("name") == name]
    return found[0] if found else None


def drill_policy(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    """The one policy attached to the drill role: its resource and its parsed document."""
    role = drill_role(stack)
    assert role is not None
    attached = [
        a["inputs"]["policyArn"]
        for a in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a["inputs"]["role"] == role["outputs"]["name"]
    ]
    [policy] = [p for p in stack.of_type("aws:iam/policy:Policy") if p["outputs"]["arn"] in attached]
    assert len(attached) == 1, f"{role['urn']}: only its own policy, got {attached}"
    return policy, json.loads(policy["inputs"]["policy"])


# --- a condition-aware evaluator of the operators the drill policy uses ------------------------------------


def _values(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _condition_holds(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    for operator, clauses in condition.items():
        for key, wanted in clauses.items():
            got = context.get(key)
            if got is None:
                return False  # an absent key fails every operator used here (none is ...IfExists)
            got_values = _values(got)
            if operator in ("StringEquals", "ForAnyValue:StringEquals"):
                ok = any(g in _values(wanted) for g in got_values)
            elif operator == "StringLike":
                ok = any(fnmatch.fnmatchcase(g, w) for g in got_values for w in _values(wanted))
            elif operator == "Bool":
                ok = got_values == [str(w).lower() for w in _values(wanted)]
            else:
                pytest.fail(f"the evaluator does not know {operator}")
            if not ok:
                return False
    return True


def permits(document: dict[str, Any], action: str, resource: str, context: dict[str, Any] | None = None) -> bool:
    """Identity-policy logic with conditions: explicit deny wins, then any allow whose condition holds."""
    allowed = False
    for statement in document["Statement"]:
        actions = _values(statement["Action"])
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions):
            continue
        if not any(arn_matches(pattern, resource) for pattern in _values(statement["Resource"])):
            continue
        if not _condition_holds(statement.get("Condition", {}), context or {}):
            continue
        if statement["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


# --- per tier ---------------------------------------------------------------------------------------------------


def test_only_prod_has_the_drill_role_and_exports_it(tier_stack):
    tier, stack = tier_stack
    role = drill_role(stack)
    names = [p["inputs"]["name"] for p in stack.of_type("aws:iam/policy:Policy")]
    if tier != "prod":
        assert role is None and DR_DRILL_ROLE not in stack.outputs["roleArns"], f"{tier}: the drill runs on prod"
        assert f"platform-{tier}-dr-drill" not in names
        return
    assert role is not None
    assert stack.outputs["roleArns"][DR_DRILL_ROLE] == role["outputs"]["arn"], role["urn"]
    assert set(stack.outputs["roleArns"]) == {*ROLE_KEYS, DR_DRILL_ROLE}
    assert role["deleteBeforeReplace"], f"{role['urn']}: a fixed name is replaced delete-first"


@pytest.fixture(scope="module")
def prod(stacks) -> Stack:
    return stacks["prod"]


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def test_trusts_only_the_dr_drill_environment_of_the_repository(prod, workflow):
    role = drill_role(prod)
    assert role is not None
    [statement] = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRoleWithWebIdentity", role["urn"]
    assert statement["Principal"] == {"Federated": GITHUB_PROVIDER_ARN}, role["urn"]
    environment = workflow["jobs"]["drill"]["environment"]
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": f"repo:{REPOSITORY}:environment:{environment}",
        }
    }, role["urn"]
    assert environment == "dr-drill"


def test_sessions_last_as_long_as_the_workflow_asks(prod, workflow):
    role = drill_role(prod)
    assert role is not None
    steps = workflow["jobs"]["drill"]["steps"]
    [credentials] = [s for s in steps if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials")]
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DR_DRILL_ROLE }}"
    requested = int(credentials["with"]["role-duration-seconds"])
    # STS refuses a DurationSeconds above the role's MaxSessionDuration (3600-43200 s).
    assert role["inputs"]["maxSessionDuration"] == DR_DRILL_SESSION_SECONDS == requested == 21600, role["urn"]
    assert requested > workflow["jobs"]["drill"]["timeout-minutes"] * 60 - 3600, "the session outlives the wait"


def test_every_statement_is_scoped(prod):
    policy, document = drill_policy(prod)
    assert len(re.sub(r"\s", "", policy["inputs"]["policy"])) <= MANAGED_POLICY_CHARS, policy["urn"]
    for statement in document["Statement"]:
        sid = statement["Sid"]
        assert statement["Effect"] == "Allow", sid
        assert all("*" not in action for action in _values(statement["Action"])), f"{sid}: wildcard action"
        assert "*" not in _values(statement["Resource"]), f"{sid}: Resource *"
        assert {a.split(":")[0] for a in _values(statement["Action"])} <= {"rds", "kms", "s3"}, sid
    actions = {a for s in document["Statement"] for a in _values(s["Action"])}
    assert not {"iam:PassRole", "sts:AssumeRole", "rds:ModifyDBInstance", "s3:PutObject"} & actions


def _rds(region: str, kind: str, name: str) -> str:
    return f"arn:aws:rds:{region}:{ACCOUNT}:{kind}:{name}"


def test_restores_only_into_private_drill_tagged_instances(prod):
    _, document = drill_policy(prod)
    primary, dr = prod.outputs["primaryRegion"], prod.outputs["drRegion"]
    tagged = {f"aws:RequestTag/{CREATED_BY_TAG}": DRILL_TAG_VALUE, "rds:PubliclyAccessible": "false"}
    for action in ("rds:RestoreDBInstanceToPointInTime", "rds:RestoreDBInstanceFromDBSnapshot"):
        for region in (primary, dr):
            target = _rds(region, "db", f"{DRILL_INSTANCE_PREFIX}platform-prod-db-20260104t021700z-4f9a")
            assert permits(document, action, target, tagged), f"{action} in {region}"
            assert not permits(document, action, target, {**tagged, f"aws:RequestTag/{CREATED_BY_TAG}": "me"})
            assert not permits(document, action, target, {**tagged, "rds:PubliclyAccessible": "true"})
            assert not permits(document, action, _rds(region, "db", "anything-else"), tagged)
            for required in (("og", "default:postgres-16"), ("pg", "default.postgres16"), ("subgrp", "default")):
                assert permits(document, action, _rds(region, *required), tagged), f"{action} {required}"
        assert not permits(document, action, _rds("eu-central-1", "db", "drill-x"), tagged), "other regions"
    # The drill restores into the source's subnet group: the stack's own (auto-named), in either region.
    for group in prod.of_type("aws:rds/subnetGroup:SubnetGroup"):
        arn = _rds(prod.provider_region(group), "subgrp", group["outputs"]["name"])
        assert permits(document, "rds:RestoreDBInstanceFromDBSnapshot", arn, tagged), group["urn"]
    source = _rds(primary, "db", prod.outputs["databaseIdentifier"])
    assert permits(document, "rds:RestoreDBInstanceToPointInTime", source, tagged)
    assert permits(document, "rds:AddTagsToResource", _rds(dr, "db", "drill-x"), tagged)
    assert not permits(document, "rds:AddTagsToResource", source, tagged), "never tags the source"


def test_deletes_only_instances_named_and_tagged_by_a_drill(prod):
    _, document = drill_policy(prod)
    primary = prod.outputs["primaryRegion"]
    ours = {f"aws:ResourceTag/{CREATED_BY_TAG}": DRILL_TAG_VALUE}
    assert permits(document, "rds:DeleteDBInstance", _rds(primary, "db", "drill-x"), ours)
    assert not permits(document, "rds:DeleteDBInstance", _rds(primary, "db", "drill-x"), {})
    assert not permits(document, "rds:DeleteDBInstance", _rds(primary, "db", prod.outputs["databaseIdentifier"]), ours)
    assert not permits(document, "rds:DeleteDBInstance", _rds(primary, "db", "drill-x"), {"aws:ResourceTag/x": "y"})


def test_key_use_only_through_rds_on_the_recovery_point_keys(prod):
    _, document = drill_policy(prod)
    aliases = {a["inputs"]["name"] for a in prod.of_type("aws:kms/alias:Alias")}
    assert {"alias/platform-prod-data", "alias/platform-prod-dr"} <= aliases, "the aliases the policy names exist"
    for region, alias in ((prod.outputs["primaryRegion"], "data"), (prod.outputs["drRegion"], "dr")):
        key = f"arn:aws:kms:{region}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        grant = {
            "kms:ResourceAliases": [f"alias/platform-prod-{alias}"],
            "kms:ViaService": f"rds.{region}.amazonaws.com",
            "kms:GrantIsForAWSResource": "true",
        }
        assert permits(document, "kms:CreateGrant", key, grant) and permits(document, "kms:DescribeKey", key, grant)
        assert not permits(document, "kms:CreateGrant", key, {**grant, "kms:GrantIsForAWSResource": "false"})
        assert not permits(document, "kms:CreateGrant", key, {**grant, "kms:ViaService": f"ec2.{region}.amazonaws.com"})
        assert not permits(
            document, "kms:CreateGrant", key, {**grant, "kms:ResourceAliases": ["alias/platform-prod-logs"]}
        )
        assert not permits(document, "kms:Decrypt", key, {**grant, "kms:ViaService": f"s3.{region}.amazonaws.com"})


def test_reads_the_state_bucket_and_writes_nothing(prod):
    _, document = drill_policy(prod)
    bucket = f"arn:aws:s3:::{STATE_BUCKET_PREFIX}{ACCOUNT}-us-east-1"
    assert permits(document, "s3:ListBucket", bucket)
    assert permits(document, "s3:GetObject", f"{bucket}/.pulumi/stacks/platform/prod.json")
    assert not permits(document, "s3:PutObject", f"{bucket}/.pulumi/stacks/platform/prod.json")
    assert not permits(document, "s3:GetObject", f"arn:aws:s3:::{STATE_BUCKET_PREFIX}210987654321-us-east-1/.pulumi/x")
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"
    assert permits(document, "kms:Decrypt", key, {"kms:ResourceAliases": ["alias/platform-pulumi-secrets"]})
    state = {"kms:ResourceAliases": ["alias/platform-pulumi-state"], "kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert permits(document, "kms:Decrypt", key, state)
    assert not permits(document, "kms:Decrypt", key, {**state, "kms:ViaService": "lambda.us-east-1.amazonaws.com"})
    # bootstrap/__main__.py names the bucket: the prefix the policy grants is the bootstrap's.
    assert f'f"{STATE_BUCKET_PREFIX}{{account_id}}-{{region}}"' in (REPO / "bootstrap" / "__main__.py").read_text()


def _drill_calls() -> tuple[set[str], set[str]]:
    """The boto3 services and operations the drill's modules call (clients, paginators, waiters)."""
    services, methods = set(), set()
    for module in DRILL_MODULES:
        tree = ast.parse((REPO / "platformctl" / "ops" / module).read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            literal = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
            if name == "aws_client":
                services.add(str(literal))
            elif name == "get_paginator":
                methods.add(str(literal))
            elif name == "get_waiter":
                methods.add(WAITERS[str(literal)])
            elif isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", None) == "rds":
                methods.add(name)
    return services, methods


def test_grants_every_call_the_drill_makes(prod):
    _, document = drill_policy(prod)
    services, methods = _drill_calls()
    assert services == {"rds"}, f"the drill now calls {services}: grant what it needs"
    mapping = boto3.client("rds", region_name="us-east-1").meta.method_to_api_mapping
    called = {f"rds:{mapping[m]}" for m in methods}
    assert called >= {"rds:RestoreDBInstanceToPointInTime", "rds:DeleteDBInstance", "rds:DescribeDBSnapshots"}
    granted = {a for s in document["Statement"] for a in _values(s["Action"])}
    assert called <= granted, f"not granted: {sorted(called - granted)}"
    # Restores with Tags are authorised as AddTagsToResource too; nothing else beyond the calls.
    assert granted - called == {
        "rds:AddTagsToResource",
        "kms:CreateGrant",
        "kms:DescribeKey",
        "s3:ListBucket",
        "s3:GetObject",
        "kms:Decrypt",
    }


def test_the_tags_and_names_are_the_drills():
    assert CREATED_BY_TAG == rds_snapshots.CREATED_BY
    assert DRILL_TAG_VALUE == dr_drill_run.DRILL_TAG and DRILL_INSTANCE_PREFIX == dr_drill_run.PREFIX
    tags = dr_drill_run.tag_values(dr_drill_run.drill_tags("prod", "20260104T021700Z-4f9a"))
    assert tags[CREATED_BY_TAG] == DRILL_TAG_VALUE
    assert dr_drill_run.drill_identifier("platform-prod-db", "20260104T021700Z-4f9a").startswith(DRILL_INSTANCE_PREFIX)


def test_the_packs_resource_rules_pass_on_the_role_and_its_policy(prod):
    policy, _ = drill_policy(prod)
    role = drill_role(prod)
    assert role is not None
    findings = [
        f"{rule.name}: {message}"
        for resource in (role, policy)
        for rule in ALL_RULES
        if not rule.is_stack_rule
        for message in rule.check_resource(
            Resource(
                resource["type"],
                resource["inputs"],
                urn=resource["urn"],
                name=resource["inputs"]["name"],
                provider_props=prod.by_urn(resource["provider"].rsplit("::", 1)[0])["inputs"],  # default tags
            )
        )
    ]
    assert not findings, findings
