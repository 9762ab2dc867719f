"""What a database shows its operators: Enhanced Monitoring, a replica's log exports and slow-query logging.

The checks an independent scanner makes (AWS Security Hub RDS.6 for Enhanced Monitoring, RDS.9 for log exports),
made before deployment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...aws_resources import is_read_replica
from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import RDS_INSTANCE, RDS_PARAMETER_GROUP
from ...values import as_int, as_list, shown

# CreateDBInstance's MonitoringInterval, 0 (off) aside:
# https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
MONITORING_INTERVALS = (1, 5, 10, 15, 30, 60)


def _label(instance: Resource) -> str:
    return str(instance.get("identifier") or instance.name)


def _enhanced_monitoring(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    interval = as_int(resource.get("monitoringInterval"))
    if interval not in MONITORING_INTERVALS:
        yield (
            f"monitoringInterval is {shown(resource.get('monitoringInterval'))}; expected one of "
            f"{', '.join(map(str, MONITORING_INTERVALS))} seconds"
        )
        return
    # The role's ARN is unknown during preview; its property dependency is not.
    if not resource.property_dependencies.get("monitoringRoleArn") and not resource.get("monitoringRoleArn"):
        yield "monitoringRoleArn is not set; Enhanced Monitoring needs a role trusted by monitoring.rds.amazonaws.com"


def _exports(instance: Resource) -> set[str]:
    return {str(log_type) for log_type in as_list(instance.get("enabledCloudwatchLogsExports"))}


def _replica_exports_source_logs(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    instances = of_type(resources, RDS_INSTANCE)
    for replica in filter(is_read_replica, instances):
        # A source outside this stack can't be read: nothing to compare with.
        for source in (o for o in instances if o is not replica and refers_to(replica, "replicateSourceDb", o)):
            missing = _exports(source) - _exports(replica)
            if missing:
                yield Violation(
                    f"read replica {_label(replica)} does not export {', '.join(sorted(missing))} logs, which its "
                    f"source {_label(source)} exports; after a failover those logs would stop",
                    replica.urn,
                )


def _parameter(group: Resource, name: str) -> Any:
    for parameter in as_list(group.get("parameters")):
        if isinstance(parameter, Mapping) and parameter.get("name") == name:
            return parameter.get("value")
    return None


def _slow_query_threshold(group: Resource, max_ms: int) -> str | None:
    """Why `group` doesn't log queries slower than `max_ms`, or None when it does."""
    value = _parameter(group, "log_min_duration_statement")
    threshold = as_int(value)
    if threshold is None or not 0 <= threshold <= max_ms:
        return f"sets log_min_duration_statement to {shown(value)}; expected 0-{max_ms} ms (the DB p95 target)"
    return None


def _slow_query_logging(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    max_ms = int(config["maxMs"])
    groups = [g for g in of_type(resources, RDS_PARAMETER_GROUP) if str(g.get("family") or "").startswith("postgres")]
    for instance in of_type(resources, RDS_INSTANCE):
        if not instance.property_dependencies.get("parameterGroupName"):
            name = instance.get("parameterGroupName")
            if instance.get("engine") == "postgres" and (not name or str(name).startswith("default.")):
                yield Violation(
                    f"postgres instance {_label(instance)} uses the default parameter group ({name or 'unset'}), "
                    "which does not log slow queries (log_min_duration_statement = -1)",
                    instance.urn,
                )
                continue
        for group in (g for g in groups if refers_to(instance, "parameterGroupName", g)):
            reason = _slow_query_threshold(group, max_ms)
            if reason:
                label = group.get("name") or group.name
                yield Violation(
                    f"instance {_label(instance)} uses parameter group {label}, which {reason}", instance.urn
                )


_MONITORING = ("CC7.2",)

RULES: list[Rule] = [
    Rule(
        name="rds-enhanced-monitoring",
        description="RDS instances collect Enhanced Monitoring OS metrics (an interval of 1-60 s and a monitoring "
        "role).",
        severity="medium",
        remediation="Set `monitoring_interval` (1, 5, 10, 15, 30 or 60) and `monitoring_role_arn` on "
        "aws.rds.Instance, the role trusted by monitoring.rds.amazonaws.com with the AWS managed policy "
        "service-role/AmazonRDSEnhancedMonitoringRole attached.",
        soc2=_MONITORING,
        resource_types=(RDS_INSTANCE,),
        resource_check=_enhanced_monitoring,
    ),
    Rule(
        name="rds-replica-log-exports",
        description="A read replica exports at least the CloudWatch log types of its source instance.",
        severity="medium",
        remediation="Set `enabled_cloudwatch_logs_exports` on the replica's aws.rds.Instance to include every log "
        "type its source exports (and pre-create the /aws/rds/instance/<id>/<type> log groups in its region).",
        soc2=_MONITORING,
        resource_types=(RDS_INSTANCE,),
        stack_check=_replica_exports_source_logs,
    ),
    Rule(
        name="rds-slow-query-logging",
        description="PostgreSQL instances use a parameter group that logs every statement slower than the DB p95 "
        "target (log_min_duration_statement between 0 and config `maxMs`).",
        severity="low",
        remediation='Add `aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value="<ms>")` '
        "to the instance's aws.rds.ParameterGroup, at most the DB p95 target (observability.dbLatencyP95Ms).",
        soc2=_MONITORING,
        level="advisory",
        # The program's observability.dbLatencyP95Ms, the same in every tier.
        config={"maxMs": 100},
        resource_types=(RDS_INSTANCE, RDS_PARAMETER_GROUP),
        stack_check=_slow_query_logging,
    ),
]
