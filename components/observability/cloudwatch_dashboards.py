"""The four CloudWatch dashboards the operations team uses, as dashboard bodies.

Bodies are plain dicts that may hold Outputs (names, ARNs); `Output.json_dumps` turns them into the
JSON the Dashboard resource takes. Every metric widget names its region, as the CloudWatch API requires.
"""

from __future__ import annotations

from typing import Any

from pulumi import Input

from .cloudwatch_alarms import (
    ALB,
    CONTAINER_INSIGHTS,
    ERROR_RATE_EXPRESSIONS,
    ERROR_RATE_METRICS,
    GIB,
    RDS,
    error_budget_burn_threshold,
)
from .watched_resources import MonitoringArgs

# The namespace canaries publish SuccessPercent and Duration to (CloudWatch_Synthetics_Canaries_metrics.html).
SYNTHETICS = "CloudWatchSynthetics"

# The namespace and dimension platformctl/ops/security_score.py publishes the Security Hub score under.
SECURITY_HUB, SECURITY_HUB_DIMENSION = "Platform/SecurityHub", "Standard"

GRID_WIDTH = 24
# Billing metrics exist only in us-east-1, whatever region the stack runs in, and refresh about every 6 h.
BILLING_REGION = "us-east-1"
BILLING_PERIOD = 21600
# EC2 basic monitoring publishes every 5 minutes.
EC2_PERIOD = 300

Widget = dict[str, Any]


def dashboard_bodies(args: MonitoringArgs, alarm_arns: list[Input[str]]) -> dict[str, dict[str, Any]]:
    """Dashboard key (kebab case, the name's suffix) -> body."""
    return {
        "infrastructure-overview": _layout([_alarm_status(args, alarm_arns), *_infrastructure(args)]),
        "application-performance": _layout(_application(args)),
        "database-metrics": _layout(_database(args)),
        "cost-analysis": _layout(_cost(args)),
    }


def _infrastructure(args: MonitoringArgs) -> list[Widget]:
    config, region = args.config, args.config.primary_region
    settings = config.observability
    cluster = ("ClusterName", args.cluster_name)

    def node(metric: str, title: str, limit: int) -> Widget:
        return _graph(
            title,
            region,
            [
                [CONTAINER_INSIGHTS, metric, *cluster, {"stat": "Average", "label": "average node"}],
                [CONTAINER_INSIGHTS, metric, *cluster, {"stat": "Maximum", "label": "busiest node"}],
            ],
            y_label="%",
            lines=[("alarm", limit)],
        )

    groups = sorted(args.node_group_asgs.items())
    return [
        node("node_cpu_utilization", "Node CPU utilisation", settings.cpu_alarm_percent),
        node("node_memory_utilization", "Node memory utilisation", settings.memory_alarm_percent),
        node("node_filesystem_utilization", "Node disk utilisation", settings.disk_alarm_percent),
        _graph(
            "Nodes",
            region,
            [
                [CONTAINER_INSIGHTS, "cluster_node_count", *cluster, {"label": "nodes"}],
                [CONTAINER_INSIGHTS, "cluster_failed_node_count", *cluster, {"label": "failed nodes"}],
            ],
            stat="Maximum",
        ),
        _graph(
            "EC2 CPU per node group",
            region,
            [["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", asg, {"label": key}] for key, asg in groups],
            stat="Average",
            period=EC2_PERIOD,
            y_label="%",
        ),
        _graph(
            "Network per node group",
            region,
            [
                ["AWS/EC2", metric, "AutoScalingGroupName", asg, {"label": f"{key} {direction}"}]
                for key, asg in groups
                for metric, direction in (("NetworkIn", "in"), ("NetworkOut", "out"))
            ],
            stat="Sum",
            period=EC2_PERIOD,
            y_label="bytes",
        ),
        _security_score(region),
    ]


def _security_score(region: str) -> Widget:
    """Security Hub's score per standard, as `platformctl security-score --publish` (security-score.yml, daily)
    puts it: Security Hub publishes no metric of its own. SEARCH shows every standard that has a score."""
    search = f"SEARCH('{{{SECURITY_HUB},{SECURITY_HUB_DIMENSION}}} MetricName=\"SecurityScore\"', 'Minimum', 86400)"
    widget = _graph(
        "Security Hub score per standard",
        region,
        [[{"expression": search, "id": "score"}]],
        stat="Minimum",
        period=86400,
        y_label="%",
    )
    widget["properties"]["yAxis"]["left"]["max"] = 100
    return widget


def _application(args: MonitoringArgs) -> list[Widget]:
    region = args.config.primary_region
    lb = ("LoadBalancer", args.load_balancer_arn_suffix)
    target = (*lb, "TargetGroup", args.target_group_arn_suffix)
    error_rate: list[list[Any]] = [
        *(
            [
                {
                    "expression": expression,
                    "id": query_id,
                    "visible": query_id == "rate",
                    "label": "5xx error rate" if query_id == "rate" else query_id,
                }
            ]
            for query_id, expression in ERROR_RATE_EXPRESSIONS
        ),
        *(
            [ALB, metric, *lb, {"id": query_id, "stat": "Sum", "visible": False}]
            for query_id, metric in ERROR_RATE_METRICS
        ),
    ]
    return [
        _graph("Requests", region, [[ALB, "RequestCount", *lb, {"label": "requests"}]], stat="Sum"),
        _graph(
            "Target response time",
            region,
            [[ALB, "TargetResponseTime", *target, {"stat": stat, "label": stat}] for stat in ("p50", "p95", "p99")],
            y_label="seconds",
            lines=[("p95 SLO", args.config.observability.api_latency_p95_ms / 1000)],
        ),
        _graph(
            "5xx error rate",
            region,
            error_rate,
            y_label="%",
            lines=[("fast burn", error_budget_burn_threshold(args.config))],
        ),
        _graph(
            "Targets",
            region,
            [
                [ALB, "HealthyHostCount", *target, {"stat": "Minimum", "label": "healthy"}],
                [ALB, "UnHealthyHostCount", *target, {"stat": "Maximum", "label": "unhealthy"}],
            ],
        ),
        *_page_load(args),
    ]


def _page_load(args: MonitoringArgs) -> list[Widget]:
    """Availability and page load as a user sees them: the canary's successful runs and its p95 duration."""
    if args.canary_name is None:
        return []
    settings, region = args.config.observability.synthetics, args.config.primary_region
    canary = ("CanaryName", args.canary_name)
    period = settings.schedule_minutes * 60
    return [
        _graph(
            "Page load canary: successful runs",
            region,
            [[SYNTHETICS, "SuccessPercent", *canary, {"label": "success"}]],
            stat="Average",
            period=period,
            y_label="%",
            lines=[("availability target", args.config.availability_target)],
        ),
        _graph(
            "Page load canary: run duration p95",
            region,
            [[SYNTHETICS, "Duration", *canary, {"label": "p95"}]],
            stat="p95",
            period=period,
            y_label="ms",
            lines=[("p95 SLO", settings.page_load_p95_ms)],
        ),
    ]


def _database(args: MonitoringArgs) -> list[Widget]:
    settings, region = args.config.observability, args.config.primary_region
    db = ("DBInstanceIdentifier", args.db_identifier)
    widgets = [
        _graph(
            "Connections",
            region,
            [[RDS, "DatabaseConnections", *db, {"label": "connections"}]],
            stat="Maximum",
            lines=[("alarm", settings.db_connections_alarm)],
        ),
        _graph(
            "Read / write latency p95",
            region,
            [[RDS, f"{kind}Latency", *db, {"label": kind.lower()}] for kind in ("Read", "Write")],
            stat="p95",
            y_label="seconds",
            lines=[("p95 SLO", settings.db_latency_p95_ms / 1000)],
        ),
        _graph(
            "CPU",
            region,
            [[RDS, "CPUUtilization", *db, {"label": "CPU"}]],
            stat="Average",
            y_label="%",
            lines=[("alarm", settings.cpu_alarm_percent)],
        ),
        _graph(
            "Free storage",
            region,
            [[RDS, "FreeStorageSpace", *db, {"label": "free"}]],
            stat="Minimum",
            y_label="bytes",
            lines=[("alarm", settings.db_free_storage_alarm_gib * GIB)],
        ),
    ]
    if args.dr_replica_identifier is not None:
        # The replica's metrics live in the DR region; a dashboard widget may read another region.
        widgets.append(
            _graph(
                "DR replica lag",
                args.config.dr_region,
                [[RDS, "ReplicaLag", "DBInstanceIdentifier", args.dr_replica_identifier, {"label": "lag"}]],
                stat="Maximum",
                y_label="seconds",
                lines=[("alarm", settings.replication_lag_alarm_seconds)],
            )
        )
    return widgets


def _cost(args: MonitoringArgs) -> list[Widget]:
    region = args.config.primary_region
    by_service = (
        'SEARCH(\'{AWS/Billing,Currency,ServiceName} MetricName="EstimatedCharges" Currency="USD"\', '
        f"'Maximum', {BILLING_PERIOD})"
    )
    return [
        _graph(
            "Estimated charges this month, whole account (USD)",
            BILLING_REGION,
            [["AWS/Billing", "EstimatedCharges", "Currency", "USD", {"label": "estimated charges"}]],
            stat="Maximum",
            period=BILLING_PERIOD,
            y_label="USD",
            lines=[("monthly budget", args.config.budget.monthly_limit_usd)],
        ),
        _graph(
            "Estimated charges by service (USD)",
            BILLING_REGION,
            [[{"expression": by_service, "id": "services"}]],
            period=BILLING_PERIOD,
            y_label="USD",
        ),
        _graph(
            "Cluster nodes (compute cost driver)",
            region,
            [[CONTAINER_INSIGHTS, "cluster_node_count", "ClusterName", args.cluster_name, {"label": "nodes"}]],
            stat="Maximum",
            period=3600,
        ),
        _graph(
            "Load balancer capacity units (billed per LCU-hour)",
            region,
            [[ALB, "ConsumedLCUs", "LoadBalancer", args.load_balancer_arn_suffix, {"label": "LCUs"}]],
            stat="Sum",
            period=3600,
        ),
    ]


def _alarm_status(args: MonitoringArgs, alarm_arns: list[Input[str]]) -> Widget:
    return {
        "type": "alarm",
        "width": GRID_WIDTH,
        "height": 4,
        "properties": {
            "title": f"{args.config.name_prefix} alarms",
            "alarms": alarm_arns,
            "sortBy": "stateUpdatedTimestamp",
        },
    }


def _graph(
    title: str,
    region: str,
    metrics: list[list[Any]],
    *,
    stat: str | None = None,
    period: int = 60,
    y_label: str | None = None,
    lines: list[tuple[str, float]] | None = None,
) -> Widget:
    properties: dict[str, Any] = {
        "title": title,
        "region": region,
        "view": "timeSeries",
        "stacked": False,
        "period": period,
        "metrics": metrics,
    }
    if stat:
        properties["stat"] = stat
    if y_label:
        properties["yAxis"] = {"left": {"label": y_label, "showUnits": False, "min": 0}}
    if lines:
        properties["annotations"] = {"horizontal": [{"label": label, "value": value} for label, value in lines]}
    return {"type": "metric", "width": 12, "height": 6, "properties": properties}


def _layout(widgets: list[Widget]) -> dict[str, Any]:
    """Place widgets left to right, wrapping at the grid's 24 columns."""
    placed, x, y, row_height = [], 0, 0, 0
    for widget in widgets:
        if x + widget["width"] > GRID_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        placed.append({**widget, "x": x, "y": y})
        x, row_height = x + widget["width"], max(row_height, widget["height"])
    return {"widgets": placed}
