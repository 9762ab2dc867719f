"""The platform's configuration: one pydantic model tree, tier defaults in one table.

A stack file names its tier and overrides only what differs from that tier's defaults:

    config:
      platform:tier: prod
      platform:database:
        instanceClass: db.r6g.xlarge

`load_platform_config` deep-merges the overrides onto `TIER_DEFAULTS[tier]` and validates the
result, so a misspelled key, a wrong type or a rule broken across fields is reported before a
single resource is registered.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .config_base import PROJECT_NAMESPACE, ConfigModel, LogRetentionDays, Tier
from .config_operations import (
    AccessSettings,
    AlertingSettings,
    BudgetSettings,
    IngressSettings,
    KubernetesSettings,
    ObservabilitySettings,
)

__all__ = ["PROJECT_NAMESPACE", "PlatformConfig", "Tier"]

# The platform documentation's retention per tier; overriding it needs a written reason.
STANDARD_RETENTION_DAYS = {Tier.DEV: 7, Tier.STAGING: 14, Tier.PROD: 30}
AVAILABILITY_TARGET = {Tier.DEV: 99.0, Tier.STAGING: 99.5, Tier.PROD: 99.9}

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAINTENANCE_WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-"
                                 r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$")
_DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_K8S_VERSION = re.compile(r"^1\.\d{2}$")
_SCHEDULE = re.compile(r"^cron\([^)]+\)$")

EKS_LOG_TYPES = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]


class NetworkSettings(ConfigModel):
    vpc_cidr: ipaddress.IPv4Network = Field(description="CIDR block of the VPC; /16 to /20.")
    az_count: int = Field(ge=1, le=6, description="How many availability zones the VPC spans.")
    nat_gateways: Literal["single", "per-az"] = Field(
        description="NAT strategy: one shared NAT gateway, or one per AZ so an AZ outage "
                    "cannot cut the others off.")
    flow_logs: bool = Field(description="Send VPC flow logs to an encrypted CloudWatch log group.")
    flow_log_retention_days: LogRetentionDays = Field(description="Retention of the flow-log group, in days.")
    dr_vpc_cidr: ipaddress.IPv4Network = Field(description=(
        "CIDR of the isolated DR-region VPC that holds the database replica; must not overlap vpcCidr."))

    @field_validator("vpc_cidr", "dr_vpc_cidr")
    @classmethod
    def _cidr_size(cls, value: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not 16 <= value.prefixlen <= 20:
            raise ValueError(f"must be a /16 to /20 block to fit three subnet tiers; got /{value.prefixlen}")
        return value


    @model_validator(mode="after")
    def _vpcs_apart(self) -> NetworkSettings:
        if self.vpc_cidr.overlaps(self.dr_vpc_cidr):
            raise ValueError(f"drVpcCidr {self.dr_vpc_cidr} overlaps vpcCidr {self.vpc_cidr}; peering and "
                             "failover routing need distinct ranges")
        return self


class NodeGroupSettings(ConfigModel):
    capacity_type: Literal["SPOT", "ON_DEMAND"] = Field(
        description="EC2 purchasing option of the managed node groups.")
    instance_types: list[str] = Field(min_length=1, description=(
        "Instance types the node groups may use; several types keep spot capacity available."))
    per_az: bool = Field(description="One node group per AZ (true) or one group across all AZs.")
    min_size: int = Field(ge=0, le=100, description="Minimum nodes of each node group.")
    desired_size: int = Field(ge=0, le=100, description="Desired nodes of each node group at creation.")
    max_size: int = Field(ge=1, le=100, description="Maximum nodes of each node group.")
    business_hours_only: bool = Field(description=(
        "Scale the node groups to zero outside 09:00-17:00 UTC on weekdays."))
    disk_size_gib: int = Field(ge=20, le=1000, description="Root volume size of each node, GiB (gp3).")

    @model_validator(mode="after")
    def _sizes_ordered(self) -> NodeGroupSettings:
        if not self.min_size <= self.desired_size <= self.max_size:
            raise ValueError(f"sizes must satisfy minSize <= desiredSize <= maxSize; got "
                             f"{self.min_size} <= {self.desired_size} <= {self.max_size}")
        return self


class ClusterSettings(ConfigModel):
    kubernetes_version: str = Field(pattern=_K8S_VERSION.pattern,
                                    description="EKS Kubernetes version, e.g. 1.33.")
    public_endpoint: bool = Field(description="Expose the Kubernetes API endpoint publicly.")
    public_access_cidrs: list[ipaddress.IPv4Network] = Field(description=(
        "Networks allowed to reach a public endpoint; ignored when publicEndpoint is false."))
    log_types: list[EKS_LOG_TYPES] = Field(description="Control-plane log types sent to CloudWatch.")
    log_retention_days: LogRetentionDays = Field(description="Retention of control-plane logs, days.")
    min_nodes_after_az_loss: int = Field(ge=0, le=100, description=(
        "Nodes that must remain at minimum size when one AZ is lost."))
    node_groups: NodeGroupSettings = Field(description="Managed node group settings.")


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
    maintenance_window: str = Field(pattern=_MAINTENANCE_WINDOW.pattern, description=(
        "Weekly maintenance window, UTC, as ddd:hh:mm-ddd:hh:mm."))
    backup_window: str = Field(pattern=_DAILY_WINDOW.pattern, description=(
        "Daily automated-backup window, UTC, as hh:mm-hh:mm; must not overlap maintenance."))
    replicate_backups_to_dr: bool = Field(description=(
        "Replicate automated backups to the DR region for point-in-time restore there."))
    log_retention_days: LogRetentionDays = Field(description=(
        "Retention of the exported PostgreSQL and upgrade log groups, days."))
    dr_read_replica: bool = Field(description=(
        "Keep a cross-region read replica in the DR region, promotable on failover (RPO seconds)."))

    @model_validator(mode="after")
    def _windows_apart(self) -> DatabaseSettings:
        if self.max_allocated_storage_gib < self.allocated_storage_gib:
            raise ValueError(f"maxAllocatedStorageGib ({self.max_allocated_storage_gib}) must be >= "
                             f"allocatedStorageGib ({self.allocated_storage_gib})")
        if windows_overlap(self.maintenance_window, self.backup_window):
            raise ValueError(f"backupWindow {self.backup_window!r} overlaps maintenanceWindow "
                             f"{self.maintenance_window!r}; RDS rejects overlapping windows")
        return self


class StorageSettings(ConfigModel):
    log_expiration_days: int = Field(ge=1, le=3653, description="Delete objects in the log bucket after, days.")
    noncurrent_version_expiration_days: int = Field(ge=1, le=3653, description=(
        "Delete non-current object versions after, days."))
    infrequent_access_after_days: int = Field(ge=30, le=3653, description=(
        "Move data-bucket objects to STANDARD_IA after, days (S3 minimum 30)."))
    replicate_to_dr: bool = Field(description="Replicate the data bucket to the DR region.")


class BackupSettings(ConfigModel):
    retention_days: int = Field(ge=1, le=35, description=(
        "How long AWS Backup keeps every recovery point, days (continuous backup allows <= 35)."))
    schedules: dict[str, str] = Field(min_length=1, description=(
        "Snapshot rules: rule name -> AWS cron expression, e.g. {daily: 'cron(0 3 * * ? *)'}."))
    continuous_database_backup: bool = Field(description=(
        "Continuous backup (point-in-time restore) of the database: RPO minutes, not hours."))
    copy_to_dr: bool = Field(description="Copy every recovery point to a vault in the DR region.")
    vault_lock: bool = Field(description="Lock the vaults so recovery points cannot be deleted early.")
    retention_override_reason: str | None = Field(default=None, min_length=10, description=(
        "Why retention differs from the tier standard (7/14/30 days); required to differ."))

    @field_validator("schedules")
    @classmethod
    def _cron(cls, value: dict[str, str]) -> dict[str, str]:
        for rule, expression in value.items():
            if not re.fullmatch(r"[a-z][a-z0-9-]{1,40}", rule):
                raise ValueError(f"rule name {rule!r} must be lowercase kebab-case")
            if not _SCHEDULE.match(expression):
                raise ValueError(f"schedule {rule!r}={expression!r} must be an AWS cron(...) expression")
        return value


class PlatformConfig(ConfigModel):
    tier: Tier = Field(description="Environment tier: dev, staging or prod.")
    owner: str = Field(min_length=1, description="Owning team, written to the `owner` tag.")
    cost_center: str = Field(min_length=1, description="Cost centre, written to the `cost-center` tag.")
    data_classification: Literal["public", "internal", "confidential", "restricted"] = Field(
        description="Highest data class the stack holds, written to the `data-classification` tag.")
    primary_region: str = Field(pattern=_REGION.pattern, description="AWS region of the platform.")
    dr_region: str = Field(pattern=_REGION.pattern, description="AWS region for backup copies and replicas.")
    protect_stateful: bool = Field(description=(
        "Mark databases, buckets, vaults and keys `protect` so Pulumi refuses to delete them."))
    network: NetworkSettings = Field(description="VPC, subnets, NAT and flow logs.")
    cluster: ClusterSettings = Field(description="EKS control plane and node groups.")
    database: DatabaseSettings = Field(description="RDS PostgreSQL instance.")
    storage: StorageSettings = Field(description="S3 buckets for application data and logs.")
    backup: BackupSettings = Field(description="AWS Backup vaults and plan.")
    ingress: IngressSettings = Field(description="The public load balancer in front of the cluster's ingress.")
    alerting: AlertingSettings = Field(description="SNS topics per severity and where they deliver.")
    observability: ObservabilitySettings = Field(description="Alarms, dashboards, log levels and retention.")
    access: AccessSettings = Field(description="IAM roles for people and the pipeline.")
    budget: BudgetSettings = Field(description="Monthly AWS Budget of the stack.")
    kubernetes: KubernetesSettings = Field(description="Kubernetes baseline and the monitoring stack.")

    @property
    def name_prefix(self) -> str:
        return f"{PROJECT_NAMESPACE}-{self.tier.value}"

    @property
    def standard_retention_days(self) -> int:
        return STANDARD_RETENTION_DAYS[self.tier]

    @property
    def availability_target(self) -> float:
        return AVAILABILITY_TARGET[self.tier]

    @property
    def uses_dr_region(self) -> bool:
        return (self.backup.copy_to_dr or self.storage.replicate_to_dr
                or self.database.replicate_backups_to_dr or self.database.dr_read_replica)

    @model_validator(mode="after")
    def _regions_differ(self) -> PlatformConfig:
        if self.dr_region == self.primary_region:
            raise ValueError(f"drRegion must differ from primaryRegion; both are {self.dr_region!r}")
        return self

    @model_validator(mode="after")
    def _retention_matches_tier(self) -> PlatformConfig:
        standard = self.standard_retention_days
        drifted = {key: days for key, days in (("backup.retentionDays", self.backup.retention_days),
                                               ("database.backupRetentionDays",
                                                self.database.backup_retention_days))
                   if days != standard}
        if drifted and not self.backup.retention_override_reason:
            found = ", ".join(f"{key}={days}" for key, days in drifted.items())
            raise ValueError(f"the {self.tier.value} tier keeps backups {standard} days but {found}; "
                             "set backup.retentionOverrideReason to explain the difference")
        return self

    @model_validator(mode="after")
    def _prod_is_highly_available(self) -> PlatformConfig:
        if self.tier is not Tier.PROD:
            return self
        rules = [
            (self.network.az_count >= 3, f"network.azCount must be >= 3 in prod; got {self.network.az_count}"),
            (self.network.nat_gateways == "per-az", "network.natGateways must be 'per-az' in prod"),
            (self.database.multi_az, "database.multiAz must be true in prod"),
            (self.backup.continuous_database_backup,
             "backup.continuousDatabaseBackup must be true in prod (RPO 15 min)"),
            (self.backup.copy_to_dr, "backup.copyToDr must be true in prod"),
            (not self.cluster.node_groups.business_hours_only,
             "cluster.nodeGroups.businessHoursOnly must be false in prod"),
            (self.protect_stateful, "protectStateful must be true in prod"),
            ("critical" in self.alerting.severities, "alerting.severities must include 'critical' in prod"),
            (self.access.admin_requires_mfa, "access.adminRequiresMfa must be true in prod"),
            (self.kubernetes.platform_disruption_budgets,
             "kubernetes.platformDisruptionBudgets must be true in prod"),
        ]
        broken = [message for ok, message in rules if not ok]
        if broken:
            raise ValueError("; ".join(broken))
        return self

    @model_validator(mode="after")
    def _nodes_survive_az_loss(self) -> PlatformConfig:
        groups = self.cluster.node_groups
        azs = self.network.az_count
        surviving = groups.min_size * (azs - 1) if groups.per_az else groups.min_size
        if (groups.per_az and azs < 2) or surviving < self.cluster.min_nodes_after_az_loss:
            raise ValueError(
                f"cluster.minNodesAfterAzLoss is {self.cluster.min_nodes_after_az_loss} but losing one of "
                f"{azs} AZs leaves {surviving} node(s) at minimum size; raise cluster.nodeGroups.minSize "
                "or set nodeGroups.perAz")
        return self


def windows_overlap(maintenance: str, daily: str) -> bool:
    """True when a daily window overlaps a weekly one, on any day of the week."""
    week = 7 * 24 * 60
    m = _MAINTENANCE_WINDOW.match(maintenance)
    d = _DAILY_WINDOW.match(daily)
    if not (m and d):
        return False
    start = _WEEKDAYS.index(m[1]) * 1440 + int(m[2]) * 60 + int(m[3])
    end = _WEEKDAYS.index(m[4]) * 1440 + int(m[5]) * 60 + int(m[6])
    weekly = _minute_spans(start, end, week)
    d_start, d_end = int(d[1]) * 60 + int(d[2]), int(d[3]) * 60 + int(d[4])
    length = (d_end - d_start) % 1440 or 1440
    for day in range(7):
        begin = day * 1440 + d_start
        for span_start, span_end in _minute_spans(begin, begin + length, week):
            if any(a < span_end and span_start < b for a, b in weekly):
                return True
    return False


def _minute_spans(start: int, end: int, period: int) -> list[tuple[int, int]]:
    """A window as half-open minute spans within one period, split where it wraps."""
    start, end = start % period, end % period
    return [(start, end)] if start < end else [(start, period), (0, end)]
