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

import datetime
import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platform_core.aws_cron import minutes_of_day

from .config_base import PROJECT_NAMESPACE, ConfigModel, LogRetentionDays, TagValue, Tier
from .config_operations import (
    AccessSettings,
    AlertingSettings,
    BudgetSettings,
    IngressSettings,
    KubernetesSettings,
    ObservabilitySettings,
)

__all__ = ["PROJECT_NAMESPACE", "PlatformConfig", "Tier"]

# EKS versions and the last day of their standard support
# (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html). Past that day a cluster with
# upgradePolicy STANDARD is upgraded by AWS, and the program would then try to downgrade it: move on before.
EKS_STANDARD_SUPPORT_END = {"1.35": datetime.date(2027, 3, 27)}

# Prod's public API endpoint admits only the deploy runners' static egress addresses, never a broad range.
PROD_MIN_ENDPOINT_PREFIX = 24

# The platform documentation's retention per tier; overriding it needs a written reason.
STANDARD_RETENTION_DAYS = {Tier.DEV: 7, Tier.STAGING: 14, Tier.PROD: 30}
AVAILABILITY_TARGET = {Tier.DEV: 99.0, Tier.STAGING: 99.5, Tier.PROD: 99.9}

# AWS Backup advises keeping RDS snapshot jobs out of the hour around the automated backup window
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html, "backup window" note).
BACKUP_WINDOW_CLEARANCE_MINUTES = 60

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-"
    r"(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
_DAILY_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_K8S_VERSION = re.compile(r"^1\.\d{2}$")
_SCHEDULE = re.compile(r"^cron\([^)]+\)$")

EKS_LOG_TYPES = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]


class NetworkSettings(ConfigModel):
    vpc_cidr: ipaddress.IPv4Network = Field(description="CIDR block of the VPC; /16 to /20.")
    az_count: int = Field(ge=1, le=6, description="How many availability zones the VPC spans.")
    nat_gateways: Literal["single", "per-az"] = Field(
        description="NAT strategy: one shared NAT gateway, or one per AZ so an AZ outage cannot cut the others off."
    )
    flow_logs: bool = Field(description="Send VPC flow logs to an encrypted CloudWatch log group.")
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
        pattern=_MAINTENANCE_WINDOW.pattern, description=("Weekly maintenance window, UTC, as ddd:hh:mm-ddd:hh:mm.")
    )
    backup_window: str = Field(
        pattern=_DAILY_WINDOW.pattern,
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
        description=("Snapshot rules: rule name -> AWS cron expression, e.g. {daily: 'cron(0 3 * * ? *)'}."),
    )
    continuous_database_backup: bool = Field(
        description=("Continuous backup (point-in-time restore) of the database: RPO minutes, not hours.")
    )
    copy_to_dr: bool = Field(description="Copy every recovery point to a vault in the DR region.")
    vault_lock: bool = Field(description="Lock the vaults so recovery points cannot be deleted early.")
    retention_override_reason: str | None = Field(
        default=None,
        min_length=10,
        description=("Why retention differs from the tier standard (7/14/30 days); required to differ."),
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


class PlatformConfig(ConfigModel):
    tier: Tier = Field(description="Environment tier: dev, staging or prod.")
    owner: TagValue = Field(min_length=1, description="Owning team, written to the `owner` tag.")
    cost_center: TagValue = Field(min_length=1, description="Cost centre, written to the `cost-center` tag.")
    account_id: str | None = Field(
        default=None,
        pattern=r"^\d{12}$",
        description=(
            "AWS account the stack deploys into (one account per tier); every AWS provider refuses any other. "
            "Required in staging and prod."
        ),
    )
    data_classification: Literal["public", "internal", "confidential", "restricted"] = Field(
        description="Highest data class the stack holds, written to the `data-classification` tag."
    )
    primary_region: str = Field(pattern=_REGION.pattern, description="AWS region of the platform.")
    dr_region: str = Field(pattern=_REGION.pattern, description="AWS region for backup copies and replicas.")
    protect_stateful: bool = Field(
        description=("Mark databases, buckets, vaults and keys `protect` so Pulumi refuses to delete them.")
    )
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
        return (
            self.backup.copy_to_dr
            or self.storage.replicate_to_dr
            or self.database.replicate_backups_to_dr
            or self.database.dr_read_replica
        )

    @model_validator(mode="after")
    def _regions_differ(self) -> PlatformConfig:
        if self.dr_region == self.primary_region:
            raise ValueError(f"drRegion must differ from primaryRegion; both are {self.dr_region!r}")
        return self

    @model_validator(mode="after")
    def _retention_matches_tier(self) -> PlatformConfig:
        standard = self.standard_retention_days
        drifted = {
            key: days
            for key, days in (
                ("backup.retentionDays", self.backup.retention_days),
                ("database.backupRetentionDays", self.database.backup_retention_days),
            )
            if days != standard
        }
        if drifted and not self.backup.retention_override_reason:
            found = ", ".join(f"{key}={days}" for key, days in drifted.items())
            raise ValueError(
                f"the {self.tier.value} tier keeps backups {standard} days but {found}; "
                "set backup.retentionOverrideReason to explain the difference"
            )
        return self

    @model_validator(mode="after")
    def _prod_is_highly_available(self) -> PlatformConfig:
        if self.tier is not Tier.PROD:
            return self
        rules = [
            (self.network.az_count >= 3, f"network.azCount must be >= 3 in prod; got {self.network.az_count}"),
            (self.network.nat_gateways == "per-az", "network.natGateways must be 'per-az' in prod"),
            (self.database.multi_az, "database.multiAz must be true in prod"),
            (
                self.backup.continuous_database_backup,
                "backup.continuousDatabaseBackup must be true in prod (RPO 15 min)",
            ),
            (self.backup.copy_to_dr, "backup.copyToDr must be true in prod"),
            (
                not self.cluster.node_groups.business_hours_only,
                "cluster.nodeGroups.businessHoursOnly must be false in prod",
            ),
            (self.protect_stateful, "protectStateful must be true in prod"),
            ("critical" in self.alerting.severities, "alerting.severities must include 'critical' in prod"),
            (self.access.admin_requires_mfa, "access.adminRequiresMfa must be true in prod"),
            (self.kubernetes.platform_disruption_budgets, "kubernetes.platformDisruptionBudgets must be true in prod"),
            (
                not self.cluster.public_endpoint
                or all(c.prefixlen >= PROD_MIN_ENDPOINT_PREFIX for c in self.cluster.public_access_cidrs),
                f"cluster.publicAccessCidrs must be /{PROD_MIN_ENDPOINT_PREFIX} or narrower in prod (the deploy "
                f"runners' static egress ranges); got {[str(c) for c in self.cluster.public_access_cidrs]}",
            ),
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
                "or set nodeGroups.perAz"
            )
        return self

    @model_validator(mode="after")
    def _required_per_stack(self) -> PlatformConfig:
        """Facts only the team can supply: no tier default could be right, so staging and prod must set them."""
        if self.tier is Tier.DEV:
            return self
        missing = [
            (key, example)
            for key, value, example in (
                ("accountId", self.account_id, "123456789012"),
                ("alerting.slackWorkspaceId", self.alerting.slack_workspace_id, "T0123ABCDE"),
                ("alerting.slackCriticalChannelId", self.alerting.slack_critical_channel_id, "C0123ABCDE"),
                ("alerting.slackWarningChannelId", self.alerting.slack_warning_channel_id, "C0456FGHIJ"),
            )
            if value is None
        ]
        if missing:
            commands = "; ".join(
                f"`pulumi config set {'--path ' if '.' in key else ''}'{key}' <{key.rsplit('.', 1)[-1]}, "
                f"e.g. {example}>`"
                for key, example in missing
            )
            raise ValueError(
                f"the {self.tier.value} tier needs {', '.join(key for key, _ in missing)}; "
                f"set {'them' if len(missing) > 1 else 'it'} with {commands}"
            )
        return self

    @model_validator(mode="after")
    def _vault_lock_floor(self) -> PlatformConfig:
        # The lock's minimum is the tier's retention; after LOCK_CHANGEABLE_FOR_DAYS it cannot be lowered by
        # anyone, so a shorter retention would fail every later deploy instead of this preview.
        floor = self.standard_retention_days
        if self.backup.vault_lock and self.backup.retention_days < floor:
            raise ValueError(
                f"backup.retentionDays = {self.backup.retention_days} is below the vault lock's "
                f"minimum of {floor} days; a locked vault keeps every recovery point at least that "
                "long and the lock cannot be lowered once its grace period is over"
            )
        return self

    @model_validator(mode="after")
    def _backups_clear_of_rds_window(self) -> PlatformConfig:
        window = self.database.backup_window
        for rule, expression in self.backup.schedules.items():
            clash = backup_clashes_with_window(expression, window, BACKUP_WINDOW_CLEARANCE_MINUTES)
            if clash:
                raise ValueError(
                    f"backup.schedules.{rule} = {expression!r} starts at {clash}, within "
                    f"{BACKUP_WINDOW_CLEARANCE_MINUTES} minutes of database.backupWindow {window!r}; AWS Backup "
                    "skips or delays an RDS snapshot that meets the automated backup window: move one of them"
                )
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


def backup_clashes_with_window(expression: str, daily: str, clearance: int) -> str | None:
    """The first run of a daily cron(...) schedule closer than `clearance` minutes to a daily window, as hh:mm."""
    d = _DAILY_WINDOW.match(daily)
    times = minutes_of_day(expression)
    if not d or times is None:
        return None
    day = 1440
    start, end = int(d[1]) * 60 + int(d[2]), int(d[3]) * 60 + int(d[4])
    length = (end - start) % day or day
    for minute in sorted(times):
        since_start = (minute - start) % day
        if since_start < length + clearance or since_start > day - clearance:
            return f"{minute // 60:02d}:{minute % 60:02d}"
    return None
