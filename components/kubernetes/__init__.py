"""Inside the cluster: the baseline every namespace gets (platform:kubernetes:KubernetesBaseline: namespaces,
quotas, network policies, priority classes) and the monitoring stack (platform:kubernetes:MonitoringStack:
kube-prometheus-stack, its Helm values in prometheus_values.py and the Grafana dashboards in
grafana_dashboards/)."""

from __future__ import annotations

from .baseline import MONITORING_NAMESPACE, KubernetesBaseline, KubernetesBaselineArgs
from .prometheus_stack import MonitoringStack, MonitoringStackArgs

__all__ = [
    "MONITORING_NAMESPACE",
    "KubernetesBaseline",
    "KubernetesBaselineArgs",
    "MonitoringStack",
    "MonitoringStackArgs",
]
