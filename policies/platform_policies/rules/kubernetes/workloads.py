"""Kubernetes workload rules: sizing, privileges and user of every container a workload declares.

Props are the Kubernetes object as declared through pulumi-kubernetes (apiVersion, kind, metadata, spec).
Objects a Helm v3 Release renders are not visible to the pack; Helm v4 Chart and YAML components register
each object as its own resource, so those are checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule
from ...resource_types import kubernetes_kinds
from ...values import as_int, as_list, is_true

# Where the pod spec sits, by kind.
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_CONTAINER_LISTS = ("initContainers", "containers")
WORKLOAD_TYPES = kubernetes_kinds(*_POD_SPEC_PATHS)


def kind_of(resource: Resource) -> str:
    return resource.type.rsplit(":", 1)[-1] if resource.type.startswith("kubernetes:") else ""


def pod_spec(resource: Resource) -> Mapping[str, Any] | None:
    path = _POD_SPEC_PATHS.get(kind_of(resource))
    spec = resource.get(*path) if path else None
    return spec if isinstance(spec, Mapping) else None


def containers(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(label, container) for every container and init container of a pod spec."""
    for key in _CONTAINER_LISTS:
        for container in as_list(spec.get(key)):
            if isinstance(container, Mapping):
                prefix = "init container" if key == "initContainers" else "container"
                yield f"{prefix} {container.get('name', '?')}", container


def _section(mapping: Any, *path: str) -> Mapping[str, Any]:
    for key in path:
        mapping = mapping.get(key) if isinstance(mapping, Mapping) else None
    return mapping if isinstance(mapping, Mapping) else {}


# --- k8s-containers-have-requests-limits --------------------------------------------------------


def _check_requests_limits(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    spec = pod_spec(resource)
    if spec is None:
        return
    for label, container in containers(spec):
        missing = [
            f"{kind}.{res}"
            for kind in ("requests", "limits")
            for res in as_list(config.get(kind))
            if _section(container, "resources", kind).get(res) in (None, "")
        ]
        if missing:
            yield f"{label} has no resources {', '.join(missing)}"


# --- k8s-no-privileged-containers ---------------------------------------------------------------


def _capability(name: Any) -> str:
    return str(name).upper().removeprefix("CAP_")


def _check_privileged(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    spec = pod_spec(resource)
    if spec is None:
        return
    forbidden = {_capability(c) for c in as_list(config.get("forbiddenCapabilities"))}
    for label, container in containers(spec):
        context = _section(container, "securityContext")
        if is_true(context.get("privileged")):
            yield f"{label} runs privileged (securityContext.privileged is true)"
        if is_true(context.get("allowPrivilegeEscalation")):
            yield f"{label} sets securityContext.allowPrivilegeEscalation to true"
        added = sorted({_capability(c) for c in as_list(_section(context, "capabilities").get("add"))} & forbidden)
        if added:
            yield f"{label} adds capabilities {', '.join(added)}"


# --- k8s-run-as-non-root ------------------------------------------------------------------------


def _check_non_root(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    spec = pod_spec(resource)
    if spec is None:
        return
    pod_context = _section(spec, "securityContext")
    for label, container in containers(spec):
        context = _section(container, "securityContext")
        # A container's setting overrides the pod's.
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        user = as_int(context.get("runAsUser", pod_context.get("runAsUser")))
        if user == 0:
            yield f"{label} runs as user 0 (root)"
        elif not (user is not None and user > 0) and not is_true(non_root):
            yield f"{label} may run as root: set securityContext.runAsNonRoot true or a non-zero runAsUser"


RULES: list[Rule] = [
    Rule(
        name="k8s-containers-have-requests-limits",
        description="Every container and init container of a workload declares CPU and memory requests and limits.",
        severity="medium",
        remediation='Set `resources={"requests": {"cpu": ..., "memory": ...}, "limits": {"cpu": ..., '
        '"memory": ...}}` on each entry of `containers` and `init_containers` in the pod template '
        "(a namespace LimitRange only supplies defaults, it does not replace sizing the workload).",
        soc2=("A1.1",),
        config={"requests": ["cpu", "memory"], "limits": ["cpu", "memory"]},
        resource_types=WORKLOAD_TYPES,
        resource_check=_check_requests_limits,
    ),
    Rule(
        name="k8s-no-privileged-containers",
        description="No container runs privileged, allows privilege escalation or adds dangerous capabilities.",
        severity="high",
        remediation="In each container's `security_context` drop `privileged=True`, set "
        "`allow_privilege_escalation=False` and remove SYS_ADMIN, NET_ADMIN and ALL from "
        '`capabilities.add` (prefer `capabilities={"drop": ["ALL"]}`).',
        soc2=("CC6.1", "CC6.8"),
        cis=("EKS-4.2.1", "EKS-4.2.5", "EKS-4.2.8"),
        config={"forbiddenCapabilities": ["SYS_ADMIN", "NET_ADMIN", "ALL"]},
        resource_types=WORKLOAD_TYPES,
        resource_check=_check_privileged,
    ),
    Rule(
        name="k8s-run-as-non-root",
        description="Every container runs as a non-root user, set on the pod or the container security context.",
        severity="high",
        remediation='Set `security_context={"run_as_non_root": True, "run_as_user": 10001}` on the pod spec '
        "(or on each container) and build images that do not need root.",
        soc2=("CC6.1", "CC6.8"),
        cis=("EKS-4.2.6",),
        resource_types=WORKLOAD_TYPES,
        resource_check=_check_non_root,
    ),
]
