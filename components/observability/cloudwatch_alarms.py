"""The platform's CloudWatch alarms as data: what is watched, the threshold and the severity.

Pure functions of the config and the watched resources' names: `cloudwatch_monitoring.py`
turns each `AlarmSpec` into one `MetricAlarm`, so every alarm is sized and routed the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..config.operations import REPLICA_LAG_ALARM_MINUTES, RPO_SECONDS

SEVERITY_ORDER = ("critical", "warning", "info")
PERIOD_SECONDS = 60
GIB = 1024**3
# SRE workbook, multiwindow burn-rate alerts: at 14.4x the sustainable rate, 2 % of a 30-day error
# budget is gone in one hour; that is the "page now" burn rate.
FAST_BURN_RATE = 14.4

ALB = "AWS/ApplicationELB"
RDS = "AWS/RDS"
CONTAINER_INSIGHTS = "ContainerInsights"

# Errors users saw / requests users made. ELB 5xx (no healthy target, target connection failures) count
# as errors too, or a total outage would read as 0 % errors. The load balancer leaves requests it could
# not route out of RequestCount, so they are added to the denominator as well.
ERROR_RATE_EXPRESSIONS = (
    ("errors", "FILL(target5xx, 0) + FILL(elb5xx, 0)"),
    ("total", "FILL(requests, 0) + FILL(elb5xx, 0)"),
    ("rate", "IF(total > 0, 100 * errors / total, 0)"),
)
ERROR_RATE_METRICS = (
    ("target5xx", "HTTPCode_Target_5XX_Count"),
    ("elb5xx", "HTTPCode_ELB_5XX_Count"),
    ("requests", "RequestCount"),
)


@dataclass(frozen=True)
class AlarmSpec:
    key: str
    severity: str
    description: str
    threshold: float
    comparison: str = "GreaterThanThreshold"
    namespace: str | None = None
    metric_name: str | None = None
    dimensions: Mapping[str, Input[str]] | None = None
    statistic: str | None = None
    extended_statistic: str | None = None
    metric_queries: Sequence[aws.cloudwatch.MetricAlarmMetricQueryArgs] | None = None
    # "notBreaching": no data means nothing happened (no traffic, no events, nodes scaled to zero).
    missing_data: str = "notBreaching"
    # Sustained: breached for alarm_minutes. Otherwise the first datapoint fires: one root login is the incident.
    sustained: bool = True
    # Breaching minutes before it fires, when the alarm needs its own (overrides sustained / alarm_minutes).
    minutes: int | None = None


@dataclass(frozen=True)
class SecuritySignal:
    key: str
    metric_name: str
    severity: str
    pattern: Input[str]
    description: str


def route(severity: str, available: Collection[str]) -> str:
    """The severity an alarm notifies: its own, else the next lower one with a topic (dev has no critical).

    Only when nothing lower exists does it climb: an alarm nobody hears is worse than one heard too loudly.
    """
    index = SEVERITY_ORDER.index(severity)
    for candidate in (*SEVERITY_ORDER[index:], *reversed(SEVERITY_ORDER[:index])):
        if candidate in available:
            return candidate
    raise ValueError("alerting has no topic at all; config.alerting.severities needs at least one")


def error_budget_burn_threshold(config: PlatformConfig) -> float:
    """5xx percentage that burns the tier's error budget at the fast-burn rate."""
    return round((100 - config.availability_target) * FAST_BURN_RATE, 4)


def slo_alarms(config: PlatformConfig, load_balancer: Input[str], target_group: Input[str]) -> list[AlarmSpec]:
    settings = config.observability
    burn = error_budget_burn_threshold(config)
    return [
        AlarmSpec(
            key="api-latency-p95",
            severity="warning",
            description=f"API p95 latency above the {settings.api_latency_p95_ms} ms SLO for "
            f"{settings.alarm_minutes} min.",
            threshold=settings.api_latency_p95_ms / 1000,
            namespace=ALB,
            metric_name="TargetResponseTime",
            dimensions={"LoadBalancer": load_balancer, "TargetGroup": target_group},
            extended_statistic="p95",
        ),
        AlarmSpec(
            key="api-error-rate",
            severity="critical",
            description=f"5xx rate above {burn} % for {settings.alarm_minutes} min: the "
            f"{config.availability_target} % availability error budget burns {FAST_BURN_RATE}x "
            "faster than sustainable (2 % of the monthly budget per hour).",
            threshold=burn,
            metric_queries=error_rate_queries(load_balancer),
        ),
    ]


def error_rate_queries(load_balancer: Input[str]) -> list[aws.cloudwatch.MetricAlarmMetricQueryArgs]:
    metrics = [
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=query_id,
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=ALB,
                metric_name=metric_name,
                dimensions={"LoadBalancer": load_balancer},
                period=PERIOD_SECONDS,
                stat="Sum",
            ),
        )
        for query_id, metric_name in ERROR_RATE_METRICS
    ]
    expressions = [
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=query_id,
            expression=expression,
            return_data=query_id == "rate",
            label="5xx error rate (%)" if query_id == "rate" else None,
        )
        for query_id, expression in ERROR_RATE_EXPRESSIONS
    ]
    return [*metrics, *expressions]


def database_alarms(config: PlatformConfig, db_identifier: Input[str]) -> list[AlarmSpec]:
    settings = config.observability
    dims = {"DBInstanceIdentifier": db_identifier}
    latency = [
        AlarmSpec(
            key=f"db-{kind}-latency-p95",
            severity="warning",
            description=f"Database {kind} latency p95 above the {settings.db_latency_p95_ms} ms SLO for "
            f"{settings.alarm_minutes} min.",
            threshold=settings.db_latency_p95_ms / 1000,
            namespace=RDS,
            metric_name=f"{kind.capitalize()}Latency",
            dimensions=dims,
            extended_statistic="p95",
        )
        for kind in ("read", "write")
    ]
    return [
        *latency,
        AlarmSpec(
            key="db-connections",
            severity="warning",
            description=f"More than {settings.db_connections_alarm} database connections.",
            threshold=settings.db_connections_alarm,
            namespace=RDS,
            metric_name="DatabaseConnections",
            dimensions=dims,
            statistic="Maximum",
        ),
        AlarmSpec(
            key="db-cpu",
            severity="warning",
            description=f"Database CPU above {settings.cpu_alarm_percent} %.",
            threshold=settings.cpu_alarm_percent,
            namespace=RDS,
            metric_name="CPUUtilization",
            dimensions=dims,
            statistic="Average",
        ),
        AlarmSpec(
            key="db-free-storage",
            severity="critical",
            description=f"Database free storage below {settings.db_free_storage_alarm_gib} GiB, or the "
            "instance stopped reporting metrics (down, stopped or deleted).",
            threshold=settings.db_free_storage_alarm_gib * GIB,
            comparison="LessThanThreshold",
            namespace=RDS,
            metric_name="FreeStorageSpace",
            dimensions=dims,
            statistic="Minimum",
            # RDS reports storage every minute while the instance runs: silence is an outage.
            missing_data="breaching",
        ),
    ]


def replica_lag_alarm(config: PlatformConfig, replica_identifier: Input[str]) -> AlarmSpec:
    """Lag of the cross-region PostgreSQL replica, paged before the DR recovery point passes the RPO.

    RDS computes ReplicaLag on a PostgreSQL replica as now() - pg_last_xact_replay_timestamp()
    (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.Replication.ReadReplicas.Monitor.html):
    on an idle primary nothing is replayed until WAL ships again, every archive_timeout (300 s), so a healthy
    replica's lag saws up to 5 minutes. The threshold (config: 360-659 s) sits above that sawtooth, so no
    window length is needed to ride it out: the Maximum of any one minute stays below it. The alarm then waits
    REPLICA_LAG_ALARM_MINUTES, not alarmMinutes: with 5 (prod) a stalled replica would page only at 600 + 300 s, the
    RPO itself; two minutes keep one stray datapoint from paging.
    """
    # The config model bounds the threshold: above the sawtooth, and paging in time (config/operations.py).
    seconds = config.observability.replication_lag_alarm_seconds
    return AlarmSpec(
        key="db-replica-lag",
        severity="critical",
        description=f"DR read replica more than {seconds} s behind for {REPLICA_LAG_ALARM_MINUTES} min, or not "
        "reporting lag (replica down or replication stopped): the DR recovery point is slipping "
        f"towards the {RPO_SECONDS // 60} min RPO.",
        threshold=seconds,
        namespace=RDS,
        metric_name="ReplicaLag",
        dimensions={"DBInstanceIdentifier": replica_identifier},
        statistic="Maximum",
        minutes=REPLICA_LAG_ALARM_MINUTES,
        # Missing data is a replica that stopped reporting (down, deleted, replication broken): without lag
        # figures nothing shows the recovery point is within the RPO, and that is what this alarm is for.
        missing_data="breaching",
    )


def node_alarms(config: PlatformConfig, cluster_name: Input[str]) -> list[AlarmSpec]:
    settings = config.observability
    watched = (
        ("node-cpu", "node_cpu_utilization", "CPU", settings.cpu_alarm_percent),
        ("node-memory", "node_memory_utilization", "memory", settings.memory_alarm_percent),
        ("node-disk", "node_filesystem_utilization", "filesystem", settings.disk_alarm_percent),
    )
    # Maximum of the cluster-level series is the busiest node: every node contributes a datapoint to it.
    return [
        AlarmSpec(
            key=key,
            severity="warning",
            description=f"A node's {what} utilisation above {percent} % for {settings.alarm_minutes} min.",
            threshold=percent,
            namespace=CONTAINER_INSIGHTS,
            metric_name=metric,
            dimensions={"ClusterName": cluster_name},
            statistic="Maximum",
        )
        for key, metric, what, percent in watched
    ]


def security_signals(break_glass_role_arn: Input[str]) -> list[SecuritySignal]:
    """CloudTrail patterns after the CIS AWS Foundations Benchmark monitoring controls."""
    return [
        SecuritySignal(
            "console-login-failures",
            "ConsoleLoginFailures",
            "warning",
            '{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }',
            "Failed AWS console sign-in (CIS: console authentication failures).",
        ),
        SecuritySignal(
            "root-account-usage",
            "RootAccountUsage",
            "critical",
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
            '&& $.eventType != "AwsServiceEvent" }',
            "The account root user was used (CIS: root account usage).",
        ),
        SecuritySignal(
            "unauthorized-api-calls",
            "UnauthorizedApiCalls",
            "warning",
            '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) '
            '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
            "API calls denied for lack of permission (CIS: unauthorized API calls).",
        ),
        SecuritySignal(
            "break-glass-role-use",
            "BreakGlassRoleUse",
            "critical",
            Output.concat(
                '{ ($.eventSource = "sts.amazonaws.com") && ($.eventName = "AssumeRole") '
                '&& ($.requestParameters.roleArn = "',
                break_glass_role_arn,
                '") }',
            ),
            "Someone assumed (or tried to assume) the break-glass role.",
        ),
    ]


def security_alarm(signal: SecuritySignal, namespace: str) -> AlarmSpec:
    return AlarmSpec(
        key=signal.key,
        severity=signal.severity,
        description=signal.description,
        threshold=1,
        comparison="GreaterThanOrEqualToThreshold",
        namespace=namespace,
        metric_name=signal.metric_name,
        statistic="Sum",
        sustained=False,
    )
