"""The platform's PostgreSQL database: one RDS instance reachable only from the private app subnets."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from platform_core.tiers import Tier

from ..config.model import PlatformConfig
from .database_parameters import (
    CA_CERTIFICATE,
    LOG_EXPORTS,
    PERFORMANCE_INSIGHTS_RETENTION_DAYS,
    instance_identifier,
    log_groups,
    monitoring_role_arn,
    parameter_group,
)
from .database_replica import DrPlacement, dr_replica

POSTGRES_PORT = 5432
DB_NAME = "app"
MASTER_USERNAME = "platform_admin"
FINAL_SNAPSHOT_SUFFIX_BYTES = 4  # 8 hex characters
# Automated-backup settings AWS Backup owns once it takes continuous backups of the instance (see _instance).
OWNED_BY_AWS_BACKUP = ["backupRetentionPeriod", "backupWindow"]
# RDS snapshot identifiers: 1-255 letters, digits and hyphens, a letter first, no "--", no trailing hyphen
# (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html, FinalDBSnapshotIdentifier).
SNAPSHOT_IDENTIFIER = re.compile(r"^(?=.{1,255}$)[A-Za-z](?:-?[A-Za-z0-9])*$")


def final_snapshot_identifier(instance_identifier: str, suffix: str) -> str:
    """The name of an instance's final snapshot: its identifier, `-final-` and the random suffix."""
    name = f"{instance_identifier}-final-{suffix}"
    if not SNAPSHOT_IDENTIFIER.match(name):
        raise ValueError(
            f"final snapshot identifier {name!r} breaks the RDS rules: 1-255 letters, digits and "
            "hyphens, a letter first, no two hyphens in a row, no hyphen at the end"
        )
    return name


@dataclass(frozen=True)
class DatabaseArgs:
    config: PlatformConfig
    vpc_id: pulumi.Input[str]
    subnet_ids: dict[str, pulumi.Input[str]]  # AZ name -> database subnet id
    client_cidrs: list[str]
    data_key_arn: pulumi.Input[str]
    secrets_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]
    dr_key_arn: pulumi.Input[str] | None
    dr_provider: aws.Provider | None
    dr_vpc_id: pulumi.Input[str] | None = None
    dr_subnet_ids: dict[str, pulumi.Input[str]] | None = None  # AZ name -> DR database subnet id


class Database(pulumi.ComponentResource):
    """RDS PostgreSQL with TLS enforced, KMS encryption and a master password managed by RDS."""

    instance: aws.rds.Instance
    arn: pulumi.Output[str]
    identifier: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    address: pulumi.Output[str]
    master_secret_arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:database:Database", name, None, opts)
        settings = args.config.database

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            description=f"{args.config.name_prefix} database subnets",
            subnet_ids=[args.subnet_ids[az] for az in sorted(args.subnet_ids)],
            opts=pulumi.ResourceOptions(parent=self),
        )
        security_group = self._security_group(name, args)
        parameters = parameter_group(self, name, args.config)
        groups = log_groups(
            self, name, instance_identifier(args.config), args.logs_key_arn, settings.log_retention_days
        )
        monitoring_role = monitoring_role_arn(self, name, args.config)
        self.instance = self._instance(name, args, subnet_group, security_group, parameters, groups, monitoring_role)

        if settings.replicate_backups_to_dr:
            if args.dr_provider is None or args.dr_key_arn is None:
                raise ValueError("database.replicateBackupsToDr needs the DR provider and the DR key")
            aws.rds.InstanceAutomatedBackupsReplication(
                f"{name}-backups-dr",
                source_db_instance_arn=self.instance.arn,
                kms_key_id=args.dr_key_arn,
                retention_period=settings.backup_retention_days,
                # One replication per source instance and region: a replacement must stop the old one first.
                opts=pulumi.ResourceOptions(parent=self, provider=args.dr_provider, delete_before_replace=True),
            )

        self.replica = (
            dr_replica(self, name, args.config, _dr_placement(args), self.instance.arn, monitoring_role)
            if settings.dr_read_replica
            else None
        )
        self.replica_identifier = self.replica.identifier if self.replica else None

        self.arn = self.instance.arn
        self.identifier = self.instance.identifier
        self.endpoint = self.instance.endpoint
        self.address = self.instance.address
        self.master_secret_arn = self.instance.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn if secrets else None
        )
        self.security_group_id = security_group.id

        self.register_outputs(
            {
                "arn": self.arn,
                "identifier": self.identifier,
                "endpoint": self.endpoint,
                "address": self.address,
                "master_secret_arn": self.master_secret_arn,
                "security_group_id": self.security_group_id,
                "replica_identifier": self.replica_identifier,
            }
        )

    def _security_group(self, name: str, args: DatabaseArgs) -> aws.ec2.SecurityGroup:
        # No egress rule: RDS never opens connections, and the provider removes AWS's default allow-all.
        security_group = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description=f"{args.config.name_prefix} PostgreSQL: from the private app subnets only",
            vpc_id=args.vpc_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for cidr in args.client_cidrs:
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-ingress-{_resource_safe(cidr)}",
                security_group_id=security_group.id,
                description=f"PostgreSQL from {cidr}",
                ip_protocol="tcp",
                from_port=POSTGRES_PORT,
                to_port=POSTGRES_PORT,
                cidr_ipv4=cidr,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return security_group

    def _instance(
        self,
        name: str,
        args: DatabaseArgs,
        subnet_group: aws.rds.SubnetGroup,
        security_group: aws.ec2.SecurityGroup,
        parameters: aws.rds.ParameterGroup,
        groups: list[aws.cloudwatch.LogGroup],
        monitoring_role: pulumi.Output[str] | None,
    ) -> aws.rds.Instance:
        config = args.config
        settings = config.database
        insights = settings.performance_insights
        identifier = instance_identifier(config)
        final_snapshot = (
            None
            if settings.skip_final_snapshot
            else self._final_snapshot_identifier(
                name,
                identifier,
                {
                    "identifier": identifier,
                    "kmsKeyId": args.data_key_arn,
                    "dbName": DB_NAME,
                    "username": MASTER_USERNAME,
                    "storageEncrypted": "true",
                },
            )
        )
        # With continuous backup, AWS Backup owns the instance's automated backups (RDS's "continuous backups",
        # https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html, Amazon RDS): the
        # continuous rule's retention becomes backupRetentionPeriod, changed only through the plan
        # (https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html),
        # and ModifyDBInstance refuses any other value ("associated with an AWS Backup resource ... specify it only
        # with the current value"); AWS Backup also manages their backup window. Both values below therefore
        # apply at creation only: managing them again would fight AWS Backup on every deploy.
        owned_by_backup = OWNED_BY_AWS_BACKUP if config.backup.continuous_database_backup else None
        return aws.rds.Instance(
            f"{name}-instance",
            # Fixed, not auto-named: operator tools find the instance by this identifier.
            identifier=identifier,
            engine="postgres",
            engine_version=settings.engine_version,
            auto_minor_version_upgrade=True,
            instance_class=settings.instance_class,
            allocated_storage=settings.allocated_storage_gib,
            max_allocated_storage=settings.max_allocated_storage_gib,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.data_key_arn,
            db_name=DB_NAME,
            port=POSTGRES_PORT,
            username=MASTER_USERNAME,
            # RDS generates and rotates the password in Secrets Manager, so it never enters the state.
            manage_master_user_password=True,
            master_user_secret_kms_key_id=args.secrets_key_arn,
            iam_database_authentication_enabled=True,
            ca_cert_identifier=CA_CERTIFICATE,
            multi_az=settings.multi_az,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[security_group.id],
            parameter_group_name=parameters.name,
            publicly_accessible=False,
            deletion_protection=settings.deletion_protection,
            skip_final_snapshot=settings.skip_final_snapshot,
            final_snapshot_identifier=final_snapshot,
            copy_tags_to_snapshot=True,
            backup_retention_period=settings.backup_retention_days,
            backup_window=settings.backup_window,
            maintenance_window=settings.maintenance_window,
            performance_insights_enabled=insights,
            performance_insights_kms_key_id=args.data_key_arn if insights else None,
            performance_insights_retention_period=PERFORMANCE_INSIGHTS_RETENTION_DAYS if insights else None,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            # Enhanced Monitoring (OS metrics); valid intervals 0, 1, 5, 10, 15, 30, 60 and a role unless 0
            # (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
            monitoring_interval=settings.monitoring_interval_seconds,
            monitoring_role_arn=monitoring_role,
            # Prod changes wait for the maintenance window; lower tiers take them at once.
            apply_immediately=config.tier is not Tier.PROD,
            # A fixed identifier: unless protected, a replacement must delete the old instance (taking its final
            # snapshot) before the new one can take the name.
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=config.protect_stateful,
                depends_on=groups,
                delete_before_replace=not config.protect_stateful,
                ignore_changes=owned_by_backup,
            ),
        )

    def _final_snapshot_identifier(
        self, name: str, identifier: str, replaced_with: dict[str, pulumi.Input[str]]
    ) -> pulumi.Output[str]:
        """`<identifier>-final-<hex>`: a fixed name would collide ("DBSnapshotAlreadyExists") with the final snapshot
        of an earlier instance of the same identifier, after a replacement or a destroy and re-create.

        The suffix lives in the state, so previews see the same name. Its keepers are the instance identifier and
        the inputs whose change replaces the instance, so a replacement gets a fresh suffix; changing the suffix
        alone is an in-place update of a value RDS only reads at deletion. `random` is not in Pulumi.yaml's
        `pulumi:disable-default-providers` (aws, kubernetes) and has no region or credentials to pin, so the
        default provider is the right one.
        """
        # Checked here, with the longest suffix, so a rule break stops the preview rather than a later deletion.
        final_snapshot_identifier(identifier, "f" * 2 * FINAL_SNAPSHOT_SUFFIX_BYTES)
        suffix = random.RandomId(
            f"{name}-final-snapshot-suffix",
            byte_length=FINAL_SNAPSHOT_SUFFIX_BYTES,
            keepers=replaced_with,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return pulumi.Output.concat(f"{identifier}-final-", suffix.hex)  # hex: lowercase 0-9a-f only


def _dr_placement(args: DatabaseArgs) -> DrPlacement:
    if args.dr_provider is None or args.dr_key_arn is None or not args.dr_subnet_ids or args.dr_vpc_id is None:
        raise ValueError("database.drReadReplica needs the DR provider, key and network")
    return DrPlacement(args.dr_provider, args.dr_key_arn, args.dr_vpc_id, args.dr_subnet_ids)


def _resource_safe(cidr: str) -> str:
    """A CIDR as a resource-name fragment: 10.30.16.0/20 -> 10-30-16-0-20."""
    return re.sub(r"[^0-9A-Za-z]+", "-", cidr).strip("-")
