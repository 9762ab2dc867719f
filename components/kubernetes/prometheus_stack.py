"""In-cluster monitoring: kube-prometheus-stack (Prometheus, Alertmanager to SNS, Grafana) and the platform dashboards.

The atomic release waits for every pod, so `prerequisites` must hold what those pods need: the
KubernetesBaseline (the PriorityClass "platform-critical", or the API server rejects the pods), the EBS CSI
add-on (the Prometheus and Alertmanager volume claims stay Pending without the driver) and every node group
(nothing schedules without nodes). `cluster_access` (ClusterAccess.ready) goes on every object: nothing reaches
the API before the access entries exist.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s
from pulumi import Input, Output
from pulumi_kubernetes.meta.v1 import ObjectMetaArgs

from platform_core.tiers import Tier

from ..config.model import PlatformConfig
from .prometheus_values import (
    DASHBOARD_FOLDER_ANNOTATION,
    DASHBOARD_LABEL,
    GP3_STORAGE_CLASS,
    RELEASE_NAME,
    SEVERITIES,
    ServiceRoles,
    monitoring_values,
)

__all__ = ["MonitoringStack", "MonitoringStackArgs", "dashboard_json", "monitoring_values"]

CHART = "kube-prometheus-stack"
CHART_REPOSITORY = "https://prometheus-community.github.io/helm-charts"
RELEASE_TIMEOUT_SECONDS = 900  # CRDs, the admission-webhook jobs and PVC provisioning on a fresh cluster
MAX_HISTORY = 10  # every Helm revision is a Secret in the namespace
# The files hold placeholder thresholds: `dashboard_json` sets each from the stack's config.
DASHBOARD_DIR = Path(__file__).parent / "grafana_dashboards"
DASHBOARDS = ("infrastructure-overview", "application-performance", "database-metrics", "cost-analysis")
DASHBOARD_FOLDER = "Platform"
GIB = 2**30


@dataclass(frozen=True)
class MonitoringStackArgs:
    config: PlatformConfig
    k8s_provider: k8s.Provider
    namespace: Input[str]  # the "monitoring" namespace
    alert_topic_arns: dict[str, Input[str]]  # severity -> SNS topic ARN
    region: str
    alertmanager_role_arn: Input[str]  # IRSA role allowed to sns:Publish to those topics
    grafana_role_arn: Input[str]  # IRSA role with CloudWatch read access
    # Customer-managed key for the Prometheus/Alertmanager volumes; None = the account's default EBS key.
    volume_kms_key_arn: Input[str] | None = None
    # What the release must wait for: the KubernetesBaseline (its PriorityClasses), the EBS CSI add-on and the
    # node groups. A component's own depends_on does not reach its children, so it is handed to the release.
    prerequisites: Sequence[pulumi.Resource] = ()
    # The access entries (ClusterAccess.ready): every object here waits for them.
    cluster_access: Sequence[pulumi.Resource] = ()


class MonitoringStack(pulumi.ComponentResource):
    release: k8s.helm.v3.Release
    dashboards: dict[str, k8s.core.v1.ConfigMap]
    storage_class: k8s.storage.v1.StorageClass | None

    def __init__(self, name: str, args: MonitoringStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:kubernetes:MonitoringStack", name, None, opts)
        unknown = sorted(set(args.alert_topic_arns) - set(SEVERITIES))
        if not args.alert_topic_arns or unknown:
            raise ValueError(
                f"alert_topic_arns needs at least one of {list(SEVERITIES)} and nothing else; "
                f"got {sorted(args.alert_topic_arns)}"
            )
        child_opts = pulumi.ResourceOptions(
            parent=self, provider=args.k8s_provider, depends_on=list(args.cluster_access)
        )
        config = args.config

        self.storage_class = (
            self._storage_class(name, args, child_opts) if config.kubernetes.monitoring.storage_gib > 0 else None
        )
        values = Output.all(
            topics=Output.all(**args.alert_topic_arns),
            alertmanager=args.alertmanager_role_arn,
            grafana=args.grafana_role_arn,
        ).apply(
            lambda resolved: monitoring_values(
                config, resolved["topics"], args.region, ServiceRoles(resolved["alertmanager"], resolved["grafana"])
            )
        )
        self.release = k8s.helm.v3.Release(
            f"{name}-release",
            name=RELEASE_NAME,
            chart=CHART,
            version=config.kubernetes.monitoring.chart_version,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=CHART_REPOSITORY),
            namespace=args.namespace,
            create_namespace=False,
            atomic=True,
            timeout=RELEASE_TIMEOUT_SECONDS,
            max_history=MAX_HISTORY,
            values=values,
            opts=pulumi.ResourceOptions.merge(
                child_opts,
                pulumi.ResourceOptions(
                    depends_on=[*args.prerequisites, *([self.storage_class] if self.storage_class else [])]
                ),
            ),
        )
        self.dashboards = {
            key: k8s.core.v1.ConfigMap(
                f"{name}-dashboard-{key}",
                metadata=ObjectMetaArgs(
                    name=f"grafana-dashboard-{key}",
                    namespace=args.namespace,
                    labels={DASHBOARD_LABEL: "1"},
                    annotations={DASHBOARD_FOLDER_ANNOTATION: DASHBOARD_FOLDER},
                ),
                data={f"{key}.json": dashboard_json(key, config)},
                opts=child_opts,
            )
            for key in DASHBOARDS
        }

        self.register_outputs(
            {
                "releaseName": self.release.name,
                "storageClass": self.storage_class.metadata.name if self.storage_class else None,
                "dashboards": {key: cm.metadata.name for key, cm in self.dashboards.items()},
            }
        )

    @staticmethod
    def _storage_class(
        name: str, args: MonitoringStackArgs, opts: pulumi.ResourceOptions
    ) -> k8s.storage.v1.StorageClass:
        parameters: dict[str, Input[str]] = {"type": "gp3", "encrypted": "true"}
        if args.volume_kms_key_arn is not None:
            parameters["kmsKeyId"] = args.volume_kms_key_arn
        # Retain in prod: deleting the release or a PVC must not take the metrics history with it.
        return k8s.storage.v1.StorageClass(
            f"{name}-storage-class",
            metadata=ObjectMetaArgs(name=GP3_STORAGE_CLASS),
            provisioner="ebs.csi.aws.com",
            parameters=parameters,
            volume_binding_mode="WaitForFirstConsumer",  # the volume is created in the AZ the pod lands in
            reclaim_policy="Retain" if args.config.tier is Tier.PROD else "Delete",
            allow_volume_expansion=True,
            opts=opts,
        )


def _thresholds(config: PlatformConfig) -> dict[str, dict[str, float]]:
    """Per dashboard, panel title -> threshold from the config, so dashboards and alarms agree."""
    observability = config.observability
    api_slo, db_slo = observability.api_latency_p95_ms / 1000, observability.db_latency_p95_ms / 1000
    cpu = observability.cpu_alarm_percent
    return {
        "infrastructure-overview": {
            "Node CPU utilisation": cpu,
            "Node memory utilisation": observability.memory_alarm_percent,
            "Node root disk utilisation": observability.disk_alarm_percent,
        },
        "application-performance": {"p95 latency": api_slo, "Target response time p95 vs SLO": api_slo},
        "database-metrics": {
            "Connections": observability.db_connections_alarm,
            "Database connections": observability.db_connections_alarm,
            "CPU": cpu,
            "CPU utilisation": cpu,
            "Read latency": db_slo,
            "Write latency": db_slo,
            "Free storage": observability.db_free_storage_alarm_gib * GIB,
            "Free storage space": observability.db_free_storage_alarm_gib * GIB,
            "DR replica lag": observability.replication_lag_alarm_seconds,
            "Replica lag": observability.replication_lag_alarm_seconds,
        },
        "cost-analysis": {"Estimated charges (month to date)": config.budget.monthly_limit_usd},
    }


def _variables(config: PlatformConfig) -> dict[str, list[str]]:
    return {"dr_region": [config.dr_region], "namespace": list(config.kubernetes.app_namespaces)}


def dashboard_json(key: str, config: PlatformConfig) -> str:
    """The dashboard file with this stack's thresholds and variable choices filled in."""
    dashboard = json.loads((DASHBOARD_DIR / f"{key}.json").read_text(encoding="utf-8"))
    panels = {panel["title"]: panel for panel in dashboard["panels"]}
    for title, value in _thresholds(config)[key].items():
        _set_threshold(panels[title], value)
    choices = _variables(config)
    for variable in dashboard["templating"]["list"]:
        values = choices.get(variable["name"])
        if values and variable["type"] == "custom":
            _set_options(variable, values)
    return json.dumps(dashboard, indent=2)


def _set_threshold(panel: dict[str, Any], value: float) -> None:
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    # Every thresholded panel has a base step and one limit: above it is bad, or below it for free space.
    limits = [step for step in steps if step["value"] is not None]
    if len(limits) != 1:
        raise ValueError(f"panel {panel['title']!r} must have exactly one threshold step; has {len(limits)}")
    limits[0]["value"] = value


def _set_options(variable: dict[str, Any], values: list[str]) -> None:
    variable["query"] = ",".join(values)
    options = [{"selected": False, "text": value, "value": value} for value in values]
    if variable.get("includeAll"):
        options.insert(0, {"selected": True, "text": "All", "value": "$__all"})
        variable["current"] = {"selected": True, "text": ["All"], "value": ["$__all"]}
    else:
        options[0]["selected"] = True
        variable["current"] = {"selected": True, "text": values[0], "value": values[0]}
    variable["options"] = options
