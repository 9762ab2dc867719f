"""Kubernetes objects: every one schema-valid for the cluster's version, and the baseline every namespace gets
(quotas, limits, default-deny networking, priority classes)."""

from __future__ import annotations

import ipaddress

import kubernetes_validate
import pytest
from kubernetes_validate.utils import all_versions

from components.network.edge import INGRESS_PORT
from tests.components.configs import TIERS, stack_config
from tests.components.kubernetes.objects import kubernetes_objects, of_kind

APP_NAMESPACES = ["apps"]


def schema_version(tier: str) -> str:
    """The Kubernetes schema of the stack's pinned EKS version (cluster.kubernetesVersion), e.g. 1.35.0."""
    return f"{stack_config(tier).cluster.kubernetes_version}.0"


@pytest.mark.parametrize("tier", TIERS)
def test_kubernetes_validate_ships_the_pinned_version_schema(tier):
    """Without the pinned version's schema the checks below would validate against some other version."""
    assert schema_version(tier) in all_versions(), (
        f"kubernetes-validate {kubernetes_validate.__version__} has no {schema_version(tier)} schema; upgrade it"
    )


def test_every_object_validates_strictly_against_the_cluster_version(tier_stack):
    tier, stack = tier_stack
    version = schema_version(tier)
    assert stack.one("aws:eks/cluster:Cluster")["inputs"]["version"] == stack_config(tier).cluster.kubernetes_version
    objects = kubernetes_objects(stack)
    assert len(objects) >= 25
    for resource in objects:
        try:
            kubernetes_validate.validate(resource["inputs"], version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{resource['urn']} is not a valid {resource['inputs']['kind']} ({version}): {error.message}")


@pytest.mark.parametrize("tier", TIERS)
def test_a_schema_violation_is_caught(tier):
    broken = {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "q"},
        "spec": {"hard": {"pods": "10"}, "hardd": {}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, schema_version(tier), strict=True)


def test_load_balancer_reaches_the_ingress_pods(tier_stack):
    """The platform namespace denies ingress by default; the ALB (target type ip) sends requests and health
    checks from its nodes in the public subnets straight to the pods on the ingress port."""
    tier, stack = tier_stack
    (target_group,) = stack.of_type("aws:lb/targetGroup:TargetGroup")
    assert (target_group["inputs"]["targetType"], target_group["inputs"]["port"]) == ("ip", INGRESS_PORT)
    public = sorted(s["inputs"]["cidrBlock"] for s in stack.of_type("aws:ec2/subnet:Subnet") if "-public-" in s["name"])
    assert public, f"{tier}: no public subnets"
    policies = [
        r
        for r in kubernetes_objects(stack)
        if r["inputs"]["kind"] == "NetworkPolicy" and r["inputs"]["metadata"]["namespace"] == "platform"
    ]
    allowed = set()
    for policy in policies:
        for rule in policy["inputs"]["spec"].get("ingress") or []:
            ports = {(p.get("protocol", "TCP"), p.get("port")) for p in rule.get("ports") or []}
            blocks = [peer["ipBlock"]["cidr"] for peer in rule.get("from") or [] if "ipBlock" in peer]
            if ("TCP", INGRESS_PORT) in ports:
                allowed.update(blocks)
    covered = [
        cidr
        for cidr in public
        if any(ipaddress.ip_network(cidr).subnet_of(ipaddress.ip_network(block)) for block in allowed)
    ]
    assert covered == public, (
        f"{tier}: platform NetworkPolicies admit port {INGRESS_PORT} from {sorted(allowed)}, "
        f"not from every public subnet {public}: {[p['urn'] for p in policies]}"
    )
    assert not any(ipaddress.ip_network(block).prefixlen == 0 for block in allowed), f"{tier}: {sorted(allowed)}"


@pytest.mark.parametrize("namespace", APP_NAMESPACES)
def test_every_application_namespace_has_quota_limits_and_default_deny(tier_stack, namespace):
    _tier, stack = tier_stack
    (quota,) = of_kind(stack, "ResourceQuota", namespace)
    assert set(quota["spec"]["hard"]) == {"requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"}
    (limits,) = of_kind(stack, "LimitRange", namespace)
    container = next(item for item in limits["spec"]["limits"] if item["type"] == "Container")
    assert {"default", "defaultRequest"} <= set(container)
    policies = {p["metadata"]["name"]: p["spec"] for p in of_kind(stack, "NetworkPolicy", namespace)}
    deny = policies["default-deny"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert not deny.get("ingress") and not deny.get("egress")
    assert "allow-dns" in policies
    (ns,) = [n for n in of_kind(stack, "Namespace") if n["metadata"]["name"] == namespace]
    assert ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_quotas_grow_with_the_tier(stacks):
    pods = [of_kind(stacks[t], "ResourceQuota", "apps")[0]["spec"]["hard"]["pods"] for t in ("dev", "staging", "prod")]
    assert pods == sorted(pods, key=int) and len(set(pods)) == 3


def test_priority_classes_exist_with_one_global_default(tier_stack):
    _, stack = tier_stack
    classes = of_kind(stack, "PriorityClass")
    assert {c["metadata"]["name"] for c in classes} >= {"platform-critical", "application-default"}
    assert sum(1 for c in classes if c.get("globalDefault")) == 1
