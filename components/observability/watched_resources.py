"""What the CloudWatch monitoring watches and where it reports: the alarms and the dashboards both read it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws
from pulumi import Input

from ..config.model import PlatformConfig


@dataclass(frozen=True)
class MonitoringArgs:
    config: PlatformConfig
    topic_arns: dict[str, Input[str]]  # severity -> SNS topic ARN, primary region
    cluster_name: Input[str]
    node_group_asgs: dict[str, Input[str]]  # node group key -> Auto Scaling group name
    db_identifier: Input[str]
    dr_replica_identifier: Input[str] | None
    dr_provider: aws.Provider | None
    load_balancer_arn_suffix: Input[str]
    target_group_arn_suffix: Input[str]
    backup_vault_name: Input[str]
    trail_log_group_name: Input[str]
    break_glass_role_arn: Input[str]
    canary_name: Input[str] | None = None  # the page-load canary (synthetics.py), where the tier runs one
