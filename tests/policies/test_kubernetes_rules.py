"""Cases for the Kubernetes rules (policies/rules/kubernetes.py and kubernetes_namespaces.py)."""

from __future__ import annotations

import pytest

from policies.rules import kubernetes, kubernetes_namespaces
from tests.policies.cases import Case, assert_case, assert_case_as_crossguard_sees_it, res

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFULSET = "kubernetes:apps/v1:StatefulSet"
POD = "kubernetes:core/v1:Pod"
CRONJOB = "kubernetes:batch/v1:CronJob"
NAMESPACE = "kubernetes:core/v1:Namespace"
QUOTA = "kubernetes:core/v1:ResourceQuota"
LIMITS = "kubernetes:core/v1:LimitRange"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
RELEASE = "kubernetes:helm.sh/v3:Release"

SIZED = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}
SAFE = {"runAsNonRoot": True, "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def _container(name: str = "app", **fields) -> dict:
    return {
        "name": name,
        "image": "registry.example.com/app:1.0",
        "resources": SIZED,
        "securityContext": SAFE,
        **fields,
    }


def _deployment(
    *containers: dict,
    pod_context: dict | None = None,
    init: list | None = None,
    name: str = "web",
    namespace: str = "apps",
    replicas: int = 2,
    labels: dict | None = None,
) -> object:
    spec = {"containers": list(containers or [_container()])}
    if init:
        spec["initContainers"] = init
    if pod_context:
        spec["securityContext"] = pod_context
    template_labels = labels or {"app": name}
    return res(
        DEPLOYMENT,
        name,
        apiVersion="apps/v1",
        kind="Deployment",
        metadata={"name": name, "namespace": namespace},
        spec={
            "replicas": replicas,
            "selector": {"matchLabels": template_labels},
            "template": {"metadata": {"labels": template_labels}, "spec": spec},
        },
    )


def _namespace(name: str, kind: str) -> object:
    return res(NAMESPACE, f"ns-{name}", metadata={"name": name, "labels": {"platform.company.com/kind": kind}})


def _quota(namespace: str) -> object:
    return res(
        QUOTA,
        f"{namespace}-quota",
        metadata={"name": "compute", "namespace": namespace},
        spec={"hard": {"requests.cpu": "8", "requests.memory": "16Gi"}},
    )


def _limits(namespace: str) -> object:
    return res(
        LIMITS,
        f"{namespace}-limits",
        metadata={"name": "defaults", "namespace": namespace},
        spec={"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"}}]},
    )


def _netpol(namespace: str, name: str, **spec) -> object:
    return res(NETPOL, f"{namespace}-{name}", metadata={"name": name, "namespace": namespace}, spec=spec)


def _pdb(namespace: str, selector: dict) -> object:
    return res(
        PDB,
        f"{namespace}-pdb",
        metadata={"name": "pdb", "namespace": namespace},
        spec={"minAvailable": 1, "selector": selector},
    )


def _release(**values) -> object:
    return res(RELEASE, "monitoring", chart="kube-prometheus-stack", namespace="monitoring", values=values)


PDB_VALUES = {
    "prometheus": {"podDisruptionBudget": {"enabled": True}},
    "alertmanager": {"podDisruptionBudget": {"enabled": True}},
    "grafana": {"podDisruptionBudget": {"minAvailable": 1}},
}
DENY_ALL = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
APPS = _namespace("apps", "application")
PLATFORM = _namespace("platform", "platform")
REQUIRED = {"required": True}

CASES: list[Case] = [
    # k8s-containers-have-requests-limits
    Case("k8s-containers-have-requests-limits", False, (_deployment(),)),
    Case(
        "k8s-containers-have-requests-limits",
        True,
        (_deployment(_container(resources={"requests": {"cpu": "100m", "memory": "128Mi"}})),),
        note="no-limits",
    ),
    Case(
        "k8s-containers-have-requests-limits",
        True,
        (_deployment(init=[_container("migrate", resources={})]),),
        note="init-container",
    ),
    Case(
        "k8s-containers-have-requests-limits",
        True,
        (
            res(
                CRONJOB,
                spec={
                    "schedule": "0 * * * *",
                    "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}},
                },
            ),
        ),
        note="cronjob",
    ),
    Case(
        "k8s-containers-have-requests-limits",
        False,
        (_deployment(_container(resources={"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "1Gi"}})),),
        {"limits": ["memory"]},
        note="cpu-limit-not-required-by-config",
    ),
    Case("k8s-containers-have-requests-limits", False, (res(NAMESPACE, metadata={"name": "x"}),), note="not-workload"),
    # k8s-no-privileged-containers
    Case("k8s-no-privileged-containers", False, (_deployment(),)),
    Case("k8s-no-privileged-containers", True, (_deployment(_container(securityContext={"privileged": True})),)),
    Case(
        "k8s-no-privileged-containers",
        True,
        (_deployment(_container(securityContext={"allowPrivilegeEscalation": True})),),
        note="escalation",
    ),
    Case(
        "k8s-no-privileged-containers",
        True,
        (res(POD, spec={"containers": [_container(securityContext={"capabilities": {"add": ["NET_ADMIN"]}})]}),),
        note="pod-capability",
    ),
    Case(
        "k8s-no-privileged-containers",
        True,
        (_deployment(_container(securityContext={"capabilities": {"add": ["CAP_SYS_ADMIN"]}})),),
        note="cap-prefix",
    ),
    Case(
        "k8s-no-privileged-containers",
        False,
        (_deployment(_container(securityContext={"capabilities": {"add": ["NET_BIND_SERVICE"]}})),),
        note="harmless-capability",
    ),
    # k8s-run-as-non-root
    Case("k8s-run-as-non-root", False, (_deployment(),)),
    Case(
        "k8s-run-as-non-root",
        False,
        (_deployment(_container(securityContext={}), pod_context={"runAsUser": 10001}),),
        note="pod-level-user",
    ),
    Case("k8s-run-as-non-root", True, (_deployment(_container(securityContext={})),), note="unset"),
    Case(
        "k8s-run-as-non-root",
        True,
        (_deployment(_container(securityContext={"runAsUser": 0}), pod_context={"runAsNonRoot": True}),),
        note="container-root",
    ),
    Case(
        "k8s-run-as-non-root",
        True,
        (_deployment(_container(securityContext={"runAsNonRoot": False}), pod_context={"runAsNonRoot": True}),),
        note="container-overrides",
    ),
    # k8s-namespace-has-quota
    Case("k8s-namespace-has-quota", False, (APPS, PLATFORM, _quota("apps"), _limits("apps"))),
    Case("k8s-namespace-has-quota", True, (APPS, _quota("apps")), note="no-limit-range"),
    Case("k8s-namespace-has-quota", True, (APPS, _quota("platform"), _limits("platform")), note="wrong-namespace"),
    Case("k8s-namespace-has-quota", False, (PLATFORM,), note="platform-namespace-exempt"),
    Case(
        "k8s-namespace-has-quota",
        False,
        (
            res(NAMESPACE, "ns-auto", metadata={"labels": {"platform.company.com/kind": "application"}}),
            res(
                QUOTA,
                "q",
                metadata={},
                spec={"hard": {"pods": "10"}},
                property_dependencies={
                    "metadata": ["urn:pulumi:test::platform::kubernetes:core/v1:Namespace::ns-auto"]
                },
            ),
            res(
                LIMITS,
                "l",
                metadata={},
                spec={"limits": [{"type": "Container"}]},
                property_dependencies={
                    "metadata": ["urn:pulumi:test::platform::kubernetes:core/v1:Namespace::ns-auto"]
                },
            ),
        ),
        note="auto-named-namespace",
    ),
    # k8s-namespace-default-deny
    Case("k8s-namespace-default-deny", False, (APPS, _netpol("apps", "default-deny", **DENY_ALL))),
    Case(
        "k8s-namespace-default-deny",
        False,
        (
            APPS,
            _netpol("apps", "deny-in", podSelector={}, policyTypes=["Ingress"]),
            _netpol("apps", "deny-out", podSelector={}, policyTypes=["Egress"]),
        ),
        note="split-in-two",
    ),
    Case("k8s-namespace-default-deny", True, (APPS,), note="none"),
    Case(
        "k8s-namespace-default-deny",
        True,
        (APPS, _netpol("apps", "deny-in", podSelector={})),
        note="default-policy-types-ingress-only",
    ),
    Case(
        "k8s-namespace-default-deny",
        True,
        (
            APPS,
            _netpol(
                "apps",
                "allow",
                podSelector={},
                policyTypes=["Ingress", "Egress"],
                ingress=[{"from": [{"podSelector": {}}]}],
            ),
        ),
        note="has-rules",
    ),
    Case(
        "k8s-namespace-default-deny",
        True,
        (APPS, _netpol("apps", "web", podSelector={"matchLabels": {"app": "w"}}, policyTypes=["Ingress", "Egress"])),
        note="selects-some",
    ),
    Case(
        "k8s-namespace-default-deny",
        True,
        (APPS, _netpol("platform", "default-deny", **DENY_ALL)),
        note="other-namespace",
    ),
    # k8s-pdbs-for-platform-workloads
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (
            PLATFORM,
            _deployment(namespace="platform"),
            _pdb("platform", {"matchLabels": {"app": "web"}}),
            _release(**PDB_VALUES),
        ),
        REQUIRED,
    ),
    Case(
        "k8s-pdbs-for-platform-workloads", True, (PLATFORM, _deployment(namespace="platform")), REQUIRED, note="no-pdb"
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (PLATFORM, _deployment(namespace="platform"), _pdb("platform", {"matchLabels": {"app": "api"}})),
        REQUIRED,
        note="pdb-selects-other-pods",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (
            PLATFORM,
            _deployment(namespace="platform", labels={"app": "web", "tier": "edge"}),
            _pdb("platform", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["edge"]}]}),
        ),
        REQUIRED,
        note="match-expressions",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (PLATFORM, _deployment(namespace="platform", replicas=1)),
        REQUIRED,
        note="single-replica",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (APPS, _deployment(namespace="apps")),
        REQUIRED,
        note="application-namespace",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (_release(**{**PDB_VALUES, "grafana": {"podDisruptionBudget": {}}}),),
        REQUIRED,
        note="grafana-pdb-empty",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (res(RELEASE, "monitoring", chart="kube-prometheus-stack"),),
        REQUIRED,
        note="release-without-values",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (res(RELEASE, "other", chart="ingress-nginx", values={}),),
        REQUIRED,
        note="other-chart",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (PLATFORM, _deployment(namespace="platform"), _release(prometheus={"podDisruptionBudget": {"enabled": False}})),
        {"required": False},
        note="not-required",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (
            PLATFORM,
            res(
                STATEFULSET,
                "db",
                metadata={"namespace": "platform"},
                spec={"replicas": 3, "template": {"metadata": {"labels": {"app": "db"}}}},
            ),
        ),
        REQUIRED,
        note="statefulset",
    ),
]

RULES = {r.name: r for r in kubernetes.RULES + kubernetes_namespaces.RULES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    assert_case(RULES, case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_as_crossguard_sees_it(case):
    assert_case_as_crossguard_sees_it(RULES, case)


def test_messages_name_the_container() -> None:
    found = RULES["k8s-containers-have-requests-limits"].check_resource(
        _deployment(init=[_container("migrate", resources={"requests": {"cpu": "1", "memory": "1Gi"}})])
    )
    assert found == ["init container migrate has no resources limits.cpu, limits.memory"]
