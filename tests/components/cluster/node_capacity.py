"""How much an off-hours node floor can hold: allocatable CPU and memory per instance type (the EKS AMIs'
reservations) against the requests of the system pods and the monitoring stack's release."""

from __future__ import annotations

import re
from typing import Any

from components.config.model import PlatformConfig
from components.kubernetes.prometheus_values import GRAFANA_SIDECARS, ServiceRoles, monitoring_values

# vCPUs, GiB and the pods the VPC CNI fits without prefix delegation, per instance type
# (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html;
# https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt).
INSTANCE_TYPES = {
    "m5.large": (2, 8, 29),
    "m5a.large": (2, 8, 29),
    "m6i.large": (2, 8, 29),
    "m6a.large": (2, 8, 29),
    "m5.xlarge": (4, 16, 58),
    "m5a.xlarge": (4, 16, 58),
    "m6i.xlarge": (4, 16, 58),
    "m6a.xlarge": (4, 16, 58),
}


MIB = 1


GIB = 1024 * MIB


# What the node's kernel keeps of the nominal memory before the kubelet counts capacity (MemTotal is about 95 %).
KERNEL_SHARE = 0.05


EVICTION_MEMORY_MIB = 100  # kubelet hard eviction threshold memory.available<100Mi


# System pods an off-hours node runs besides the monitoring stack (requests, millicores and MiB), from the
# add-ons' manifests: CoreDNS 2 x 100m/70Mi, kube-proxy 100m, aws-node with its network-policy agent 2 x 25m,
# EBS CSI controller 2 replicas x 6 containers x 10m/40Mi, EBS CSI node 3 containers x 10m/40Mi, rounded up
# (600m, 1 GiB) for what a newer add-on version asks more.
SYSTEM_RESERVE = (600, 1 * GIB)


# Where Container Insights runs: the CloudWatch agent, Fluent Bit and the add-on's operator.
CONTAINER_INSIGHTS_RESERVE = (400, 512 * MIB)


def kube_reserved(vcpus: int, max_pods: int) -> tuple[int, int]:
    """The EKS AMIs' kube-reserved: CPU 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 %
    beyond; memory 11 MiB per pod + 255 MiB (https://github.com/awslabs/amazon-eks-ami, kubelet config)."""
    shares = [0.06, 0.01, 0.005, 0.005] + [0.0025] * max(vcpus - 4, 0)
    return round(sum(shares[:vcpus]) * 1000), 11 * max_pods + 255


def allocatable(instance_type: str) -> tuple[int, int]:
    assert instance_type in INSTANCE_TYPES, f"add {instance_type} (vCPUs, GiB, max pods) to INSTANCE_TYPES"
    vcpus, gib, max_pods = INSTANCE_TYPES[instance_type]
    cpu_reserved, memory_reserved = kube_reserved(vcpus, max_pods)
    memory = int(gib * GIB * (1 - KERNEL_SHARE)) - memory_reserved - EVICTION_MEMORY_MIB
    return vcpus * 1000 - cpu_reserved, memory


def _millicores(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else round(float(quantity) * 1000)


def _mebibytes(quantity: str) -> int:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024}
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]i)", quantity).groups()
    return round(float(number) * units[unit])


def _requests(resources: dict[str, Any], where: str) -> tuple[int, int]:
    requests = (resources or {}).get("requests") or {}
    assert {"cpu", "memory"} <= set(requests), f"{where} declares no CPU and memory requests"
    return _millicores(requests["cpu"]), _mebibytes(requests["memory"])


def release_values(config: PlatformConfig) -> dict[str, Any]:
    return monitoring_values(
        config,
        {"warning": "arn:aws:sns:us-east-1:123456789012:warning"},
        "us-east-1",
        ServiceRoles("arn:aws:iam::123456789012:role/am", "arn:aws:iam::123456789012:role/gf"),
    )


def monitoring_pods(config: PlatformConfig) -> dict[str, tuple[int, int]]:
    """pod -> (millicores, MiB) the kube-prometheus-stack release asks for, one entry per pod; node-exporter
    is per node and not in here."""
    values = release_values(config)
    reloader = _requests(values["prometheusOperator"]["prometheusConfigReloader"]["resources"], "config reloader")
    prometheus = values["prometheus"]["prometheusSpec"]
    alertmanager = values["alertmanager"]["alertmanagerSpec"]
    grafana = values["grafana"]
    pods: dict[str, tuple[int, int]] = {}

    def add(name: str, replicas: int, *containers: tuple[int, int]) -> None:
        for replica in range(replicas):
            pods[f"{name}-{replica}"] = (sum(c for c, _ in containers), sum(m for _, m in containers))

    add("prometheus", prometheus["replicas"], _requests(prometheus["resources"], "prometheus"), reloader)
    add("alertmanager", alertmanager["replicas"], _requests(alertmanager["resources"], "alertmanager"), reloader)
    sidecar = _requests(grafana["sidecar"]["resources"], "grafana sidecars")
    add("grafana", grafana["replicas"], _requests(grafana["resources"], "grafana"), *[sidecar] * GRAFANA_SIDECARS)
    add("operator", 1, _requests(values["prometheusOperator"]["resources"], "prometheus operator"))
    add("kube-state-metrics", 1, _requests(values["kube-state-metrics"]["resources"], "kube-state-metrics"))
    return pods


def off_hours_shortfall(config: PlatformConfig) -> list[str]:
    groups = config.cluster.node_groups
    group_count = config.network.az_count if groups.per_az else 1
    nodes = groups.off_hours_min_size * group_count
    smallest = min(groups.instance_types, key=allocatable)
    node_cpu, node_memory = allocatable(smallest)
    reserve = [SYSTEM_RESERVE] + ([CONTAINER_INSIGHTS_RESERVE] if config.observability.container_insights else [])
    values = release_values(config)
    per_node = [_requests(values["prometheus-node-exporter"]["resources"], "node-exporter"), *reserve]
    pods = monitoring_pods(config)
    need_cpu, need_memory = sum(c for c, _ in pods.values()), sum(m for _, m in pods.values())
    one_cpu, one_memory = node_cpu - sum(c for c, _ in per_node), node_memory - sum(m for _, m in per_node)
    free_cpu, free_memory = nodes * one_cpu, nodes * one_memory
    problems = []
    if need_cpu > free_cpu or need_memory > free_memory:
        problems.append(
            f"{nodes} x {smallest} leave {free_cpu}m / {free_memory} MiB after system pods; the "
            f"monitoring stack requests {need_cpu}m / {need_memory} MiB: raise "
            "cluster.nodeGroups.offHoursMinSize or shrink the requests"
        )
    too_big = {pod: need for pod, need in pods.items() if need[0] > one_cpu or need[1] > one_memory}
    if too_big:
        problems.append(f"pods larger than one {smallest} after system pods: {too_big}")
    return problems
