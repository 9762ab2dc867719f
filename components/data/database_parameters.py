"""What the primary and the DR read replica share: identifiers, TLS and Performance Insights settings, PostgreSQL
logging (the parameter group), the exported log groups and the Enhanced Monitoring role. Shared, so both
instances log and report the same way and a promoted replica behaves like the primary it replaces.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..config.model import PlatformConfig
from ..iam import partition, service_trust

CA_CERTIFICATE = "rds-ca-rsa2048-g1"
PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7  # the free retention
LOG_EXPORTS = ("postgresql", "upgrade")
# The AWS managed policy Enhanced Monitoring's role needs (a service-role policy, hence the path):
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSEnhancedMonitoringRole.html
ENHANCED_MONITORING_POLICY = "policy/service-role/AmazonRDSEnhancedMonitoringRole"


def postgres_parameters(config: PlatformConfig) -> dict[str, str]:
    """The parameter group's settings, all dynamic in PostgreSQL 16 so they apply without a reboot
    (https://www.postgresql.org/docs/16/runtime-config-logging.html)."""
    return {
        "rds.force_ssl": "1",
        # Every statement slower than the database p95 target is logged with its duration.
        "log_min_duration_statement": str(config.observability.db_latency_p95_ms),
        "log_connections": "1",
        "log_statement": config.database.log_statement,
        # A wait longer than deadlock_timeout (1 s) is logged: lock contention shows up before it is an outage.
        "log_lock_waits": "1",
    }


def parameter_group(
    parent: pulumi.Resource, name: str, config: PlatformConfig, provider: aws.Provider | None = None
) -> aws.rds.ParameterGroup:
    major = config.database.engine_version.split(".")[0]
    return aws.rds.ParameterGroup(
        f"{name}-params",
        family=f"postgres{major}",
        description=f"{config.name_prefix} PostgreSQL {major}: TLS only, slow-query logging",
        parameters=[
            aws.rds.ParameterGroupParameterArgs(name=key, value=value, apply_method="immediate")
            for key, value in postgres_parameters(config).items()
        ],
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )


def log_groups(
    parent: pulumi.Resource,
    name: str,
    identifier: str,
    key_arn: pulumi.Input[str],
    retention_days: int,
    provider: aws.Provider | None = None,
) -> list[aws.cloudwatch.LogGroup]:
    """The groups RDS exports an instance's logs to, in the instance's region.

    Created before the instance: otherwise RDS creates them itself, unencrypted and kept forever. Fixed names
    (RDS writes to exactly these): a replacement must delete the old group first.
    """
    return [
        aws.cloudwatch.LogGroup(
            f"{name}-logs-{export}",
            name=f"/aws/rds/instance/{identifier}/{export}",
            kms_key_id=key_arn,
            retention_in_days=retention_days,
            opts=pulumi.ResourceOptions(parent=parent, provider=provider, delete_before_replace=True),
        )
        for export in LOG_EXPORTS
    ]


def monitoring_role_arn(parent: pulumi.Resource, name: str, config: PlatformConfig) -> pulumi.Output[str] | None:
    """The ARN of the role Enhanced Monitoring publishes OS metrics with; None when the tier turns it off.

    The ARN carries the policy attachment as a dependency, so no instance starts publishing before the role may.

    IAM is global, so the one role serves the primary and the DR replica. aws:SourceAccount keeps other accounts'
    instances from using it (confused deputy):
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
    """
    if config.database.monitoring_interval_seconds == 0:
        return None  # CreateDBInstance refuses a MonitoringRoleArn with MonitoringInterval 0
    child = pulumi.ResourceOptions(parent=parent)
    account = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=parent)).account_id
    trust = service_trust("monitoring.rds.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}})
    role = aws.iam.Role(f"{name}-monitoring-role", assume_role_policy=trust, opts=child)
    policy_arn = f"arn:{partition(config.primary_region)}:iam::aws:{ENHANCED_MONITORING_POLICY}"
    attachment = aws.iam.RolePolicyAttachment(
        f"{name}-monitoring-policy", role=role.name, policy_arn=policy_arn, opts=child
    )
    return pulumi.Output.all(role.arn, attachment.id).apply(lambda values: str(values[0]))


def instance_identifier(config: PlatformConfig) -> str:
    """The primary instance's fixed identifier (the DR replica adds `-dr`)."""
    return f"{config.name_prefix}-db"
