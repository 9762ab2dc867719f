"""Helm values of kube-prometheus-stack: pure functions of the config, testable without Pulumi.

Keys follow the chart's values.yaml (chart 65.x and its grafana, node-exporter subcharts). Helm merges
these maps into the chart defaults but replaces lists whole, so every list here is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from platform_core.tiers import Tier

from ..config.model import PlatformConfig

SEVERITIES = ("critical", "warning", "info")  # most urgent first
PRIORITY_CLASS = "platform-critical"  # created by KubernetesBaseline
GP3_STORAGE_CLASS = "gp3"
RELEASE_NAME = "monitoring"
# The names the chart derives for the release "monitoring", pinned in the values so that no chart change
# can move them out from under the IRSA trust policies (cluster/workload_identity.py).
ALERTMANAGER_SERVICE_ACCOUNT = "monitoring-kube-prometheus-alertmanager"
GRAFANA_SERVICE_ACCOUNT = "monitoring-grafana"
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
DASHBOARD_LABEL = "grafana_dashboard"
DASHBOARD_FOLDER_ANNOTATION = "grafana_folder"
PROMETHEUS_DATASOURCE_UID = "prometheus"
CLOUDWATCH_DATASOURCE_UID = "cloudwatch"
NULL_RECEIVER = "null"
ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone"
# Prometheus deletes the oldest blocks before the volume fills: the WAL and compaction need headroom.
RETENTION_SIZE_PERCENT = 85
ALERTMANAGER_STORAGE_GIB = 2  # silences and the notification log survive a full restart
# Unlabelled alerts still reach people, without paging anyone.
DEFAULT_RECEIVER = "warning"
REPEAT_INTERVAL = {"critical": "1h", "warning": "4h", "info": "12h"}


@dataclass(frozen=True)
class ServiceRoles:
    """IRSA role ARNs, resolved."""

    alertmanager: str
    grafana: str


def _resources(cpu_request: str, memory_request: str, cpu_limit: str, memory_limit: str) -> dict[str, Any]:
    return {
        "requests": {"cpu": cpu_request, "memory": memory_request},
        "limits": {"cpu": cpu_limit, "memory": memory_limit},
    }


# Prometheus memory grows with the series count, i.e. with nodes and pods: the tiers' cluster sizes.
PROMETHEUS_RESOURCES = {
    Tier.DEV: _resources("250m", "1Gi", "1", "2Gi"),
    Tier.STAGING: _resources("500m", "2Gi", "2", "4Gi"),
    Tier.PROD: _resources("1", "4Gi", "4", "8Gi"),
}
ALERTMANAGER_RESOURCES = _resources("50m", "128Mi", "200m", "256Mi")
GRAFANA_RESOURCES = _resources("100m", "256Mi", "500m", "512Mi")
# The chart leaves these without requests; stated so the scheduler (and the off-hours capacity check in
# tests/test_cluster.py) accounts for them. Keys: prometheusOperator.resources,
# prometheusOperator.prometheusConfigReloader.resources (a sidecar of every Prometheus and Alertmanager pod),
# grafana.sidecar.resources (its dashboard and datasource sidecars), kube-state-metrics.resources and
# prometheus-node-exporter.resources (one pod per node).
OPERATOR_RESOURCES = _resources("100m", "128Mi", "200m", "256Mi")
CONFIG_RELOADER_RESOURCES = _resources("10m", "50Mi", "100m", "100Mi")
GRAFANA_SIDECAR_RESOURCES = _resources("10m", "64Mi", "100m", "128Mi")
GRAFANA_SIDECARS = 2  # sc-dashboard and sc-datasources
KUBE_STATE_METRICS_RESOURCES = _resources("10m", "64Mi", "100m", "256Mi")
NODE_EXPORTER_RESOURCES = _resources("10m", "32Mi", "200m", "64Mi")

# EKS runs etcd, the scheduler and the controller manager out of reach, and kube-proxy binds its metrics
# to localhost: scraping them would only raise permanent TargetDown / *Down alerts.
_UNREACHABLE_COMPONENTS = ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy")
_UNREACHABLE_RULES = (
    "etcd",
    "kubeControllerManager",
    "kubeSchedulerAlerting",
    "kubeSchedulerRecording",
    "kubeProxy",
    "windows",
)

# Copied from the chart's defaults: setting config replaces them, and they stop warnings and infos from
# piling up behind a critical alert of the same name.
_INHIBIT_RULES = [
    {
        "source_matchers": ["severity = critical"],
        "target_matchers": ["severity =~ warning|info"],
        "equal": ["namespace", "alertname"],
    },
    {
        "source_matchers": ["severity = warning"],
        "target_matchers": ["severity = info"],
        "equal": ["namespace", "alertname"],
    },
    {"source_matchers": ["alertname = InfoInhibitor"], "target_matchers": ["severity = info"], "equal": ["namespace"]},
    {"target_matchers": ["alertname = InfoInhibitor"]},
]


def log_level(config: PlatformConfig) -> str:
    """Prometheus, Alertmanager and Grafana all spell it "warn"."""
    level = config.observability.app_log_level
    return "warn" if level == "warning" else level


def topic_for(severity: str, topics: dict[str, str]) -> str:
    """The severity's topic, else the next lower one that exists, else the next higher one."""
    index = SEVERITIES.index(severity)
    for candidate in SEVERITIES[index:] + SEVERITIES[:index][::-1]:
        if candidate in topics:
            return topics[candidate]
    raise ValueError("alert_topic_arns is empty: Alertmanager would have nowhere to send alerts")


def alertmanager_config(topics: dict[str, str], region: str) -> dict[str, Any]:
    routes: list[dict[str, Any]] = [
        {"receiver": NULL_RECEIVER, "matchers": [f'alertname = "{alert}"']}
        for alert in ("Watchdog", "InfoInhibitor")  # always firing by design: a heartbeat and an inhibitor
    ]
    routes += [
        {"receiver": severity, "matchers": [f'severity = "{severity}"'], "repeat_interval": REPEAT_INTERVAL[severity]}
        for severity in SEVERITIES
    ]
    receivers: list[dict[str, Any]] = [{"name": NULL_RECEIVER}]
    receivers += [
        {
            "name": severity,
            "sns_configs": [
                {"topic_arn": topic_for(severity, topics), "sigv4": {"region": region}, "send_resolved": True}
            ],
        }
        for severity in SEVERITIES
    ]
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": DEFAULT_RECEIVER,
            "group_by": ["alertname", "namespace"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": routes,
        },
        "inhibit_rules": _INHIBIT_RULES,
        "receivers": receivers,
        "templates": ["/etc/alertmanager/config/*.tmpl"],
    }


def disruption_budget_enabled(config: PlatformConfig, replicas: int) -> bool:
    """A minAvailable-1 budget on a single replica blocks every node drain, so it needs two."""
    return config.kubernetes.platform_disruption_budgets and replicas > 1


def _claim(gib: int) -> dict[str, Any]:
    return {
        "volumeClaimTemplate": {
            "spec": {
                "storageClassName": GP3_STORAGE_CLASS,
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": f"{gib}Gi"}},
            }
        }
    }


def _prometheus(config: PlatformConfig) -> dict[str, Any]:
    monitoring = config.kubernetes.monitoring
    spec: dict[str, Any] = {
        "replicas": monitoring.prometheus_replicas,
        "retention": monitoring.retention,
        "logLevel": log_level(config),
        "priorityClassName": PRIORITY_CLASS,
        "resources": PROMETHEUS_RESOURCES[config.tier],
        "podAntiAffinity": "soft",
        "podAntiAffinityTopologyKey": ZONE_TOPOLOGY_KEY,
        "externalLabels": {"environment": config.tier.value, "cluster": config.name_prefix},
        # Pick up ServiceMonitors, PodMonitors, Probes and rules from every team, not only this release's.
        "serviceMonitorSelectorNilUsesHelmValues": False,
        "podMonitorSelectorNilUsesHelmValues": False,
        "probeSelectorNilUsesHelmValues": False,
        "ruleSelectorNilUsesHelmValues": False,
    }
    if monitoring.storage_gib > 0:
        spec["storageSpec"] = _claim(monitoring.storage_gib)
        spec["retentionSize"] = f"{monitoring.storage_gib * RETENTION_SIZE_PERCENT // 100}GiB"
    return {
        "prometheusSpec": spec,
        "podDisruptionBudget": {
            "enabled": disruption_budget_enabled(config, monitoring.prometheus_replicas),
            "minAvailable": 1,
        },
    }


def _alertmanager(config: PlatformConfig, topics: dict[str, str], region: str, role_arn: str) -> dict[str, Any]:
    monitoring = config.kubernetes.monitoring
    spec: dict[str, Any] = {
        "replicas": monitoring.alertmanager_replicas,
        "logLevel": log_level(config),
        "priorityClassName": PRIORITY_CLASS,
        "resources": ALERTMANAGER_RESOURCES,
        "podAntiAffinity": "soft",
        "podAntiAffinityTopologyKey": ZONE_TOPOLOGY_KEY,
    }
    if monitoring.storage_gib > 0:
        spec["storage"] = _claim(ALERTMANAGER_STORAGE_GIB)
    return {
        "config": alertmanager_config(topics, region),
        "serviceAccount": {
            "create": True,
            "name": ALERTMANAGER_SERVICE_ACCOUNT,
            "annotations": {IRSA_ANNOTATION: role_arn},
        },
        "podDisruptionBudget": {
            "enabled": disruption_budget_enabled(config, monitoring.alertmanager_replicas),
            "minAvailable": 1,
        },
        "alertmanagerSpec": spec,
    }


def _grafana(config: PlatformConfig, region: str, role_arn: str) -> dict[str, Any]:
    replicas = config.kubernetes.monitoring.grafana_replicas
    return {
        "replicas": replicas,
        # Empty: the chart generates a random password once and keeps it (the chart default is "prom-operator").
        "adminPassword": "",
        "resources": GRAFANA_RESOURCES,
        # The grafana subchart creates its budget when this map is non-empty.
        "podDisruptionBudget": {"minAvailable": 1} if disruption_budget_enabled(config, replicas) else {},
        "serviceAccount": {"create": True, "name": GRAFANA_SERVICE_ACCOUNT, "annotations": {IRSA_ANNOTATION: role_arn}},
        "grafana.ini": {"log": {"level": log_level(config)}},
        "sidecar": {
            "resources": GRAFANA_SIDECAR_RESOURCES,
            "dashboards": {
                "enabled": True,
                "label": DASHBOARD_LABEL,
                "labelValue": "1",
                "searchNamespace": "ALL",
                "folderAnnotation": DASHBOARD_FOLDER_ANNOTATION,
                "provider": {"foldersFromFilesStructure": True},
            },
            "datasources": {"uid": PROMETHEUS_DATASOURCE_UID},  # the platform dashboards refer to it by uid
        },
        # authType "default" is the AWS SDK chain, which picks up the IRSA web identity token.
        "additionalDataSources": [
            {
                "name": "CloudWatch",
                "type": "cloudwatch",
                "uid": CLOUDWATCH_DATASOURCE_UID,
                "access": "proxy",
                "editable": False,
                "jsonData": {"authType": "default", "defaultRegion": region},
            }
        ],
    }


def monitoring_values(
    config: PlatformConfig, topic_arns: dict[str, str], region: str, roles: ServiceRoles
) -> dict[str, Any]:
    """The chart's values for one tier; topic_arns maps severity to SNS topic ARN."""
    unknown = sorted(set(topic_arns) - set(SEVERITIES))
    if unknown:
        raise ValueError(f"alert topics for unknown severities {unknown}; expected some of {list(SEVERITIES)}")
    return {
        "defaultRules": {"rules": dict.fromkeys(_UNREACHABLE_RULES, False)},
        **{component: {"enabled": False} for component in _UNREACHABLE_COMPONENTS},
        "prometheusOperator": {
            "logLevel": log_level(config),
            "priorityClassName": PRIORITY_CLASS,
            "resources": OPERATOR_RESOURCES,
            "prometheusConfigReloader": {"resources": CONFIG_RELOADER_RESOURCES},
        },
        "kube-state-metrics": {"resources": KUBE_STATE_METRICS_RESOURCES},
        "prometheus": _prometheus(config),
        "alertmanager": _alertmanager(config, topic_arns, region, roles.alertmanager),
        "grafana": _grafana(config, region, roles.grafana),
        # node-exporter must run on every node, tainted or not, or those nodes go unmonitored.
        "prometheus-node-exporter": {
            "tolerations": [{"operator": "Exists"}],
            "priorityClassName": PRIORITY_CLASS,
            "resources": NODE_EXPORTER_RESOURCES,
        },
    }
