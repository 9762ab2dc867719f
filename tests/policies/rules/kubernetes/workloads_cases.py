"""Cases for how Kubernetes workloads run (platform_policies/rules/kubernetes/workloads.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFULSET = "kubernetes:apps/v1:StatefulSet"
POD = "kubernetes:core/v1:Pod"
CRONJOB = "kubernetes:batch/v1:CronJob"
NAMESPACE = "kubernetes:core/v1:Namespace"

SIZED = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}
SAFE = {"runAsNonRoot": True, "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}


def container(name: str = "app", **fields) -> dict:
    return {
        "name": name,
        "image": "registry.example.com/app:1.0",
        "resources": SIZED,
        "securityContext": SAFE,
        **fields,
    }


def deployment(
    *containers: dict,
    pod_context: dict | None = None,
    init: list | None = None,
    name: str = "web",
    namespace: str = "apps",
    replicas: int = 2,
    labels: dict | None = None,
) -> object:
    spec = {"containers": list(containers or [container()])}
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


CASES: list[Case] = [
    # k8s-containers-have-requests-limits
    Case("k8s-containers-have-requests-limits", False, (deployment(),)),
    Case(
        "k8s-containers-have-requests-limits",
        True,
        (deployment(container(resources={"requests": {"cpu": "100m", "memory": "128Mi"}})),),
        note="no-limits",
    ),
    Case(
        "k8s-containers-have-requests-limits",
        True,
        (deployment(init=[container("migrate", resources={})]),),
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
        (deployment(container(resources={"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "1Gi"}})),),
        {"limits": ["memory"]},
        note="cpu-limit-not-required-by-config",
    ),
    Case("k8s-containers-have-requests-limits", False, (res(NAMESPACE, metadata={"name": "x"}),), note="not-workload"),
    # k8s-no-privileged-containers
    Case("k8s-no-privileged-containers", False, (deployment(),)),
    Case("k8s-no-privileged-containers", True, (deployment(container(securityContext={"privileged": True})),)),
    Case(
        "k8s-no-privileged-containers",
        True,
        (deployment(container(securityContext={"allowPrivilegeEscalation": True})),),
        note="escalation",
    ),
    Case(
        "k8s-no-privileged-containers",
        True,
        (res(POD, spec={"containers": [container(securityContext={"capabilities": {"add": ["NET_ADMIN"]}})]}),),
        note="pod-capability",
    ),
    Case(
        "k8s-no-privileged-containers",
        True,
        (deployment(container(securityContext={"capabilities": {"add": ["CAP_SYS_ADMIN"]}})),),
        note="cap-prefix",
    ),
    Case(
        "k8s-no-privileged-containers",
        False,
        (deployment(container(securityContext={"capabilities": {"add": ["NET_BIND_SERVICE"]}})),),
        note="harmless-capability",
    ),
    # k8s-run-as-non-root
    Case("k8s-run-as-non-root", False, (deployment(),)),
    Case(
        "k8s-run-as-non-root",
        False,
        (deployment(container(securityContext={}), pod_context={"runAsUser": 10001}),),
        note="pod-level-user",
    ),
    Case("k8s-run-as-non-root", True, (deployment(container(securityContext={})),), note="unset"),
    Case(
        "k8s-run-as-non-root",
        True,
        (deployment(container(securityContext={"runAsUser": 0}), pod_context={"runAsNonRoot": True}),),
        note="container-root",
    ),
    Case(
        "k8s-run-as-non-root",
        True,
        (deployment(container(securityContext={"runAsNonRoot": False}), pod_context={"runAsNonRoot": True}),),
        note="container-overrides",
    ),
]
