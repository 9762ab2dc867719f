"""ClusterAccess: every role reaches the Kubernetes API with the access policies of its tier, through one access
entry per principal, and nothing calls the API before the entries exist."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from tests.components.configs import stack_config
from tests.components.stack_lookups import ACCESS_ENTRY, ASSOCIATION, access_urns

CLUSTER = "aws:eks/cluster:Cluster"
K8S_PROVIDER = "pulumi:providers:kubernetes"

# EKS access policies: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
ADMIN, EDIT, VIEW = "AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"


def expected_access(tier: str) -> dict[str, set[tuple[str, str, tuple[str, ...]]]]:
    """role -> {(policy, scope type, namespaces)}: the brief's table of who may do what."""
    namespaces = tuple(sorted(stack_config(tier).kubernetes.app_namespaces))
    developer = {(VIEW, "cluster", ())} if tier == "prod" else {(EDIT, "namespace", namespaces)}
    return {
        "ci-deployer": {(ADMIN, "cluster", ())},
        "ci-previewer": {(VIEW, "cluster", ())},
        "platform-admin": {(ADMIN, "cluster", ())},
        "break-glass": {(ADMIN, "cluster", ())},
        "developer": developer,
    }


def _role_of(resource: dict[str, Any], roles) -> str:
    matches = [role for role in roles if re.search(rf"-{re.escape(role)}(-Amazon\w+)?$", resource["name"])]
    assert len(matches) == 1, f"{resource['urn']}: cannot tell which role it is for ({matches})"
    return matches[0]


def test_every_role_reaches_the_api_with_its_access_policies(tier_stack):
    tier, stack = tier_stack
    expected = expected_access(tier)
    role_arns = stack.outputs["roleArns"]
    entries = {_role_of(r, expected): r for r in stack.of_type(ACCESS_ENTRY)}
    assert set(entries) == set(expected), f"{tier}: access entries for {sorted(entries)}, expected {sorted(expected)}"
    granted: dict[str, set] = {role: set() for role in expected}
    for association in stack.of_type(ASSOCIATION):
        inputs = association["inputs"]
        role = _role_of(association, expected)
        policy = inputs["policyArn"].rsplit("/", 1)[1]
        assert inputs["policyArn"] == f"arn:aws:eks::aws:cluster-access-policy/{policy}", association["urn"]
        assert inputs["principalArn"] == role_arns[role], association["urn"]
        assert entries[role]["urn"] in association["dependencies"], f"{association['urn']} must follow its entry"
        scope = inputs["accessScope"]
        granted[role].add((policy, scope["type"], tuple(sorted(scope.get("namespaces") or ()))))
    for role, entry in entries.items():
        assert entry["inputs"]["principalArn"] == role_arns[role], entry["urn"]
        assert entry["inputs"]["type"] == "STANDARD", f"{entry['urn']}: only STANDARD entries take access policies"
        assert entry["inputs"]["clusterName"] == stack_config(tier).name_prefix, entry["urn"]
    assert granted == expected, f"{tier}: {granted}"


def test_no_principal_has_two_access_entries(tier_stack):
    """EKS allows one access entry per IAM principal; a bootstrapped creator entry would be a second one."""
    tier, stack = tier_stack
    principals = Counter(r["inputs"]["principalArn"] for r in stack.of_type(ACCESS_ENTRY))
    assert principals and max(principals.values()) == 1, f"{tier}: {principals}"
    cluster = stack.one(CLUSTER)
    access = cluster["inputs"]["accessConfig"]
    assert access["authenticationMode"] == "API", cluster["urn"]
    # With True, EKS adds its own entry for whoever creates the cluster: CI creates it as ci-deployer, whose
    # explicit entry then fails with ResourceInUseException.
    assert access["bootstrapClusterCreatorAdminPermissions"] is False, cluster["urn"]


def test_kubernetes_waits_for_the_access_entries(tier_stack):
    """No Kubernetes call before the entries exist: the provider and every object depend on all of them."""
    tier, stack = tier_stack
    ready = access_urns(stack)
    assert ready, f"{tier}: no access entries"
    waiting = [stack.one(K8S_PROVIDER)] + [r for r in stack.resources if r["type"].startswith("kubernetes:")]
    early = {r["urn"]: sorted(ready - set(r["dependencies"])) for r in waiting if not ready <= set(r["dependencies"])}
    assert not early, f"{tier}: registered without waiting for the access entries: {early}"
