"""Access: the human and pipeline roles' trust, and what ci-deployer may do.

The mocks accept any policy, so what ci-deployer may do is checked by a small evaluator of IAM's own rules
(iam_evaluator.py) over the policies actually attached to the role in each stack.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from functools import cache
from typing import Any

import pytest
import yaml

from components.security import access_policies as docs
from components.security.access import DR_DRILL_ROLE, ROLE_KEYS
from platformctl.preview.engine import preview_stacks
from platformctl.project import load_stack_config
from tests.components.security.iam_evaluator import AWS_MANAGED, POWER_USER_ACCESS, allows, arn_matches
from tests.conftest import REPO, Stack

ACCOUNT = "123456789012"  # the account the offline mocks answer for; staging and prod's stand-in accountId
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
GITHUB_PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"


# What the bridged provider calls for create, read (refresh), update, tag/untag and delete of each IAM resource
# type the stacks register (terraform-provider-aws internal/service/iam), action names per the IAM service
# authorization reference (https://docs.aws.amazon.com/service-authorization/latest/reference/
# list_awsidentityandaccessmanagementiam.html). Inline policies and attachments are authorised on the role.
NEEDS: dict[str, tuple[str, ...]] = {
    ROLE: (
        "iam:CreateRole",
        "iam:GetRole",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
        "iam:ListInstanceProfilesForRole",
        "iam:DeleteRole",
        "iam:PassRole",
    ),
    "aws:iam/rolePolicy:RolePolicy": (
        "iam:PutRolePolicy",
        "iam:GetRolePolicy",
        "iam:ListRolePolicies",
        "iam:DeleteRolePolicy",
    ),
    ATTACHMENT: ("iam:AttachRolePolicy", "iam:ListAttachedRolePolicies", "iam:DetachRolePolicy"),
    POLICY: (
        "iam:CreatePolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
        "iam:ListPolicyTags",
        "iam:DeletePolicy",
    ),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (
        "iam:CreateOpenIDConnectProvider",
        "iam:GetOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
        "iam:UntagOpenIDConnectProvider",
        "iam:ListOpenIDConnectProviderTags",
        "iam:DeleteOpenIDConnectProvider",
    ),
}
# The program's look-ups: aws.iam.get_open_id_connect_provider(url=...) lists the providers, then reads one.
LOOKUPS = (("iam:ListOpenIDConnectProviders", "*"), ("iam:GetOpenIDConnectProvider", GITHUB_PROVIDER_ARN))
# Service-linked roles the services of the stack create on first use (EKS, node groups, RDS, ELB, Auto Scaling).
SERVICE_LINKED_ROLES = (
    "eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
    "eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup",
    "rds.amazonaws.com/AWSServiceRoleForRDS",
    "elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing",
    "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
)


# --- the IAM evaluator -----------------------------------------------------------------------------


def test_the_evaluator_follows_iam():
    docs_ = [
        POWER_USER_ACCESS,
        {
            "Statement": [
                {"Effect": "Allow", "Action": "iam:Get*", "Resource": "arn:aws:iam::1:role/app-*"},
                {"Effect": "Deny", "Action": "iam:GetRole", "Resource": "arn:aws:iam::1:role/app-secret"},
            ]
        },
    ]
    assert allows(docs_, "ec2:RunInstances", "*") and allows(docs_, "IAM:getrolepolicy", "arn:aws:iam::1:role/app-x")
    assert not allows(docs_, "iam:GetRole", "arn:aws:iam::1:role/app-secret")  # explicit deny wins
    assert not allows(docs_, "iam:GetRole", "arn:aws:iam::1:role/other")  # PowerUserAccess excludes iam:*
    assert not allows(docs_, "iam:GetRole", "arn:aws:iam::2:role/app-x")  # account segment must match
    assert allows(docs_, "iam:CreateServiceLinkedRole", "arn:aws:iam::1:role/aws-service-role/x/y")


# --- helpers over a previewed stack -----------------------------------------------------------------


def role(stack: Stack, key: str) -> dict:
    name = f"platform-{stack.outputs['tier']}-{key}"
    [found] = [r for r in stack.of_type(ROLE) if r["inputs"].get("name") == name]
    return found


def trust(resource: dict) -> list[dict]:
    return json.loads(resource["inputs"]["assumeRolePolicy"])["Statement"]


def attached_documents(stack: Stack, key: str) -> dict[str, dict]:
    """policy ARN -> document of every policy attached to the role (AWS managed ones from AWS_MANAGED)."""
    name = role(stack, key)["outputs"]["name"]
    customer = {p["outputs"]["arn"]: json.loads(p["inputs"]["policy"]) for p in stack.of_type(POLICY)}
    found = {}
    for attachment in stack.of_type(ATTACHMENT):
        if attachment["inputs"]["role"] == name:
            arn = attachment["inputs"]["policyArn"]
            found[arn] = customer.get(arn) or AWS_MANAGED.get(arn) or pytest.fail(f"no model of {arn}")
    return found


def iam_targets(stack: Stack) -> list[tuple[dict, str]]:
    """Every IAM resource of the stack with the ARN IAM authorises its calls against."""
    roles = {r["outputs"]["name"]: r["outputs"]["arn"] for r in stack.of_type(ROLE)}
    found = []
    for resource in stack.resources:
        if not resource["type"].startswith("aws:iam/"):
            continue
        on_role = resource["type"] in ("aws:iam/rolePolicy:RolePolicy", ATTACHMENT)
        found.append((resource, roles[resource["inputs"]["role"]] if on_role else resource["outputs"]["arn"]))
    return found


# --- humans: MFA and Identity Center -----------------------------------------------------------------


def _principal_arn_patterns(statement: dict) -> list[str]:
    return statement.get("Condition", {}).get("ArnLike", {}).get("aws:PrincipalArn", [])


def _mfa(statement: dict) -> bool:
    return statement.get("Condition", {}).get("Bool", {}).get("aws:MultiFactorAuthPresent") == "true"


def test_identity_center_trust_admits_the_permission_set_roles_without_mfa():
    [sso, iam_users] = json.loads(docs.human_trust(ACCOUNT, True, "PlatformAdmin"))["Statement"]
    assert sso["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"} and not _mfa(sso)
    patterns = _principal_arn_patterns(sso)
    reserved = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com"
    role_arn = f"{reserved}/eu-west-2/AWSReservedSSO_PlatformAdmin_1234567890abcdef"  # the documented form
    legacy_arn = f"{reserved}/AWSReservedSSO_PlatformAdmin_abcdef0123456789"  # instances without regional paths
    assert any(arn_matches(p, role_arn) for p in patterns) and any(arn_matches(p, legacy_arn) for p in patterns)
    for other in (
        role_arn.replace("PlatformAdmin", "Developer"),
        role_arn.replace(ACCOUNT, "210987654321"),
        f"arn:aws:iam::{ACCOUNT}:role/AWSReservedSSO_PlatformAdmin_x",
    ):
        assert not any(arn_matches(p, other) for p in patterns), other
    assert _mfa(iam_users), "where the tier requires MFA, IAM users keep the MFA statement"
    [only_sso] = json.loads(docs.human_trust(ACCOUNT, False, "Developer"))["Statement"]
    assert _principal_arn_patterns(only_sso), "no unconditioned account-wide statement beside Identity Center"


def test_break_glass_never_trusts_identity_center():
    for statement in json.loads(docs.break_glass_trust(ACCOUNT))["Statement"]:
        assert _mfa(statement) and "AWSReservedSSO" not in json.dumps(statement)


def test_prod_admin_without_identity_center_keeps_mfa(stacks):
    admin = role(stacks["prod"], "platform-admin")
    statements = trust(admin)
    assert statements and all(_mfa(s) for s in statements), admin["urn"]
    assert "AWSReservedSSO" not in admin["inputs"]["assumeRolePolicy"]
    for tier, stack in stacks.items():
        assert all(_mfa(s) for s in trust(role(stack, "break-glass"))), tier


@pytest.fixture(scope="module")
def sso_prod(project, tmp_path_factory) -> Stack:
    """prod's own config (stand-ins included) plus Identity Center permission sets for both human roles."""
    directory = tmp_path_factory.mktemp("sso")
    prod = load_stack_config(project, "prod")
    values = {
        key: (json.loads(value) if value[:1] in "{[" else value)
        for key, value in prod.values.items()
        if key not in prod.secret_keys
    }
    access = values.setdefault("platform:access", {})
    access["identityCenterPermissionSets"] = {"platform-admin": "PlatformAdmin", "developer": "Developer"}
    (directory / "Pulumi.sso-prod.yaml").write_text(yaml.safe_dump({"config": values}))
    [preview] = preview_stacks(dataclasses.replace(project, stack_config_dir=directory), ["sso-prod"])
    assert preview.ok, preview.message
    return Stack(preview)


def test_roles_listed_for_identity_center_trust_their_permission_set(sso_prod):
    for key, permission_set in (("platform-admin", "PlatformAdmin"), ("developer", "Developer")):
        resource = role(sso_prod, key)
        statements = trust(resource)
        [sso] = [s for s in statements if _principal_arn_patterns(s)]
        assert not _mfa(sso), resource["urn"]
        assert all(
            f"AWSReservedSSO_{permission_set}_*" in p and p.startswith(f"arn:aws:iam::{ACCOUNT}:role/")
            for p in _principal_arn_patterns(sso)
        ), resource["urn"]
        # prod requires MFA: IAM users still get in, with MFA only.
        assert [s for s in statements if s is not sso] and all(_mfa(s) for s in statements if s is not sso)
    assert "AWSReservedSSO" not in role(sso_prod, "break-glass")["inputs"]["assumeRolePolicy"]


def test_permission_set_roles_get_the_cluster_access_of_their_role(sso_prod):
    """The first `up` runs as a platform admin signed in through Identity Center, before the platform-admin
    role exists: the permission set's own role needs the access entry, or every Kubernetes object is refused."""
    entries = {r["inputs"]["principalArn"]: r for r in sso_prod.of_type("aws:eks/accessEntry:AccessEntry")}
    policies = {}
    for association in sso_prod.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"):
        policies.setdefault(association["inputs"]["principalArn"], set()).add(
            association["inputs"]["policyArn"].rsplit("/", 1)[-1]
        )
    for permission_set, expected in (
        ("PlatformAdmin", {"AmazonEKSClusterAdminPolicy"}),
        ("Developer", {"AmazonEKSViewPolicy"}),
    ):  # prod developers only view
        [arn] = [a for a in entries if f"/AWSReservedSSO_{permission_set}_" in a]
        assert arn.startswith(f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/"), entries[arn]["urn"]
        assert policies[arn] == expected, entries[arn]["urn"]
    kubernetes = sso_prod.one("pulumi:providers:kubernetes")
    assert {entries[a]["urn"] for a in entries} <= set(kubernetes["dependencies"]), kubernetes["urn"]


# --- pipelines -----------------------------------------------------------------------------------------


def test_every_role_key_is_a_role_and_an_exported_arn(tier_stack):
    tier, stack = tier_stack
    assert "ci-previewer" in ROLE_KEYS
    # prod adds the DR drill's role (test_dr_drill_role.py).
    assert set(stack.outputs["roleArns"]) - {DR_DRILL_ROLE} == set(ROLE_KEYS)
    for key in ROLE_KEYS:
        assert stack.outputs["roleArns"][key] == role(stack, key)["outputs"]["arn"], f"{tier} {key}"


def test_pipelines_trust_the_account_github_provider_and_create_none(tier_stack):
    _, stack = tier_stack
    for key in ("ci-deployer", "ci-previewer"):
        [statement] = trust(role(stack, key))
        assert statement["Principal"] == {"Federated": GITHUB_PROVIDER_ARN}
    assert not [
        p["urn"]
        for p in stack.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
        if "token.actions.githubusercontent.com" in p["inputs"]["url"]
    ]


def test_ci_previewer_is_read_only_for_this_repository_pull_requests(tier_stack):
    _, stack = tier_stack
    previewer = role(stack, "ci-previewer")
    [statement] = trust(previewer)
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:company/platform-infrastructure:pull_request",
        }
    }
    assert previewer["inputs"]["maxSessionDuration"] == 3600
    attached = attached_documents_or_names(stack, "ci-previewer")
    assert set(attached) == {
        "ReadOnlyAccess",
        f"platform-{stack.outputs['tier']}-ci-previewer-state",
        f"platform-{stack.outputs['tier']}-deny-role-assumption",
    }
    # Beyond read: kms:Decrypt only, on the bootstrap's two keys, found by alias; chaining into platform roles denied.
    statements = attached[f"platform-{stack.outputs['tier']}-ci-previewer-state"]["Statement"]
    assert {s["Action"] for s in statements} == {"kms:Decrypt"}
    aliases = {s["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] for s in statements}
    assert aliases == {_bootstrap_constant("SECRETS_KEY_ALIAS"), _bootstrap_constant("STATE_KEY_ALIAS")}
    deny = attached[f"platform-{stack.outputs['tier']}-deny-role-assumption"]
    assert not allows([deny], "sts:AssumeRole", role(stack, "platform-admin")["outputs"]["arn"])


def attached_documents_or_names(stack: Stack, key: str) -> dict[str, Any]:
    """policy name -> document (customer policies) or None (AWS managed), for the role's attachments."""
    name = role(stack, key)["outputs"]["name"]
    customer = {p["outputs"]["arn"]: p for p in stack.of_type(POLICY)}
    found = {}
    for attachment in stack.of_type(ATTACHMENT):
        if attachment["inputs"]["role"] == name:
            policy = customer.get(attachment["inputs"]["policyArn"])
            found[policy["inputs"]["name"] if policy else attachment["inputs"]["policyArn"].rsplit("/", 1)[1]] = (
                json.loads(policy["inputs"]["policy"]) if policy else None
            )
    return found


@cache
def _bootstrap_constant(name: str) -> str:
    """A module-level constant of bootstrap/__main__.py, read without running the program."""
    tree = ast.parse((REPO / "bootstrap" / "__main__.py").read_text())
    [value] = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]
    return value


def test_ci_deployer_may_manage_every_iam_resource_of_its_stack(tier_stack):
    tier, stack = tier_stack
    documents = list(attached_documents(stack, "ci-deployer").values())
    targets = iam_targets(stack)
    assert {r["type"] for r, _ in targets} <= set(NEEDS), "a new IAM resource type: add what it needs to NEEDS"
    assert any("oidc.eks." in arn for _, arn in targets), "the cluster's IRSA provider is the stack's own"
    missing = [
        f"{action} on {arn} ({resource['urn']})"
        for resource, arn in targets
        for action in NEEDS[resource["type"]]
        if not allows(documents, action, arn)
    ]
    missing += [f"{action} on {arn} (look-up)" for action, arn in LOOKUPS if not allows(documents, action, arn)]
    missing += [
        f"iam:CreateServiceLinkedRole for {slr}"
        for slr in SERVICE_LINKED_ROLES
        if not allows(documents, "iam:CreateServiceLinkedRole", f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/{slr}")
    ]
    assert not missing, f"{tier} ci-deployer cannot:\n" + "\n".join(missing)


def test_ci_deployer_cannot_touch_what_is_not_its_stack(tier_stack):
    tier, stack = tier_stack
    documents = list(attached_documents(stack, "ci-deployer").values())
    other = next(t for t in ("dev", "staging", "prod") if t != tier)
    iam = f"arn:aws:iam::{ACCOUNT}"
    forbidden = [
        *(
            (action, GITHUB_PROVIDER_ARN)
            for action in NEEDS["aws:iam/openIdConnectProvider:OpenIdConnectProvider"]
            if action != "iam:GetOpenIDConnectProvider"
        ),  # the baseline's: read only
        ("iam:UpdateAssumeRolePolicy", f"{iam}:role/platform-{other}-platform-admin"),
        ("iam:AttachRolePolicy", f"{iam}:role/platform-{other}-ci-deployer"),
        ("iam:CreatePolicyVersion", f"{iam}:policy/platform-{other}-ci-deployer-iam"),
        ("iam:CreateUser", f"{iam}:user/anyone"),
        ("iam:CreateAccessKey", f"{iam}:user/anyone"),
        ("iam:CreateOpenIDConnectProvider", f"{iam}:oidc-provider/example.com"),
        ("sts:AssumeRole", role(stack, "platform-admin")["outputs"]["arn"]),
        ("sts:AssumeRole", role(stack, "break-glass")["outputs"]["arn"]),
    ]
    allowed = [f"{action} on {arn}" for action, arn in forbidden if allows(documents, action, arn)]
    assert not allowed, f"{tier} ci-deployer may:\n" + "\n".join(allowed)


# --- replacements ------------------------------------------------------------------------------------


def test_named_resources_of_access_and_audit_are_replaced_delete_first(tier_stack):
    """A fixed physical name cannot exist twice: create-before-delete fails with "already exists"."""
    _, stack = tier_stack
    mine = [
        r
        for r in stack.resources
        if r["custom"] and ("platform:access:Access$" in r["urn"] or "platform:audit:Audit$" in r["urn"])
    ]
    named = [r for r in mine if r["inputs"].get("name") and not r["protect"]]
    assert {r["type"] for r in named} >= {
        ROLE,
        POLICY,
        "aws:cloudtrail/trail:Trail",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:cloudwatch/logGroup:LogGroup",
    }
    assert not [r["urn"] for r in named if not r["deleteBeforeReplace"]]
