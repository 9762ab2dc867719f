"""The database's cross-region read replica: failover promotes it instead of restoring from a backup.

Its resources are children of the Database component (same names and parents as before this module existed, so
their URNs are unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..config.model import PlatformConfig
from .database_parameters import (
    CA_CERTIFICATE,
    LOG_EXPORTS,
    PERFORMANCE_INSIGHTS_RETENTION_DAYS,
    instance_identifier,
    log_groups,
    parameter_group,
)


@dataclass(frozen=True)
class DrPlacement:
    """Where the replica lives: the DR region's provider, key and database network."""

    provider: aws.Provider
    key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: dict[str, pulumi.Input[str]]  # AZ name -> DR database subnet id


def dr_replica(
    parent: pulumi.Resource,
    name: str,
    config: PlatformConfig,
    dr: DrPlacement,
    source_arn: pulumi.Input[str],
    monitoring_role_arn: pulumi.Input[str] | None,
) -> aws.rds.Instance:
    settings = config.database
    in_dr = pulumi.ResourceOptions(parent=parent, provider=dr.provider)
    subnet_group = aws.rds.SubnetGroup(
        f"{name}-dr-subnets",
        description=f"{config.name_prefix} DR database subnets",
        subnet_ids=[dr.subnet_ids[az] for az in sorted(dr.subnet_ids)],
        opts=in_dr,
    )
    # No ingress until a failover brings clients into the DR region.
    security_group = aws.ec2.SecurityGroup(
        f"{name}-dr-sg", description=f"{config.name_prefix} PostgreSQL replica", vpc_id=dr.vpc_id, opts=in_dr
    )
    parameters = parameter_group(parent, f"{name}-dr", config, provider=dr.provider)
    identifier = f"{instance_identifier(config)}-dr"
    # RDS exports the replica's logs in the DR region (/aws/rds/instance/<id>/<type>): pre-created there with the
    # DR key, like the primary's, or RDS would create them unencrypted and kept forever.
    groups = log_groups(parent, f"{name}-dr", identifier, dr.key_arn, settings.log_retention_days, provider=dr.provider)
    insights = settings.performance_insights
    interval = settings.monitoring_interval_seconds
    return aws.rds.Instance(
        f"{name}-replica",
        identifier=identifier,
        replicate_source_db=source_arn,  # cross-region replicas name their source by ARN
        instance_class=settings.instance_class,
        storage_type="gp3",
        storage_encrypted=True,
        kms_key_id=dr.key_arn,
        max_allocated_storage=settings.max_allocated_storage_gib,
        db_subnet_group_name=subnet_group.name,
        vpc_security_group_ids=[security_group.id],
        parameter_group_name=parameters.name,
        publicly_accessible=False,
        # Backups on the replica make a promoted primary recoverable from its first minute.
        backup_retention_period=settings.backup_retention_days,
        backup_window=settings.backup_window,
        maintenance_window=settings.maintenance_window,
        deletion_protection=settings.deletion_protection,
        skip_final_snapshot=True,  # a replica's data lives on in its source
        copy_tags_to_snapshot=True,
        auto_minor_version_upgrade=True,
        iam_database_authentication_enabled=True,
        ca_cert_identifier=CA_CERTIFICATE,
        performance_insights_enabled=insights,
        performance_insights_kms_key_id=dr.key_arn if insights else None,
        performance_insights_retention_period=PERFORMANCE_INSIGHTS_RETENTION_DAYS if insights else None,
        # The same log types as the primary: after a failover the promoted replica is audited like the primary.
        enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
        monitoring_interval=interval,
        monitoring_role_arn=monitoring_role_arn if interval else None,
        # AWS Backup selects only the primary, so the replica keeps managing its own backup settings.
        # A fixed identifier: unless protected, a replacement must delete the old replica first.
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=dr.provider,
            protect=config.protect_stateful,
            depends_on=groups,
            delete_before_replace=not config.protect_stateful,
        ),
    )
