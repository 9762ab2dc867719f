"""Config of the operations layer: alerting, observability, access, budget and Kubernetes baseline.

Secrets (the PagerDuty endpoint) are not fields here: they are Pulumi secrets read by
`secrets.py`, so they never pass through a plain model.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from platform_core.tiers import FACTS, Tier

from .base import ConfigModel, LogRetentionDays

Severity = Literal["critical", "warning", "info"]
LogLevel = Literal["debug", "info", "warning", "error"]
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_QUANTITY = r"^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$"
# An idle RDS PostgreSQL primary ships WAL only every archive_timeout (300 s), so a healthy cross-region
# replica's ReplicaLag saws up to 5 minutes
# (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.Replication.ReadReplicas.html).
IDLE_REPLICA_LAG_SECONDS = 300
RPO_SECONDS = int(FACTS[Tier.PROD].rpo.total_seconds())  # the replica carries prod's recovery point
# The replica-lag alarm pages after this many breaching minutes; CloudWatch publishes RDS metrics about a
# minute late and EventBridge carries the alarm across regions: together the delivery allowance.
REPLICA_LAG_ALARM_MINUTES = 2
ALARM_DELIVERY_SECONDS = 120
# A stall crosses the threshold, breaches for REPLICA_LAG_ALARM_MINUTES and is delivered before the RPO passes.
MAX_REPLICA_LAG_ALARM_SECONDS = RPO_SECONDS - REPLICA_LAG_ALARM_MINUTES * 60 - ALARM_DELIVERY_SECONDS - 1
# Roles people reach through IAM Identity Center; break-glass stays IAM-user + MFA for when SSO is down.
SSO_ROLES = ("platform-admin", "developer")
_PERMISSION_SET = re.compile(r"^[\w+=,.@-]{1,32}$")


class IngressSettings(ConfigModel):
    domain_name: str = Field(
        pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$",
        description=("Public DNS zone of the stack; the load balancer answers for it and its subdomains."),
    )
    tls_policy: str = Field(
        pattern=r"^ELBSecurityPolicy-TLS13-", description=("TLS policy of the HTTPS listener; TLS 1.3 policies only.")
    )
    deletion_protection: bool = Field(description="Refuse deletion of the load balancer.")
    access_logs: bool = Field(
        description=(
            "Write the load balancer's access logs to an SSE-S3 bucket of their own (the only encryption ALB log "
            "delivery supports), which itself logs server access to the log bucket."
        )
    )
    waf: bool = Field(
        description=(
            "Put an AWS WAF web ACL in front of the load balancer: AWS managed rule groups (common, known bad "
            "inputs, SQL injection, IP reputation) and a per-IP rate limit, logged to an encrypted log group."
        )
    )
    waf_rate_limit: int = Field(
        default=2000,
        ge=10,
        le=2_000_000_000,
        description=(
            "Requests one client IP may send in any 5-minute window before the web ACL blocks it "
            "(AWS WAF allows 10 to 2,000,000,000)."
        ),
    )
    waf_log_retention_days: LogRetentionDays = Field(
        default=90, description="Retention of the WAF log group (aws-waf-logs-*), days."
    )


class DnsSettings(ConfigModel):
    query_logging: bool = Field(
        description=(
            "Log the public zone's DNS queries to a CloudWatch log group in us-east-1 (the only region Route 53 "
            "public query logging writes to)."
        )
    )
    query_log_retention_days: LogRetentionDays = Field(
        default=30, description="Retention of the Route 53 query log group, days."
    )
    dnssec: bool = Field(
        description=(
            "Sign the public zone with DNSSEC: an asymmetric KMS key in us-east-1 and a key-signing key; the "
            "parent zone's DS record is a one-time step (docs/first-deploy.md)."
        )
    )


class AlertingSettings(ConfigModel):
    severities: list[Severity] = Field(
        min_length=1,
        description=(
            "Severities that get an SNS topic: critical pages PagerDuty and posts to Slack, warning posts to "
            "Slack, info sends email."
        ),
    )
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", description="Address of the info channel.")
    slack_workspace_id: str | None = Field(
        default=None,
        pattern=r"^T[A-Z0-9]{8,}$",
        description=(
            "Slack workspace ID authorised in AWS Chatbot (one-time console step); required in staging and prod, "
            "optional in dev (no Slack delivery without it)."
        ),
    )
    slack_critical_channel_id: str | None = Field(
        default=None,
        pattern=r"^C[A-Z0-9]{8,}$",
        description=("Slack channel ID of critical alerts (#platform-alerts); required in staging and prod."),
    )
    slack_warning_channel_id: str | None = Field(
        default=None,
        pattern=r"^C[A-Z0-9]{8,}$",
        description=("Slack channel ID of warnings (#platform-monitoring); required in staging and prod."),
    )

    @field_validator("severities")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError(f"severities must not repeat; got {value}")
        return value


# "Performance Targets": page load time under 2 s at the 95th percentile, measured from outside by the canary.
PAGE_LOAD_P95_MS = 2000
# The newest Python/Selenium Synthetics runtime (Python 3.12); deprecated runtimes refuse new canaries
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Library_python_selenium.html,
# .../CloudWatch_Synthetics_Runtime_Support_Policy.html).
CANARY_RUNTIME_VERSION = "syn-python-selenium-14.0"


class SyntheticsSettings(ConfigModel):
    enabled: bool = Field(
        description=(
            "Run a CloudWatch Synthetics canary that loads the public endpoint on a schedule, with an alarm on its "
            "p95 duration and its success rate on the application dashboard."
        )
    )
    runtime_version: str = Field(
        default=CANARY_RUNTIME_VERSION,
        # The canary script is Python (observability/canary/page_load.py): only Python/Selenium runtimes run it.
        pattern=r"^syn-python-selenium-\d+\.\d+$",
        description="Synthetics runtime of the canary, pinned (syn-python-selenium-<major>.<minor>).",
    )
    schedule_minutes: int = Field(
        default=5, ge=1, le=60, description="Minutes between canary runs (rate(N minutes)); each run is billed."
    )
    page_load_p95_ms: int = Field(
        default=PAGE_LOAD_P95_MS,
        ge=100,
        le=60000,
        description="Page load SLO: the canary's p95 run duration above this raises the page-load alarm, milliseconds.",
    )
    artifact_retention_days: int = Field(
        default=30,
        ge=1,
        le=455,  # Synthetics keeps run data 1-455 days (API_CreateCanary SuccessRetentionPeriodInDays)
        description="Days the canary's run data and its artifacts (screenshots, HAR, logs) are kept.",
    )


class ObservabilitySettings(ConfigModel):
    app_log_level: LogLevel = Field(description="Log level of platform and application workloads.")
    log_retention_days: LogRetentionDays = Field(
        description=("Retention of audit and application log groups (CloudTrail, Container Insights), days.")
    )
    cloudwatch_dashboards: bool = Field(description="Create the four CloudWatch dashboards.")
    trail_delivery_notifications: bool = Field(
        default=False,
        description=(
            "CloudTrail notifies an encrypted SNS topic of every log file it delivers, and an alarm warns when "
            "an hour passes without one (delivery stopped)."
        ),
    )
    container_insights: bool = Field(
        description=("Ship node and pod metrics with the CloudWatch observability add-on; the node alarms read them.")
    )
    alarm_minutes: int = Field(
        ge=1, le=60, description=("How long a threshold must be breached before an alarm fires, minutes.")
    )
    api_latency_p95_ms: int = Field(ge=10, le=10000, description="API p95 latency SLO, milliseconds.")
    db_latency_p95_ms: int = Field(ge=1, le=10000, description="Database read/write p95 latency SLO, milliseconds.")
    cpu_alarm_percent: int = Field(ge=1, le=100, description="CPU utilisation that raises a warning, percent.")
    memory_alarm_percent: int = Field(ge=1, le=100, description="Node memory utilisation warning, percent.")
    disk_alarm_percent: int = Field(ge=1, le=100, description="Node filesystem utilisation warning, percent.")
    db_connections_alarm: int = Field(ge=1, le=10000, description="Database connections that raise a warning.")
    db_free_storage_alarm_gib: int = Field(ge=1, le=10000, description="Free database storage floor, GiB.")
    synthetics: SyntheticsSettings = Field(description="The page-load canary (CloudWatch Synthetics).")
    replication_lag_alarm_seconds: int = Field(
        ge=IDLE_REPLICA_LAG_SECONDS + 60,
        le=MAX_REPLICA_LAG_ALARM_SECONDS,
        description=(
            "Lag of the DR read replica that raises a critical alarm, seconds: above the idle sawtooth of "
            "PostgreSQL replicas (WAL is shipped every archive_timeout, 300 s on RDS), low enough to page "
            f"before the {RPO_SECONDS} s RPO passes."
        ),
    )


class AccessSettings(ConfigModel):
    github_repository: str = Field(
        pattern=r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$",
        description=("owner/repo whose workflows may assume the ci-deployer role through GitHub OIDC."),
    )
    github_environment: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        description=(
            "GitHub environment whose deploy jobs may assume ci-deployer (prod's is the protected `production`)."
        ),
    )
    developer_access: Literal["full", "limited", "read-only"] = Field(
        description=("What the developer role may do: everything but IAM, service-level write access, or read only.")
    )
    admin_requires_mfa: bool = Field(description="platform-admin may only be assumed with MFA.")
    admin_session_hours: int = Field(ge=1, le=12, description="Maximum session of platform-admin, hours.")
    break_glass_session_hours: int = Field(ge=1, le=12, description="Maximum session of break-glass, hours.")
    dr_drill: bool = Field(
        description=(
            "A role for the scheduled DR drill (.github/workflows/dr-drill.yml, docs/dr-drill.md): GitHub OIDC for "
            "drDrillEnvironment of githubRepository only, 6 h sessions, restore/check/delete of drill-tagged RDS "
            "instances and read access to the Pulumi state; exported as roleArns.dr-drill."
        )
    )
    dr_drill_environment: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="GitHub environment whose jobs may assume the DR drill role (the workflow's `environment:`).",
    )
    identity_center_permission_sets: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "IAM Identity Center permission set whose users may assume each human role (platform-admin, "
            "developer), e.g. {platform-admin: PlatformAdmin}; MFA is enforced by the identity provider. Roles not "
            "listed are assumed by IAM users (with MFA where the tier requires it)."
        ),
    )

    @field_validator("identity_center_permission_sets")
    @classmethod
    def _permission_sets(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SSO_ROLES))
        if unknown:
            raise ValueError(
                f"roles {unknown} cannot be assumed through Identity Center; allowed: "
                f"{', '.join(SSO_ROLES)} (break-glass must work when SSO is down)"
            )
        bad = {role: name for role, name in value.items() if not _PERMISSION_SET.match(name)}
        if bad:
            raise ValueError(f"permission set names are 1-32 characters of letters, digits and +=,.@_-; got {bad}")
        return value


class BudgetSettings(ConfigModel):
    monthly_limit_usd: int = Field(
        ge=1, description=("Monthly AWS spend budget of the stack, USD; the cost guard uses the same value.")
    )
    alert_thresholds_percent: list[int] = Field(
        min_length=1,
        description=(
            "Actual-spend percentages of the budget that notify: below 100 to info, 100 and above to warning."
        ),
    )

    @field_validator("alert_thresholds_percent")
    @classmethod
    def _sorted_positive(cls, value: list[int]) -> list[int]:
        if any(p <= 0 or p > 1000 for p in value) or sorted(set(value)) != value:
            raise ValueError(f"thresholds must be distinct, ascending, 1-1000; got {value}")
        return value


class NamespaceQuota(ConfigModel):
    cpu_requests: str = Field(pattern=_QUANTITY, description="Total CPU requests per application namespace.")
    memory_requests: str = Field(pattern=_QUANTITY, description="Total memory requests per application namespace.")
    cpu_limits: str = Field(pattern=_QUANTITY, description="Total CPU limits per application namespace.")
    memory_limits: str = Field(pattern=_QUANTITY, description="Total memory limits per application namespace.")
    pods: int = Field(ge=1, le=10000, description="Pods per application namespace.")


class ContainerDefaults(ConfigModel):
    cpu_request: str = Field(pattern=_QUANTITY, description="Default CPU request of a container (LimitRange).")
    memory_request: str = Field(pattern=_QUANTITY, description="Default memory request of a container.")
    cpu_limit: str = Field(pattern=_QUANTITY, description="Default CPU limit of a container.")
    memory_limit: str = Field(pattern=_QUANTITY, description="Default memory limit of a container.")


class MonitoringStackSettings(ConfigModel):
    chart_version: str = Field(pattern=r"^\d+\.\d+\.\d+$", description="kube-prometheus-stack chart version.")
    prometheus_replicas: int = Field(ge=1, le=5, description="Prometheus replicas.")
    alertmanager_replicas: int = Field(ge=1, le=5, description="Alertmanager replicas.")
    grafana_replicas: int = Field(ge=1, le=5, description="Grafana replicas.")
    retention: str = Field(pattern=r"^\d+[hdw]$", description="Prometheus retention, e.g. 15d.")
    storage_gib: int = Field(ge=0, le=10000, description="Persistent volume per Prometheus replica, GiB; 0 = none.")


class KubernetesSettings(ConfigModel):
    app_namespaces: list[str] = Field(min_length=1, description="Namespaces for application workloads.")
    quota: NamespaceQuota = Field(description="ResourceQuota of every application namespace.")
    container_defaults: ContainerDefaults = Field(description="LimitRange defaults of every application namespace.")
    platform_disruption_budgets: bool = Field(description="PodDisruptionBudgets for platform workloads.")
    monitoring: MonitoringStackSettings = Field(description="The in-cluster monitoring stack.")

    @field_validator("app_namespaces")
    @classmethod
    def _dns_labels(cls, value: list[str]) -> list[str]:
        bad = [name for name in value if not _DNS_LABEL.match(name)]
        if bad or len(set(value)) != len(value):
            raise ValueError(f"namespaces must be distinct DNS labels (a-z, 0-9, '-'); got {value}")
        return value

    @model_validator(mode="after")
    def _ha_needs_storage(self) -> KubernetesSettings:
        monitoring = self.monitoring
        if monitoring.prometheus_replicas > 1 and monitoring.storage_gib == 0:
            raise ValueError(
                "monitoring.storageGib must be > 0 when prometheusReplicas > 1: replicas without "
                "persistent volumes lose their data on every reschedule"
            )
        return self
