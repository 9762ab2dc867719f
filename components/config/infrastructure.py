"""Config of the infrastructure layer: network, cluster, database, storage and backups."""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platform_core.tiers import FACTS, Tier

from .base import ConfigModel, LogRetentionDays
from .windows import DAILY_WINDOW, MAINTENANCE_WINDOW, windows_overlap

# EKS versions and the last day of their standard support
# (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Past that day a cluster with
# upgradePolicy STANDARD is upgraded by AWS, and the program would then try to downgrade it: move on before.
EKS_STANDARD_SUPPORT_END = {"1.35": datetime.date(2027, 3, 27)}

_K8S_VERSION = re.compile(r"^1\.\d{2}$")
_SCHEDULE = re.compile(r"^cron\([^)]+\)$")
# The tiers' standard retentions, dev/staging/prod, as the override's description names them.
_STANDARD_RETENTIONS = "/".join(str(FACTS[tier].backup_retention_days) for tier in Tier)

EKS_LOG_TYPES = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]


class NetworkSettings(ConfigModel):
    vpc_cidr: ipaddress.IPv4Network = Field(description="CIDR block of the VPC; /16 to /20.")
    az_count: int = Field(ge=1, le=6, description="How many availability zones the VPC spans.")
    nat_gateways: Literal["single", "per-az"] = Field(
        description="NAT strategy: one shared NAT gateway, or one per AZ so an AZ outage cannot cut the others off."
    )
    flow_logs: bool = Field(
        description="Send every VPC's flow logs (the DR VPC's too, in its region) to an encrypted CloudWatch log group."
    )
    flow_log_retention_days: LogRetentionDays = Field(description="Retention of the flow-log group, in days.")
    dr_vpc_cidr: ipaddress.IPv4Network = Field(
        description=("CIDR of the isolated DR-region VPC that holds the database replica; must not overlap vpcCidr.")
    )

    @field_validator("vpc_cidr", "dr_vpc_cidr")
    @classmethod
    def _cidr_size(cls, value: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not 16 <= value.prefixlen <= 20:
            raise ValueError(f"must be a /16 to /20 block to fit three subnet tiers; got /{value.prefixlen}")
        return value

    @model_validator(mode="after")
    def _vpcs_apart(self) -> NetworkSettings:
        if self.vpc_cidr.overlaps(self.dr_vpc_cidr):
            raise ValueError(
                f"drVpcCidr {self.dr_vpc_cidr} overlaps vpcCidr {self.vpc_cidr}; peering and "
                "failover routing need distinct ranges"
            )
        return self


class NodeGroupSettings(ConfigModel):
    capacity_type: Literal["SPOT", "ON_DEMAND"] = Field(description="EC2 purchasing option of the managed node groups.")
    instance_types: list[str] = Field(
        min_length=1,
        description=("Instance types the node groups may use; several types keep spot capacity available."),
    )
    per_az: bool = Field(description="One node group per AZ (true) or one group across all AZs.")
    min_size: int = Field(ge=0, le=100, description="Minimum nodes of each node group.")
    desired_size: int = Field(ge=0, le=100, description="Desired nodes of each node group at creation.")
    max_size: int = Field(ge=1, le=100, description="Maximum nodes of each node group.")
    business_hours_only: bool = Field(
        description=("Scale the node groups down to offHoursMinSize outside 09:00-17:00 UTC on weekdays.")
    )
    off_hours_min_size: int = Field(
        default=0,
        ge=0,
        le=100,
        description=(
            "Nodes each node group keeps outside business hours (businessHoursOnly): a deploy off-hours still "
            "has a node for Helm's waits and the monitoring stack."
        ),
    )
    disk_size_gib: int = Field(ge=20, le=1000, description="Root volume size of each node, GiB (gp3).")
    metadata_hop_limit: Literal[1, 2] = Field(
        default=1,
        description=(
            "IMDSv2 PUT response hop limit of the nodes. 1 keeps pods (one hop away) from the node's instance role: "
            "workloads get AWS credentials through IRSA. 2 only for a workload that must read IMDS from a pod, "
            "with metadataHopLimitReason."
        ),
    )
    metadata_hop_limit_reason: str | None = Field(
        default=None,
        min_length=10,
        description="Why a workload needs metadataHopLimit 2 (which workload, why IRSA does not do); required then.",
    )

    @model_validator(mode="after")
    def _hop_limit_explained(self) -> NodeGroupSettings:
        if self.metadata_hop_limit == 2 and not self.metadata_hop_limit_reason:
            raise ValueError(
                "metadataHopLimit is 2 but metadataHopLimitReason is not set: hop limit 2 lets every pod reach the "
                "node's instance role through IMDS; set cluster.nodeGroups.metadataHopLimitReason to the workload "
                "that needs it and why, or set cluster.nodeGroups.metadataHopLimit 1"
            )
        return self

    @model_validator(mode="after")
    def _sizes_ordered(self) -> NodeGroupSettings:
        if not self.min_size <= self.desired_size <= self.max_size:
            raise ValueError(
                f"sizes must satisfy minSize <= desiredSize <= maxSize; got "
                f"{self.min_size} <= {self.desired_size} <= {self.max_size}"
            )
        if self.business_hours_only and not 1 <= self.off_hours_min_size <= self.min_size:
            raise ValueError(
                f"offHoursMinSize is {self.off_hours_min_size}; with businessHoursOnly it must be 1 to "
                f"minSize ({self.min_size}): with no node off-hours, a deploy's Helm release waits "
                "for pods that cannot schedule until it times out"
            )
        return self


class ClusterSettings(ConfigModel):
    kubernetes_version: str = Field(
        pattern=_K8S_VERSION.pattern,
        description=("EKS Kubernetes version; one of the versions in the tier table's standard-support calendar."),
    )
    public_endpoint: bool = Field(description="Expose the Kubernetes API endpoint publicly.")
    public_access_cidrs: list[ipaddress.IPv4Network] = Field(
        description=(
            "Networks allowed to reach a public endpoint (prod: the deploy runners' static egress ranges, /24 or "
            "narrower); required when publicEndpoint is true."
        )
    )
    log_types: list[EKS_LOG_TYPES] = Field(description="Control-plane log types sent to CloudWatch.")
    log_retention_days: LogRetentionDays = Field(description="Retention of control-plane logs, days.")
    min_nodes_after_az_loss: int = Field(
        ge=0, le=100, description=("Nodes that must remain at minimum size when one AZ is lost.")
    )
    node_groups: NodeGroupSettings = Field(description="Managed node group settings.")

    @field_validator("kubernetes_version")
    @classmethod
    def _standard_support(cls, value: str) -> str:
        if value not in EKS_STANDARD_SUPPORT_END:
            known = ", ".join(f"{v} (until {end})" for v, end in EKS_STANDARD_SUPPORT_END.items())
            raise ValueError(
                f"EKS version {value} is not in the standard-support calendar of the tier table; allowed: {known}"
            )
        return value

    @model_validator(mode="after")
    def _public_endpoint_is_fenced(self) -> ClusterSettings:
        if self.public_endpoint and not self.public_access_cidrs:
            raise ValueError(
                "publicAccessCidrs is empty but publicEndpoint is true: EKS would open the endpoint "
                "to 0.0.0.0/0; list the networks that may reach it (the deploy runners' egress) with "
                "`pulumi config set --path 'cluster.publicAccessCidrs[0]' <cidr>`, or set "
                "cluster.publicEndpoint false"
            )
        return self


class DatabaseSettings(ConfigModel):
    engine_version: str = Field(pattern=r"^\d{2}(\.\d+)?$", description="PostgreSQL engine version.")
    instance_class: str = Field(pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$", description="RDS instance class.")
    allocated_storage_gib: int = Field(ge=20, le=65536, description="Initial gp3 storage, GiB.")
    max_allocated_storage_gib: int = Field(ge=20, le=65536, description="Storage autoscaling ceiling, GiB.")
    multi_az: bool = Field(description="Synchronous standby in a second AZ.")
    deletion_protection: bool = Field(description="Refuse deletion of the instance.")
    skip_final_snapshot: bool = Field(description="Skip the final snapshot when the instance is deleted.")
    performance_insights: bool = Field(description="Enable Performance Insights (KMS-encrypted).")
    backup_retention_days: int = Field(ge=1, le=35, description="Automated backup retention, days.")
    maintenance_window: str = Field(
        pattern=MAINTENANCE_WINDOW.pattern, description=("Weekly maintenance window, UTC, as ddd:hh:mm-ddd:hh:mm.")
    )
    backup_window: str = Field(
        pattern=DAILY_WINDOW.pattern,
        description=("Daily automated-backup window, UTC, as hh:mm-hh:mm; must not overlap maintenance."),
    )
    replicate_backups_to_dr: bool = Field(
        description=("Replicate automated backups to the DR region for point-in-time restore there.")
    )
    log_retention_days: LogRetentionDays = Field(
        description=("Retention of the exported PostgreSQL and upgrade log groups, days.")
    )
    dr_read_replica: bool = Field(
        description=("Keep a cross-region read replica in the DR region, promotable on failover (RPO seconds).")
    )
    # Valid values: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
    monitoring_interval_seconds: Literal[0, 1, 5, 10, 15, 30, 60] = Field(
        description=(
            "Enhanced Monitoring (OS metrics) interval of the primary and the DR replica, seconds; 0 turns it off."
        )
    )
    # PostgreSQL's values: https://www.postgresql.org/docs/current/runtime-config-logging.html (log_statement).
    log_statement: Literal["none", "ddl", "mod", "all"] = Field(
        description="Statements PostgreSQL logs regardless of duration (log_statement); `all` logs every query."
    )

    @model_validator(mode="after")
    def _windows_apart(self) -> DatabaseSettings:
        if self.max_allocated_storage_gib < self.allocated_storage_gib:
            raise ValueError(
                f"maxAllocatedStorageGib ({self.max_allocated_storage_gib}) must be >= "
                f"allocatedStorageGib ({self.allocated_storage_gib})"
            )
        if windows_overlap(self.maintenance_window, self.backup_window):
            raise ValueError(
                f"backupWindow {self.backup_window!r} overlaps maintenanceWindow "
                f"{self.maintenance_window!r}; RDS rejects overlapping windows"
            )
        return self


class StorageSettings(ConfigModel):
    log_expiration_days: int = Field(ge=1, le=3653, description="Delete objects in the log bucket after, days.")
    noncurrent_version_expiration_days: int = Field(
        ge=1, le=3653, description=("Delete non-current object versions after, days.")
    )
    infrequent_access_after_days: int = Field(
        ge=30, le=3653, description=("Move data-bucket objects to STANDARD_IA after, days (S3 minimum 30).")
    )
    replicate_to_dr: bool = Field(description="Replicate the data bucket to the DR region.")


class BackupSettings(ConfigModel):
    retention_days: int = Field(
        ge=1,
        le=35,
        description=("How long AWS Backup keeps every recovery point, days (continuous backup allows <= 35)."),
    )
    schedules: dict[str, str] = Field(
        min_length=1,
        description=("Snapshot rules: rule name -> AWS cron expression, e.g. {nightly: 'cron(30 1 * * ? *)'}."),
    )
    continuous_database_backup: bool = Field(
        description=("Continuous backup (point-in-time restore) of the database: RPO minutes, not hours.")
    )
    copy_to_dr: bool = Field(description="Copy every recovery point to a vault in the DR region.")
    vault_lock: bool = Field(description="Lock the vaults so recovery points cannot be deleted early.")
    retention_override_reason: str | None = Field(
        default=None,
        min_length=10,
        description=f"Why retention differs from the tier standard ({_STANDARD_RETENTIONS} days); required to differ.",
    )

    @field_validator("schedules")
    @classmethod
    def _cron(cls, value: dict[str, str]) -> dict[str, str]:
        for rule, expression in value.items():
            if not re.fullmatch(r"[a-z][a-z0-9-]{1,40}", rule):
                raise ValueError(f"rule name {rule!r} must be lowercase kebab-case")
            if not _SCHEDULE.match(expression):
                raise ValueError(f"schedule {rule!r}={expression!r} must be an AWS cron(...) expression")
        return value


# One path segment of an ECR repository name (the stack's prefix and a slash come before it); lowercase only
# (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html, repositoryName).
_REPOSITORY_SEGMENT = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")


class RegistrySettings(ConfigModel):
    repositories: list[str] = Field(
        min_length=1,
        description=(
            "ECR repositories for the application images, each created as `platform-<tier>/<name>` with scan on "
            "push, immutable tags, the data KMS key and a lifecycle policy."
        ),
    )
    untagged_expiry_days: int = Field(
        ge=1, description="Untagged images (layers left behind by a re-push or a failed build) expire after this."
    )
    keep_tagged_images: int = Field(
        ge=1,
        description=(
            "Tagged images kept per repository; older ones expire. Keep more than any release still running or "
            "rolled back to can be behind: a node cannot pull an expired image."
        ),
    )

    @field_validator("repositories")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        bad = [name for name in value if not _REPOSITORY_SEGMENT.match(name)]
        if bad:
            raise ValueError(
                f"repository names are lowercase letters and digits separated by single . _ or -; got {bad}"
            )
        if len(set(value)) != len(value):
            raise ValueError(f"repository names must be unique; got {value}")
        return value
