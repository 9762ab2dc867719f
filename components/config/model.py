"""The platform's configuration: one pydantic model tree, tier defaults in one table.

A stack file names its tier and overrides only what differs from that tier's defaults:

    config:
      platform:tier: prod
      platform:database:
        instanceClass: db.r6g.xlarge

`load_platform_config` deep-merges the overrides onto `TIER_DEFAULTS[tier]` (defaults.py) and validates the
result, so a misspelled key, a wrong type or a rule broken across fields is reported before a
single resource is registered.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from platform_core.tiers import FACTS, Tier

from .base import PROJECT_NAMESPACE, ConfigModel, TagValue
from .infrastructure import (
    BackupSettings,
    ClusterSettings,
    DatabaseSettings,
    NetworkSettings,
    RegistrySettings,
    StorageSettings,
)
from .operations import (
    AccessSettings,
    AlertingSettings,
    BudgetSettings,
    DnsSettings,
    IngressSettings,
    KubernetesSettings,
    ObservabilitySettings,
)
from .windows import backup_clashes_with_window

__all__ = ["PROJECT_NAMESPACE", "PlatformConfig", "Tier"]

# Prod's public API endpoint admits only the deploy runners' static egress addresses, never a broad range.
PROD_MIN_ENDPOINT_PREFIX = 24

# AWS Backup advises keeping RDS snapshot jobs out of the hour around the automated backup window
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/creating-a-backup-plan.html, "backup window" note).
BACKUP_WINDOW_CLEARANCE_MINUTES = 60

_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_PROD_RPO_MINUTES = int(FACTS[Tier.PROD].rpo.total_seconds() // 60)


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
    registry: RegistrySettings = Field(description="ECR repositories for the application images.")
    ingress: IngressSettings = Field(description="The public load balancer in front of the cluster's ingress.")
    dns: DnsSettings = Field(description="Query logging and DNSSEC of the stack's public hosted zone.")
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
        """The documentation's retention for the tier; keeping backups longer or shorter needs a written reason."""
        return FACTS[self.tier].backup_retention_days

    @property
    def availability_target(self) -> float:
        return FACTS[self.tier].availability_percent

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
                f"backup.continuousDatabaseBackup must be true in prod (RPO {_PROD_RPO_MINUTES} min)",
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
