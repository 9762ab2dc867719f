"""Cases for what Kubernetes namespaces hold (platform_policies/rules/kubernetes/namespaces.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res
from tests.policies.rules.kubernetes.workloads_cases import NAMESPACE, STATEFULSET, deployment

QUOTA = "kubernetes:core/v1:ResourceQuota"
LIMITS = "kubernetes:core/v1:LimitRange"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
RELEASE = "kubernetes:helm.sh/v3:Release"


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
    # k8s-namespace-has-quota
    Case("k8s-namespace-has-quota", False, (APPS, PLATFORM, _quota("apps"), _limits("apps"))),
    Case("k8s-namespace-has-quota", True, (APPS, _quota("apps")), note="no-limit-range", offender="ns-apps"),
    Case(
        "k8s-namespace-has-quota",
        True,
        (APPS, _quota("platform"), _limits("platform")),
        note="wrong-namespace",
        offender="ns-apps",
    ),
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
    Case("k8s-namespace-default-deny", True, (APPS,), note="none", offender="ns-apps"),
    Case(
        "k8s-namespace-default-deny",
        True,
        (APPS, _netpol("apps", "deny-in", podSelector={})),
        note="default-policy-types-ingress-only",
        offender="ns-apps",
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
        offender="ns-apps",
    ),
    Case(
        "k8s-namespace-default-deny",
        True,
        (APPS, _netpol("apps", "web", podSelector={"matchLabels": {"app": "w"}}, policyTypes=["Ingress", "Egress"])),
        note="selects-some",
        offender="ns-apps",
    ),
    Case(
        "k8s-namespace-default-deny",
        True,
        (APPS, _netpol("platform", "default-deny", **DENY_ALL)),
        note="other-namespace",
        offender="ns-apps",
    ),
    # k8s-pdbs-for-platform-workloads
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (
            PLATFORM,
            deployment(namespace="platform"),
            _pdb("platform", {"matchLabels": {"app": "web"}}),
            _release(**PDB_VALUES),
        ),
        REQUIRED,
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (PLATFORM, deployment(namespace="platform")),
        REQUIRED,
        note="no-pdb",
        offender="web",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (PLATFORM, deployment(namespace="platform"), _pdb("platform", {"matchLabels": {"app": "api"}})),
        REQUIRED,
        note="pdb-selects-other-pods",
        offender="web",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (
            PLATFORM,
            deployment(namespace="platform", labels={"app": "web", "tier": "edge"}),
            _pdb("platform", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["edge"]}]}),
        ),
        REQUIRED,
        note="match-expressions",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (PLATFORM, deployment(namespace="platform", replicas=1)),
        REQUIRED,
        note="single-replica",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        False,
        (APPS, deployment(namespace="apps")),
        REQUIRED,
        note="application-namespace",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (_release(**{**PDB_VALUES, "grafana": {"podDisruptionBudget": {}}}),),
        REQUIRED,
        note="grafana-pdb-empty",
        offender="monitoring",
    ),
    Case(
        "k8s-pdbs-for-platform-workloads",
        True,
        (res(RELEASE, "monitoring", chart="kube-prometheus-stack"),),
        REQUIRED,
        note="release-without-values",
        offender="monitoring",
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
        (PLATFORM, deployment(namespace="platform"), _release(prometheus={"podDisruptionBudget": {"enabled": False}})),
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
        offender="db",
    ),
]
