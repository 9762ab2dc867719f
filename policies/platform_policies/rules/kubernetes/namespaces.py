"""Kubernetes namespace rules: quotas and default-deny for application namespaces, PDBs for platform ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation
from ...resource_types import HELM_RELEASES, kubernetes_kinds
from ...values import as_int, as_list, is_true
from .workloads import kind_of


def _of_kind(resources: list[Resource], *kinds: str) -> list[Resource]:
    return [r for r in resources if kind_of(r) in kinds]


def _labels(resource: Resource, *path: str) -> Mapping[str, Any]:
    labels = resource.get(*path, "metadata", "labels") if path else resource.get("metadata", "labels")
    return labels if isinstance(labels, Mapping) else {}


def _selected(labels: Mapping[str, Any], wanted: Any) -> bool:
    return isinstance(wanted, Mapping) and bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def in_namespace(obj: Resource, namespace: Resource) -> bool:
    """Whether `obj` lives in the Namespace resource `namespace` (declared names first, then dependencies)."""
    ns_name = namespace.get("metadata", "name")
    obj_ns = obj.get("metadata", "namespace")
    if isinstance(ns_name, str) and isinstance(obj_ns, str):
        return ns_name == obj_ns
    if namespace.urn in obj.property_dependencies.get("metadata", ()):
        return True
    if obj_ns is None and isinstance(ns_name, str):
        # Objects without a namespace land in the provider's namespace, or "default".
        return ns_name == (obj.provider_props.get("namespace") or "default")
    return namespace.urn in obj.dependencies


def namespace_index(objs: Iterable[Resource]) -> Callable[[Resource], list[Resource]]:
    """`members(namespace)`: the objs `in_namespace` of it, in order, without testing every obj per namespace.

    The index yields the objs that could match under one of `in_namespace`'s four ways (declared name,
    metadata dependency, provider/default namespace, dependency); `in_namespace` then decides as before.
    """
    objs = list(objs)
    by_name: dict[str, list[int]] = defaultdict(list)  # declared metadata.namespace, and the fallback one
    by_urn: dict[str, list[int]] = defaultdict(list)  # metadata property dependencies and dependencies
    for i, obj in enumerate(objs):
        obj_ns = obj.get("metadata", "namespace")
        fallback = (obj.provider_props.get("namespace") or "default") if obj_ns is None else None
        for name in {obj_ns, fallback}:
            if isinstance(name, str):
                by_name[name].append(i)
        for urn in {*obj.property_dependencies.get("metadata", ()), *obj.dependencies}:
            by_urn[urn].append(i)

    def members(namespace: Resource) -> list[Resource]:
        ns_name = namespace.get("metadata", "name")
        found = set(by_urn.get(namespace.urn, ()))
        if isinstance(ns_name, str):
            found.update(by_name.get(ns_name, ()))
        return [objs[i] for i in sorted(found) if in_namespace(objs[i], namespace)]

    return members


def _namespace_label(namespace: Resource) -> str:
    return str(namespace.get("metadata", "name", default=namespace.name))


# --- k8s-namespace-has-quota --------------------------------------------------------------------


def _check_quota(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    quotas = namespace_index(q for q in _of_kind(resources, "ResourceQuota") if q.get("spec", "hard"))
    ranges = namespace_index(lr for lr in _of_kind(resources, "LimitRange") if lr.get("spec", "limits"))
    for namespace in _of_kind(resources, "Namespace"):
        if not _selected(_labels(namespace), config.get("appLabel")):
            continue
        missing = [
            what for what, members in (("ResourceQuota", quotas), ("LimitRange", ranges)) if not members(namespace)
        ]
        if missing:
            yield Violation(
                f"application namespace {_namespace_label(namespace)} has no {' and no '.join(missing)}", namespace.urn
            )


# --- k8s-namespace-default-deny -----------------------------------------------------------------


def _denies(policy: Resource) -> set[str]:
    """The directions ("Ingress", "Egress") a NetworkPolicy denies for every pod of its namespace."""
    selector = policy.get("spec", "podSelector")
    if not isinstance(selector, Mapping) or selector.get("matchLabels") or selector.get("matchExpressions"):
        return set()
    types = as_list(policy.get("spec", "policyTypes"))
    if not types:  # Kubernetes defaults: Ingress always, Egress when egress rules exist
        types = ["Ingress", *(["Egress"] if policy.get("spec", "egress") else [])]
    return {t for t in types if t in ("Ingress", "Egress") and not policy.get("spec", t.lower())}


def _check_default_deny(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    policies = namespace_index(_of_kind(resources, "NetworkPolicy"))
    for namespace in _of_kind(resources, "Namespace"):
        if not _selected(_labels(namespace), config.get("appLabel")):
            continue
        denied: set[str] = set()
        for policy in policies(namespace):
            denied |= _denies(policy)
        missing = sorted({"Egress", "Ingress"} - denied)
        if missing:
            yield Violation(
                f"application namespace {_namespace_label(namespace)} has no default-deny NetworkPolicy "
                f"for {' and '.join(missing)} (podSelector {{}}, policyTypes listed, no rules)",
                namespace.urn,
            )


# --- k8s-pdbs-for-platform-workloads ------------------------------------------------------------


def _expression_matches(labels: Mapping[str, Any], expression: Mapping[str, Any]) -> bool:
    key, operator, values = str(expression.get("key")), expression.get("operator"), as_list(expression.get("values"))
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return key not in labels or labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """A policy/v1 label selector against pod labels; an empty selector matches every pod."""
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels") or {}
    expressions = [e for e in as_list(selector.get("matchExpressions")) if isinstance(e, Mapping)]
    return (
        isinstance(match_labels, Mapping)
        and all(labels.get(k) == v for k, v in match_labels.items())
        and all(_expression_matches(labels, e) for e in expressions)
    )


def _value_at(values: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        values = values.get(key) if isinstance(values, Mapping) else None
    return values


def _check_helm_pdbs(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    wanted = config.get("chartPdbValues") or {}
    for release in (r for r in resources if r.type in HELM_RELEASES):
        chart = str(release.get("chart", default="")).rstrip("/").rsplit("/", 1)[-1]
        for path in as_list(wanted.get(chart) if isinstance(wanted, Mapping) else None):
            value = _value_at(release.get("values"), str(path))
            if not (is_true(value) or (isinstance(value, Mapping) and value)):
                shown = "{}" if isinstance(value, Mapping) else repr(value)
                yield Violation(
                    f"Helm release {release.name} of chart {chart} does not set values.{path} "
                    f"(got {shown}); its replicas get no PodDisruptionBudget",
                    release.urn,
                )


def _check_pdbs(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    if not config.get("required"):
        return
    min_replicas = as_int(config.get("minReplicas")) or 2
    platform = [n for n in _of_kind(resources, "Namespace") if _selected(_labels(n), config.get("platformLabel"))]
    pdbs = _of_kind(resources, "PodDisruptionBudget")
    for workload in _of_kind(resources, "Deployment", "StatefulSet"):
        replicas = as_int(workload.get("spec", "replicas"))
        namespace = next((n for n in platform if in_namespace(workload, n)), None)
        if namespace is None or (1 if replicas is None else replicas) < min_replicas:
            continue
        pod_labels = _labels(workload, "spec", "template")
        if not any(
            in_namespace(p, namespace) and selector_matches(p.get("spec", "selector"), pod_labels) for p in pdbs
        ):
            yield Violation(
                f"{kind_of(workload)} {workload.get('metadata', 'name', default=workload.name)} runs "
                f"{replicas} replicas in platform namespace {_namespace_label(namespace)} without a "
                "PodDisruptionBudget selecting its pods",
                workload.urn,
            )
    yield from _check_helm_pdbs(resources, config)


RULES: list[Rule] = [
    Rule(
        name="k8s-namespace-has-quota",
        description="Every application namespace has a ResourceQuota and a LimitRange.",
        severity="medium",
        remediation="Create a kubernetes.core.v1.ResourceQuota (`spec.hard` for requests/limits of cpu and memory, "
        "pods) and a kubernetes.core.v1.LimitRange (`spec.limits` with container defaults) in the "
        "namespace's `metadata.namespace`.",
        soc2=("A1.1",),
        cis=("EKS-4.5.1",),
        config={"appLabel": {"platform.company.com/kind": "application"}},
        resource_types=kubernetes_kinds("Namespace", "ResourceQuota", "LimitRange"),
        stack_check=_check_quota,
    ),
    Rule(
        name="k8s-namespace-default-deny",
        description="Every application namespace has a NetworkPolicy that denies all ingress and egress by default.",
        severity="high",
        remediation='Create a kubernetes.networking.v1.NetworkPolicy in the namespace with `spec={"pod_selector": '
        '{}, "policy_types": ["Ingress", "Egress"]}` and no rules, then allow specific traffic '
        "with further policies.",
        soc2=("CC6.6",),
        cis=("EKS-4.3.2",),
        config={"appLabel": {"platform.company.com/kind": "application"}},
        resource_types=kubernetes_kinds("Namespace", "NetworkPolicy"),
        stack_check=_check_default_deny,
    ),
    Rule(
        name="k8s-pdbs-for-platform-workloads",
        description="When required, replicated platform workloads and the monitoring chart have PodDisruptionBudgets.",
        severity="medium",
        remediation="Create a kubernetes.policy.v1.PodDisruptionBudget (`spec.selector.match_labels` = the pod "
        "template labels, `spec.min_available` or `max_unavailable`) next to each Deployment or "
        "StatefulSet with 2+ replicas in a platform namespace; for kube-prometheus-stack set "
        "`prometheus.podDisruptionBudget.enabled`, `alertmanager.podDisruptionBudget.enabled` and "
        "`grafana.podDisruptionBudget` in the Release `values`.",
        soc2=("A1.1", "A1.2"),
        config={
            "required": True,
            "minReplicas": 2,
            "platformLabel": {"platform.company.com/kind": "platform"},
            "chartPdbValues": {
                "kube-prometheus-stack": [
                    "prometheus.podDisruptionBudget.enabled",
                    "alertmanager.podDisruptionBudget.enabled",
                    "grafana.podDisruptionBudget",
                ]
            },
        },
        resource_types=(
            *kubernetes_kinds("Namespace", "PodDisruptionBudget", "Deployment", "StatefulSet"),
            *HELM_RELEASES,
        ),
        stack_check=_check_pdbs,
    ),
]
