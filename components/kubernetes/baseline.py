"""The cluster's baseline: namespaces with Pod Security levels, quotas, default-deny networking, priorities.

NetworkPolicies only take effect when the cluster's CNI enforces them (the VPC CNI needs
`enableNetworkPolicy: "true"` in its add-on configuration); without it they are accepted and ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s
from pulumi_kubernetes.meta.v1 import LabelSelectorArgs, ObjectMetaArgs
from pulumi_kubernetes.networking.v1 import (
    IPBlockArgs,
    NetworkPolicyEgressRuleArgs,
    NetworkPolicyIngressRuleArgs,
    NetworkPolicyPeerArgs,
    NetworkPolicyPortArgs,
    NetworkPolicySpecArgs,
)

from ..config.model import PlatformConfig
from ..network.edge import INGRESS_PORT

PLATFORM_NAMESPACE = "platform"
MONITORING_NAMESPACE = "monitoring"
LABEL_PREFIX = "platform.company.com"
NAME_LABEL = "kubernetes.io/metadata.name"  # set by the API server on every namespace; cannot be forged
# Only Prometheus scrapes; Grafana and Alertmanager have no business reaching workloads.
PROMETHEUS_POD = {"app.kubernetes.io/name": "prometheus"}
# The Prometheus operator serves its admission webhook here; the API server calls it from the control plane.
OPERATOR_WEBHOOK_PORT = 10250
POSTGRES_PORT = 5432
HTTPS_PORT = 443
RESERVED_NAMESPACES = {
    PLATFORM_NAMESPACE,
    MONITORING_NAMESPACE,
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
}

# node-exporter needs hostNetwork, hostPID and hostPath mounts, which only "privileged" admits.
# warn/audit stay "restricted" everywhere so anything short of it is still reported.
POD_SECURITY = {PLATFORM_NAMESPACE: "baseline", MONITORING_NAMESPACE: "privileged"}
APPLICATION_POD_SECURITY = "restricted"

PRIORITY_CLASSES: dict[str, dict] = {
    "platform-critical": {"value": 1_000_000, "description": "Monitoring and platform services."},
    "application-high": {"value": 10_000, "description": "User-facing application workloads."},
    "application-default": {
        "value": 1_000,
        "global_default": True,
        "description": "Every pod that names no priority class.",
    },
    "batch-low": {
        "value": 100,
        "preemption_policy": "Never",
        "description": "Batch work: waits for capacity instead of evicting anything.",
    },
}


@dataclass(frozen=True)
class KubernetesBaselineArgs:
    config: PlatformConfig
    k8s_provider: k8s.Provider
    # The load balancer's subnets (Network.public_subnet_cidrs): the ALB targets pods by IP (target type ip),
    # so its traffic and health checks reach the ingress pods from these addresses.
    public_subnet_cidrs: Sequence[str]
    # The access entries (ClusterAccess.ready): every object here waits for them.
    cluster_access: Sequence[pulumi.Resource] = ()


class KubernetesBaseline(pulumi.ComponentResource):
    namespaces: dict[str, k8s.core.v1.Namespace]
    app_namespaces: list[str]
    priority_classes: dict[str, k8s.scheduling.v1.PriorityClass]

    def __init__(self, name: str, args: KubernetesBaselineArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:kubernetes:KubernetesBaseline", name, None, opts)
        self._args = args
        self._child_opts = pulumi.ResourceOptions(
            parent=self, provider=args.k8s_provider, depends_on=list(args.cluster_access)
        )
        settings = args.config.kubernetes
        if not args.public_subnet_cidrs:
            raise ValueError("public_subnet_cidrs is empty: the load balancer could not reach the ingress pods")
        for cidr in args.public_subnet_cidrs:
            ipaddress.ip_network(cidr)  # a malformed range fails here, not as a rejected NetworkPolicy
        clashing = sorted(set(settings.app_namespaces) & RESERVED_NAMESPACES)
        if clashing:
            raise ValueError(f"kubernetes.appNamespaces may not use reserved namespaces {clashing}")

        self.app_namespaces = list(settings.app_namespaces)
        self.priority_classes = {
            class_name: k8s.scheduling.v1.PriorityClass(
                f"{name}-priority-{class_name}", metadata=ObjectMetaArgs(name=class_name), **spec, opts=self._child_opts
            )
            for class_name, spec in PRIORITY_CLASSES.items()
        }
        self.namespaces = {
            PLATFORM_NAMESPACE: self._namespace(name, PLATFORM_NAMESPACE, "platform", POD_SECURITY[PLATFORM_NAMESPACE]),
            MONITORING_NAMESPACE: self._namespace(
                name, MONITORING_NAMESPACE, "platform", POD_SECURITY[MONITORING_NAMESPACE]
            ),
        }
        for namespace in self.app_namespaces:
            self.namespaces[namespace] = self._namespace(name, namespace, "application", APPLICATION_POD_SECURITY)
            self._limits(name, namespace)
            self._policies(name, namespace, self._application_policies())
        self._policies(name, PLATFORM_NAMESPACE, self._platform_policies(args.public_subnet_cidrs))
        self._policies(name, MONITORING_NAMESPACE, self._monitoring_policies())

        self.register_outputs(
            {
                "namespaces": {key: ns.metadata.name for key, ns in self.namespaces.items()},
                "appNamespaces": self.app_namespaces,
                "priorityClasses": sorted(self.priority_classes),
            }
        )

    def _namespace(self, name: str, namespace: str, kind: str, enforce: str) -> k8s.core.v1.Namespace:
        labels = {
            f"{LABEL_PREFIX}/tier": self._args.config.tier.value,
            f"{LABEL_PREFIX}/kind": kind,
            "pod-security.kubernetes.io/enforce": enforce,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
        }
        return k8s.core.v1.Namespace(
            f"{name}-ns-{namespace}", metadata=ObjectMetaArgs(name=namespace, labels=labels), opts=self._child_opts
        )

    def _limits(self, name: str, namespace: str) -> None:
        settings = self._args.config.kubernetes
        quota, defaults = settings.quota, settings.container_defaults
        metadata_namespace = self.namespaces[namespace].metadata.name
        k8s.core.v1.ResourceQuota(
            f"{name}-{namespace}-quota",
            metadata=ObjectMetaArgs(name="compute-quota", namespace=metadata_namespace),
            spec=k8s.core.v1.ResourceQuotaSpecArgs(
                hard={
                    "requests.cpu": quota.cpu_requests,
                    "requests.memory": quota.memory_requests,
                    "limits.cpu": quota.cpu_limits,
                    "limits.memory": quota.memory_limits,
                    "pods": str(quota.pods),
                }
            ),
            opts=self._child_opts,
        )
        # With limits.* in the quota every container must declare limits; these defaults fill them in,
        # and max stops one container from taking the whole namespace's share.
        k8s.core.v1.LimitRange(
            f"{name}-{namespace}-limits",
            metadata=ObjectMetaArgs(name="container-defaults", namespace=metadata_namespace),
            spec=k8s.core.v1.LimitRangeSpecArgs(
                limits=[
                    k8s.core.v1.LimitRangeItemArgs(
                        type="Container",
                        default={"cpu": defaults.cpu_limit, "memory": defaults.memory_limit},
                        default_request={"cpu": defaults.cpu_request, "memory": defaults.memory_request},
                        max={"cpu": quota.cpu_limits, "memory": quota.memory_limits},
                    )
                ]
            ),
            opts=self._child_opts,
        )

    def _policies(self, name: str, namespace: str, specs: dict[str, NetworkPolicySpecArgs]) -> None:
        for policy, spec in specs.items():
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{namespace}-{policy}",
                metadata=ObjectMetaArgs(name=policy, namespace=self.namespaces[namespace].metadata.name),
                spec=spec,
                opts=self._child_opts,
            )

    def _application_policies(self) -> dict[str, NetworkPolicySpecArgs]:
        vpc_cidr = str(self._args.config.network.vpc_cidr)
        return {
            **_BASE_POLICIES,
            "allow-ingress-controller": _spec(ingress=[_from(_namespace_peer(PLATFORM_NAMESPACE))]),
            # The platform's PostgreSQL sits in the VPC's database subnets; every application uses it.
            "allow-database": _spec(
                egress=[_to(NetworkPolicyPeerArgs(ip_block=IPBlockArgs(cidr=vpc_cidr)), ports=[_tcp(POSTGRES_PORT)])]
            ),
        }

    @staticmethod
    def _platform_policies(load_balancer_cidrs: Sequence[str]) -> dict[str, NetworkPolicySpecArgs]:
        return {
            **_BASE_POLICIES,
            # The ALB (network/edge.py) sends requests and health checks from its nodes in the public
            # subnets straight to the ingress pods' IPs on the ingress port.
            "allow-load-balancer": _spec(
                ingress=[
                    NetworkPolicyIngressRuleArgs(
                        from_=[
                            NetworkPolicyPeerArgs(ip_block=IPBlockArgs(cidr=str(cidr))) for cidr in load_balancer_cidrs
                        ],
                        ports=[_tcp(INGRESS_PORT)],
                    )
                ]
            ),
            # The other half of the applications' allow-ingress-controller.
            "allow-to-applications": _spec(
                egress=[
                    _to(
                        NetworkPolicyPeerArgs(
                            namespace_selector=LabelSelectorArgs(match_labels={f"{LABEL_PREFIX}/kind": "application"})
                        )
                    )
                ]
            ),
            # Platform controllers watch the API server and call AWS APIs, all over HTTPS. Port only: the API
            # server is reached through the `kubernetes` ClusterIP, and CNIs differ on whether an ipBlock is
            # matched before or after that address is translated.
            "allow-https-egress": _spec(egress=[NetworkPolicyEgressRuleArgs(ports=[_tcp(HTTPS_PORT)])]),
        }

    @staticmethod
    def _monitoring_policies() -> dict[str, NetworkPolicySpecArgs]:
        # Ingress only. Egress stays open: Prometheus scrapes every namespace and the nodes' host ports,
        # and Alertmanager/Grafana call SNS, CloudWatch and STS, so an egress list would be 0.0.0.0/0 anyway.
        # Ingress matters: Alertmanager's API is unauthenticated and could silence every alert.
        return {
            "default-deny-ingress": NetworkPolicySpecArgs(pod_selector=_ALL, policy_types=["Ingress"]),
            "allow-same-namespace": _spec(ingress=[_from(NetworkPolicyPeerArgs(pod_selector=_ALL))]),
            "allow-ingress-controller": _spec(ingress=[_from(_namespace_peer(PLATFORM_NAMESPACE))]),
            "allow-operator-webhook": _spec(
                ingress=[NetworkPolicyIngressRuleArgs(ports=[_tcp(OPERATOR_WEBHOOK_PORT)])]
            ),
        }


_ALL = LabelSelectorArgs()


def _namespace_peer(namespace: str, pod_labels: dict[str, str] | None = None) -> NetworkPolicyPeerArgs:
    return NetworkPolicyPeerArgs(
        namespace_selector=LabelSelectorArgs(match_labels={NAME_LABEL: namespace}),
        pod_selector=LabelSelectorArgs(match_labels=pod_labels) if pod_labels else None,
    )


def _tcp(port: int) -> NetworkPolicyPortArgs:
    return NetworkPolicyPortArgs(port=port, protocol="TCP")


def _from(peer: NetworkPolicyPeerArgs) -> NetworkPolicyIngressRuleArgs:
    return NetworkPolicyIngressRuleArgs(from_=[peer])


def _to(peer: NetworkPolicyPeerArgs, ports: list[NetworkPolicyPortArgs] | None = None) -> NetworkPolicyEgressRuleArgs:
    return NetworkPolicyEgressRuleArgs(to=[peer], ports=ports)


def _spec(
    ingress: list[NetworkPolicyIngressRuleArgs] | None = None, egress: list[NetworkPolicyEgressRuleArgs] | None = None
) -> NetworkPolicySpecArgs:
    types = [kind for kind, rules in (("Ingress", ingress), ("Egress", egress)) if rules]
    return NetworkPolicySpecArgs(pod_selector=_ALL, policy_types=types, ingress=ingress, egress=egress)


# Shared by the application namespaces and "platform": deny everything, then resolve names, be scraped
# and talk among themselves.
_BASE_POLICIES: dict[str, NetworkPolicySpecArgs] = {
    "default-deny": NetworkPolicySpecArgs(pod_selector=_ALL, policy_types=["Ingress", "Egress"]),
    "allow-dns": _spec(
        egress=[
            _to(
                _namespace_peer("kube-system", {"k8s-app": "kube-dns"}),
                ports=[NetworkPolicyPortArgs(port=53, protocol="UDP"), _tcp(53)],
            )
        ]
    ),
    "allow-monitoring-scrape": _spec(ingress=[_from(_namespace_peer(MONITORING_NAMESPACE, PROMETHEUS_POD))]),
    "allow-same-namespace": _spec(
        ingress=[_from(NetworkPolicyPeerArgs(pod_selector=_ALL))],
        egress=[_to(NetworkPolicyPeerArgs(pod_selector=_ALL))],
    ),
}
