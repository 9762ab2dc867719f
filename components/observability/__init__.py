"""What tells operators something is wrong, on the AWS side: CloudWatch alarms, event rules and dashboards
(platform:monitoring:Monitoring, in cloudwatch_*.py; what they watch is watched_resources.py), the SNS topics
per severity with their PagerDuty, Slack and email delivery (platform:alerting:Alerting) and the monthly AWS
Budget (platform:budget:Budget), and the page-load canary (CloudWatch Synthetics) with its p95 alarm
(platform:observability:PageLoadCanary, synthetics.py). The in-cluster Prometheus stack is in kubernetes/."""

from __future__ import annotations

from .alerting import Alerting, AlertingArgs
from .budget import Budget, BudgetArgs
from .cloudwatch_monitoring import Monitoring, MonitoringArgs
from .synthetics import PageLoadCanary, PageLoadCanaryArgs

__all__ = [
    "Alerting",
    "AlertingArgs",
    "Budget",
    "BudgetArgs",
    "Monitoring",
    "MonitoringArgs",
    "PageLoadCanary",
    "PageLoadCanaryArgs",
]
