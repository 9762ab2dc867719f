"""Tier defaults: the one place where dev, staging and prod differ.

Written in stack-file form (camelCase), so a stack file override reads exactly like the
default it replaces. Project-wide values (owner, regions, tags) are not here: they are
declared with their defaults in Pulumi.yaml. What the platform documentation fixes per tier
(retention, backup schedule, maintenance window, budget) is read from `platform_core.tiers`,
which the policy pack, the backup audit and the deploy gate read as well.
"""

from __future__ import annotations

from typing import Any

from platform_core.tiers import FACTS, Tier, TierFacts

from .operations import CANARY_RUNTIME_VERSION, PAGE_LOAD_P95_MS

_DEV, _STAGING, _PROD = FACTS[Tier.DEV], FACTS[Tier.STAGING], FACTS[Tier.PROD]


def _snapshot_rule(facts: TierFacts) -> str:
    """The snapshot rule's name says how often it runs, read from the schedule: `daily`, `every-4-hours`."""
    runs = facts.backup_runs_per_day
    if runs == 1:
        return "daily"
    if runs and 24 % runs == 0:
        return f"every-{24 // runs}-hours"
    raise ValueError(f"{facts.tier} backs up {runs} times a day ({facts.backup_schedule}); name that rule here")


def _backup(facts: TierFacts, *, vault_lock: bool) -> dict[str, Any]:
    return {
        "retentionDays": facts.backup_retention_days,
        "schedules": {_snapshot_rule(facts): facts.backup_schedule},
        "continuousDatabaseBackup": facts.continuous_database_backup,
        "copyToDr": facts.backups_copied_to_dr,
        "vaultLock": vault_lock,
    }


# Values every tier shares; a tier's own table (below) is merged over them.
COMMON_DEFAULTS: dict[str, Any] = {
    "ingress": {"tlsPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
    # Hop limit 1 in every tier: pods use IRSA, never the node's instance role (cluster.py says why it is safe).
    "cluster": {"nodeGroups": {"metadataHopLimit": 1}},
    # Slack workspace and channel IDs are the team's own: staging and prod must set them (no default).
    "alerting": {"email": "platform-team@company.com"},
    "observability": {
        "apiLatencyP95Ms": 200,
        "dbLatencyP95Ms": 100,
        "memoryAlarmPercent": 85,
        "diskAlarmPercent": 80,
        "replicationLagAlarmSeconds": 600,
        # The page-load canary's pinned runtime and schedule, alike in every tier that runs it.
        "synthetics": {
            "runtimeVersion": CANARY_RUNTIME_VERSION,
            "scheduleMinutes": 5,
            "pageLoadP95Ms": PAGE_LOAD_P95_MS,
        },
    },
    "access": {
        "githubRepository": "company/platform-infrastructure",
        "breakGlassSessionHours": 1,
        "drDrillEnvironment": "dr-drill",
    },
    "registry": {"repositories": ["apps"]},
    "budget": {"alertThresholdsPercent": [80, 100]},
    "kubernetes": {
        "appNamespaces": ["apps"],
        "containerDefaults": {
            "cpuRequest": "100m",
            "memoryRequest": "128Mi",
            "cpuLimit": "500m",
            "memoryLimit": "512Mi",
        },
        "monitoring": {"chartVersion": "65.1.1"},
    },
}

TIER_DEFAULTS: dict[Tier, dict[str, Any]] = {
    Tier.DEV: {
        "protectStateful": False,
        "network": {
            "vpcCidr": "10.10.0.0/16",
            "drVpcCidr": "10.110.0.0/16",
            "azCount": 2,
            "natGateways": "single",
            "flowLogs": False,
            "flowLogRetentionDays": 7,
        },
        "cluster": {
            "kubernetesVersion": "1.35",
            "publicEndpoint": True,
            "publicAccessCidrs": ["0.0.0.0/0"],
            "logTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            "logRetentionDays": 7,
            "minNodesAfterAzLoss": 0,
            "nodeGroups": {
                "capacityType": "SPOT",
                "instanceTypes": ["m5.xlarge", "m5a.xlarge", "m6i.xlarge", "m6a.xlarge"],
                "perAz": False,
                "minSize": 1,
                "desiredSize": 4,
                "maxSize": 6,
                "businessHoursOnly": True,
                "offHoursMinSize": 1,
                "diskSizeGib": 30,
            },
        },
        "database": {
            "engineVersion": "16",
            "instanceClass": "db.t4g.micro",
            "allocatedStorageGib": 20,
            "maxAllocatedStorageGib": 50,
            "multiAz": False,
            "deletionProtection": False,
            "skipFinalSnapshot": True,
            "performanceInsights": False,
            "backupRetentionDays": _DEV.backup_retention_days,
            "maintenanceWindow": _DEV.database_maintenance_window,
            "backupWindow": "03:00-04:00",
            "replicateBackupsToDr": False,
            "logRetentionDays": 7,
            "drReadReplica": False,
            "monitoringIntervalSeconds": 0,
            "logStatement": "none",
        },
        "storage": {
            "logExpirationDays": 30,
            "noncurrentVersionExpirationDays": 7,
            "infrequentAccessAfterDays": 30,
            "replicateToDr": False,
        },
        "backup": _backup(_DEV, vault_lock=False),
        # dev: no WAF or ALB access logs by default (cost); a team testing WAF rules turns `ingress.waf` on, and
        # its WAF logs then stay as long as dev's other logs (the pack's log-retention-capped allows 14 days).
        "ingress": {
            "domainName": "dev.platform.company.com",
            "deletionProtection": False,
            "accessLogs": False,
            "waf": False,
            "wafLogRetentionDays": 7,
        },
        "dns": {"queryLogging": False, "dnssec": False},
        "alerting": {"severities": ["warning", "info"]},
        "registry": {"untaggedExpiryDays": 3, "keepTaggedImages": 30},
        "observability": {
            "appLogLevel": "debug",
            "logRetentionDays": 7,
            "cloudwatchDashboards": False,
            "trailDeliveryNotifications": False,
            "containerInsights": False,
            "alarmMinutes": 15,
            "cpuAlarmPercent": 90,
            "dbConnectionsAlarm": 50,
            "dbFreeStorageAlarmGib": 2,
            # dev: no canary (cost); the API alarms and a developer's browser cover it.
            "synthetics": {"enabled": False},
        },
        "access": {
            "githubEnvironment": "dev",
            # The DR drill restores prod's backups only (docs/dr-drill.md).
            "drDrill": False,
            "developerAccess": "full",
            "adminRequiresMfa": False,
            "adminSessionHours": 8,
        },
        "budget": {"monthlyLimitUsd": _DEV.monthly_budget_usd},
        "kubernetes": {
            "quota": {
                "cpuRequests": "4",
                "memoryRequests": "8Gi",
                "cpuLimits": "8",
                "memoryLimits": "16Gi",
                "pods": 50,
            },
            "platformDisruptionBudgets": False,
            "monitoring": {
                "prometheusReplicas": 1,
                "alertmanagerReplicas": 1,
                "grafanaReplicas": 1,
                "retention": "2d",
                "storageGib": 0,
            },
        },
    },
    Tier.STAGING: {
        "protectStateful": False,
        "network": {
            "vpcCidr": "10.20.0.0/16",
            "drVpcCidr": "10.120.0.0/16",
            "azCount": 2,
            "natGateways": "single",
            "flowLogs": True,
            "flowLogRetentionDays": 30,
        },
        "cluster": {
            "kubernetesVersion": "1.35",
            "publicEndpoint": True,
            "publicAccessCidrs": ["0.0.0.0/0"],
            # Production-like: every control-plane log type, as prod (scheduler and controller-manager explain
            # scheduling and scaling failures a release test runs into).
            "logTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            "logRetentionDays": 30,
            "minNodesAfterAzLoss": 1,
            "nodeGroups": {
                "capacityType": "ON_DEMAND",
                "instanceTypes": ["m6i.large"],
                "perAz": False,
                "minSize": 2,
                "desiredSize": 2,
                "maxSize": 4,
                "businessHoursOnly": False,
                "diskSizeGib": 50,
            },
        },
        "database": {
            "engineVersion": "16",
            "instanceClass": "db.t4g.medium",
            "allocatedStorageGib": 50,
            "maxAllocatedStorageGib": 200,
            "multiAz": False,
            "deletionProtection": True,
            "skipFinalSnapshot": False,
            "performanceInsights": True,
            "backupRetentionDays": _STAGING.backup_retention_days,
            "maintenanceWindow": _STAGING.database_maintenance_window,
            "backupWindow": "00:00-01:00",
            "replicateBackupsToDr": False,
            "logRetentionDays": 30,
            "drReadReplica": False,
            "monitoringIntervalSeconds": 60,
            "logStatement": "ddl",
        },
        "storage": {
            "logExpirationDays": 90,
            "noncurrentVersionExpirationDays": 30,
            "infrequentAccessAfterDays": 30,
            "replicateToDr": False,
        },
        "backup": _backup(_STAGING, vault_lock=False),
        "ingress": {
            "domainName": "staging.platform.company.com",
            "deletionProtection": False,
            "accessLogs": True,
            "waf": True,
        },
        "dns": {"queryLogging": False, "dnssec": False},
        "alerting": {"severities": ["critical", "warning", "info"]},
        "registry": {"untaggedExpiryDays": 7, "keepTaggedImages": 50},
        "observability": {
            "appLogLevel": "info",
            "logRetentionDays": 30,
            "cloudwatchDashboards": True,
            "trailDeliveryNotifications": True,
            "containerInsights": True,
            "alarmMinutes": 10,
            "cpuAlarmPercent": 80,
            "dbConnectionsAlarm": 150,
            "dbFreeStorageAlarmGib": 5,
            "synthetics": {"enabled": True, "artifactRetentionDays": 14},
        },
        "access": {
            "githubEnvironment": "staging",
            "drDrill": False,
            "developerAccess": "limited",
            "adminRequiresMfa": True,
            "adminSessionHours": 4,
        },
        "budget": {"monthlyLimitUsd": _STAGING.monthly_budget_usd},
        "kubernetes": {
            "quota": {
                "cpuRequests": "8",
                "memoryRequests": "16Gi",
                "cpuLimits": "16",
                "memoryLimits": "32Gi",
                "pods": 100,
            },
            "platformDisruptionBudgets": False,
            "monitoring": {
                "prometheusReplicas": 1,
                "alertmanagerReplicas": 1,
                "grafanaReplicas": 1,
                "retention": "7d",
                "storageGib": 20,
            },
        },
    },
    Tier.PROD: {
        "protectStateful": True,
        "network": {
            "vpcCidr": "10.30.0.0/16",
            "drVpcCidr": "10.130.0.0/16",
            "azCount": 3,
            "natGateways": "per-az",
            "flowLogs": True,
            "flowLogRetentionDays": 365,
        },
        "cluster": {
            # Public, fenced to the deploy runners' static egress ranges (required config): GitHub-hosted
            # runners cannot reach a private-only endpoint. Nodes and pods still use the private endpoint.
            "kubernetesVersion": "1.35",
            "publicEndpoint": True,
            "publicAccessCidrs": [],
            "logTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            "logRetentionDays": 365,
            "minNodesAfterAzLoss": 4,
            "nodeGroups": {
                "capacityType": "ON_DEMAND",
                "instanceTypes": ["m6i.xlarge"],
                "perAz": True,
                "minSize": 2,
                "desiredSize": 2,
                "maxSize": 6,
                "businessHoursOnly": False,
                "diskSizeGib": 100,
            },
        },
        "database": {
            "engineVersion": "16",
            "instanceClass": "db.r6g.large",
            "allocatedStorageGib": 200,
            "maxAllocatedStorageGib": 1000,
            "multiAz": True,
            "deletionProtection": True,
            "skipFinalSnapshot": False,
            "performanceInsights": True,
            "backupRetentionDays": _PROD.backup_retention_days,
            "maintenanceWindow": _PROD.database_maintenance_window,
            "backupWindow": "01:00-01:30",
            "replicateBackupsToDr": True,
            "logRetentionDays": 365,
            "drReadReplica": True,
            "monitoringIntervalSeconds": 30,
            "logStatement": "ddl",
        },
        "storage": {
            "logExpirationDays": 365,
            "noncurrentVersionExpirationDays": 90,
            "infrequentAccessAfterDays": 30,
            "replicateToDr": True,
        },
        "backup": _backup(_PROD, vault_lock=True),
        "ingress": {
            "domainName": "platform.company.com",
            "deletionProtection": True,
            "accessLogs": True,
            "waf": True,
            # Security logs of prod stay a year: the window a SOC 2 audit and an incident investigation look back.
            "wafLogRetentionDays": 365,
        },
        "dns": {"queryLogging": True, "dnssec": True, "queryLogRetentionDays": 365},
        # Prod keeps the most releases: a rollback or a node replacement pulls an older tag.
        "registry": {"untaggedExpiryDays": 14, "keepTaggedImages": 200},
        "alerting": {"severities": ["critical", "warning", "info"]},
        "observability": {
            "appLogLevel": "info",
            "logRetentionDays": 365,
            "cloudwatchDashboards": True,
            "trailDeliveryNotifications": True,
            "containerInsights": True,
            "alarmMinutes": 5,
            "cpuAlarmPercent": 80,
            "dbConnectionsAlarm": 400,
            "dbFreeStorageAlarmGib": 20,
            "synthetics": {"enabled": True, "artifactRetentionDays": 30},
        },
        "access": {
            "githubEnvironment": "production",
            "drDrill": True,
            "developerAccess": "read-only",
            "adminRequiresMfa": True,
            "adminSessionHours": 1,
        },
        "budget": {"monthlyLimitUsd": _PROD.monthly_budget_usd},
        "kubernetes": {
            "quota": {
                "cpuRequests": "32",
                "memoryRequests": "64Gi",
                "cpuLimits": "64",
                "memoryLimits": "128Gi",
                "pods": 300,
            },
            "platformDisruptionBudgets": True,
            "monitoring": {
                "prometheusReplicas": 2,
                "alertmanagerReplicas": 3,
                "grafanaReplicas": 2,
                "retention": "15d",
                "storageGib": 100,
            },
        },
    },
}
