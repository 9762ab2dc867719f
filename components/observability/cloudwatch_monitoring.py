"""CloudWatch alarms on the SLOs, the database, the nodes, backups and security signals, plus dashboards.

Every alarm comes from one `AlarmSpec` (cloudwatch_alarms.py) and is built by `_alarm`, so sizing
("breached for alarm_minutes") and routing (severity -> SNS topic) are the same everywhere.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..events import notify_topic
from ..iam import service_trust
from .cloudwatch_alarms import (
    PERIOD_SECONDS,
    AlarmSpec,
    database_alarms,
    node_alarms,
    replica_lag_alarm,
    route,
    security_alarm,
    security_signals,
    slo_alarms,
)
from .cloudwatch_dashboards import dashboard_bodies
from .watched_resources import MonitoringArgs

__all__ = ["Monitoring", "MonitoringArgs"]

BACKUP_FAILURE_STATES = ["FAILED", "ABORTED", "EXPIRED"]


class Monitoring(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    alarm_severity: dict[str, str]
    event_rules: dict[str, aws.cloudwatch.EventRule]
    event_severity: dict[str, str]
    dashboards: dict[str, aws.cloudwatch.Dashboard]
    critical_alarm_names: list[str]

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if args.dr_replica_identifier is not None and args.dr_provider is None:
            raise ValueError("the DR replica alarm needs the DR provider: its metrics live in the DR region")
        super().__init__("platform:monitoring:Monitoring", name, None, opts)
        self.alarms, self.alarm_severity = {}, {}
        self.event_rules, self.event_severity = {}, {}

        health = [
            *slo_alarms(args.config, args.load_balancer_arn_suffix, args.target_group_arn_suffix),
            *database_alarms(args.config, args.db_identifier),
            *(node_alarms(args.config, args.cluster_name) if args.config.observability.container_insights else []),
        ]
        self.critical_alarm_names = critical_alarm_names(args.config, health)
        for spec in [*health, *self._security_metrics(name, args)]:
            self._alarm(name, spec, args)
        # Taken before the DR alarm exists: an alarm status widget shows its own region's alarms.
        primary_alarm_arns = [alarm.arn for _, alarm in sorted(self.alarms.items())]
        if args.dr_replica_identifier is not None:
            self._replica_lag(name, args, args.dr_replica_identifier)
        self._backup_failures(name, args)

        self.dashboards = (
            {
                key: aws.cloudwatch.Dashboard(
                    f"{name}-{key}",
                    dashboard_name=f"{args.config.name_prefix}-{key}",
                    dashboard_body=Output.json_dumps(body),
                    opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
                )
                for key, body in dashboard_bodies(args, primary_alarm_arns).items()
            }
            if args.config.observability.cloudwatch_dashboards
            else {}
        )

        self.register_outputs(
            {
                "alarmArns": {key: alarm.arn for key, alarm in self.alarms.items()},
                "alarmSeverity": self.alarm_severity,
                "eventRuleArns": {key: rule.arn for key, rule in self.event_rules.items()},
                "dashboardNames": {key: board.dashboard_name for key, board in self.dashboards.items()},
                "criticalAlarmNames": self.critical_alarm_names,
            }
        )

    def _alarm(
        self,
        name: str,
        spec: AlarmSpec,
        args: MonitoringArgs,
        *,
        provider: aws.Provider | None = None,
        notify: bool = True,
    ) -> aws.cloudwatch.MetricAlarm:
        config = args.config
        severity = route(spec.severity, args.topic_arns)
        actions = [args.topic_arns[severity]] if notify else None
        minutes = spec.minutes or (config.observability.alarm_minutes if spec.sustained else 1)
        metric: dict[str, Any] = (
            {"metric_queries": spec.metric_queries}
            if spec.metric_queries
            else {
                "namespace": spec.namespace,
                "metric_name": spec.metric_name,
                "dimensions": spec.dimensions,
                "statistic": spec.statistic,
                "extended_statistic": spec.extended_statistic,
                "period": PERIOD_SECONDS,
            }
        )
        alarm = aws.cloudwatch.MetricAlarm(
            f"{name}-{spec.key}",
            name=alarm_name(config, spec),
            alarm_description=spec.description,
            comparison_operator=spec.comparison,
            threshold=spec.threshold,
            # M of N with M = N: the threshold is breached for every one of the last N minutes.
            evaluation_periods=minutes,
            datapoints_to_alarm=minutes,
            treat_missing_data=spec.missing_data,
            alarm_actions=actions,
            ok_actions=actions,
            **metric,
            # PutMetricAlarm overwrites an alarm of the same name: created before the old one is deleted, the
            # replacement would be deleted with it. Every fixed name in this component is replaced delete-first.
            opts=pulumi.ResourceOptions(parent=self, provider=provider, delete_before_replace=True),
        )
        self.alarms[spec.key] = alarm
        self.alarm_severity[spec.key] = severity
        return alarm

    def _security_metrics(self, name: str, args: MonitoringArgs) -> list[AlarmSpec]:
        """One metric filter per CloudTrail signal; returns the alarms on the metrics they publish."""
        namespace = f"Platform/{args.config.tier.value}/Security"
        specs = []
        for signal in security_signals(args.break_glass_role_arn):
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{signal.key}",
                name=f"{args.config.name_prefix}-{signal.key}",
                log_group_name=args.trail_log_group_name,
                pattern=signal.pattern,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=signal.metric_name, namespace=namespace, value="1"
                ),
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
            specs.append(security_alarm(signal, namespace))
        return specs

    def _replica_lag(self, name: str, args: MonitoringArgs, replica_identifier: Input[str]) -> None:
        # The replica's metrics exist only in the DR region, an alarm reads only its own region's metrics,
        # and an alarm can only notify an SNS topic of its own region. So the alarm lives in the DR region
        # without actions, and EventBridge carries its state changes to the primary region's topic.
        spec = replica_lag_alarm(args.config, replica_identifier)
        alarm = self._alarm(name, spec, args, provider=args.dr_provider, notify=False)
        severity = self.alarm_severity[spec.key]
        pattern = Output.json_dumps(
            {
                "source": ["aws.cloudwatch"],
                "detail-type": ["CloudWatch Alarm State Change"],
                "resources": [alarm.arn],
                "detail": {"state": {"value": ["ALARM", "OK"]}},
            }
        )
        self._forward_from_dr(
            f"{spec.key}-forward",
            name,
            args,
            pattern,
            Output.from_input(args.topic_arns[severity]).apply(_default_event_bus_arn),
        )
        self._notify_rule(
            name,
            args,
            spec.key,
            severity,
            pattern,
            "Sends the DR replica lag alarm's state changes, forwarded from the DR region",
        )

    def _forward_from_dr(
        self, key: str, component: str, args: MonitoringArgs, pattern: Output[str], primary_bus: Output[str]
    ) -> None:
        """Send the DR region's events matching `pattern` to the primary region's default event bus."""
        name = f"{component}-{key}"
        role = aws.iam.Role(
            name, assume_role_policy=service_trust("events.amazonaws.com"), opts=pulumi.ResourceOptions(parent=self)
        )
        put_events = aws.iam.RolePolicy(
            name,
            role=role.id,
            policy=Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": primary_bus}],
                }
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        rule = aws.cloudwatch.EventRule(
            name,
            name=f"{args.config.name_prefix}-{key}",
            description="Carries DR-region events to the primary region's event bus, where the alert topics are",
            event_pattern=pattern,
            opts=pulumi.ResourceOptions(parent=self, provider=args.dr_provider, delete_before_replace=True),
        )
        # Cross-region bus targets need a role; a target created before its policy fails its first deliveries.
        aws.cloudwatch.EventTarget(
            name,
            rule=rule.name,
            arn=primary_bus,
            role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self, provider=args.dr_provider, depends_on=[put_events]),
        )

    def _backup_failures(self, name: str, args: MonitoringArgs) -> None:
        # An EventBridge rule, not an alarm on AWS/Backup metrics: a failed job is a discrete event, it
        # arrives with the job and the reason, and copy jobs to the DR vault are covered by the same rule.
        vault_arn_suffix = Output.concat(":backup-vault:", args.backup_vault_name)
        pattern = Output.json_dumps(
            {
                "source": ["aws.backup"],
                "detail-type": ["Backup Job State Change", "Copy Job State Change"],
                "detail": {
                    "state": BACKUP_FAILURE_STATES,
                    "$or": [
                        {"backupVaultName": [args.backup_vault_name]},
                        {"sourceBackupVaultArn": [{"suffix": vault_arn_suffix}]},
                    ],
                },
            }
        )
        self._notify_rule(
            name,
            args,
            "backup-job-failed",
            route("critical", args.topic_arns),
            pattern,
            "A backup or DR copy job of the platform's vault failed, was aborted or expired",
        )

    def _notify_rule(
        self, name: str, args: MonitoringArgs, key: str, severity: str, pattern: Output[str], description: str
    ) -> None:
        rule = notify_topic(
            self,
            f"{name}-{key}",
            rule_name=f"{args.config.name_prefix}-{key}",
            description=description,
            pattern=pattern,
            topic_arn=args.topic_arns[severity],
        )
        self.event_rules[key] = rule
        self.event_severity[key] = severity


# The SLO alarms a deploy can break (API p95 latency, database read/write p95): they page as warnings, but a
# deploy that sets one off is rolled back all the same (the platform documentation's "critical metrics").
ROLLBACK_SLO_KEYS = frozenset({"api-latency-p95", "db-read-latency-p95", "db-write-latency-p95"})


def critical_alarm_names(config: PlatformConfig, health: list[AlarmSpec]) -> list[str]:
    """Names of the primary-region alarms `platformctl bake` watches after a deploy (stack output
    criticalAlarmNames): every health alarm the program marks critical, and the SLO alarms above.

    By the severity the program gives them, not the topic they reach, so dev (no critical topic) lists them too.
    Left out: the security signals (root or break-glass use says who is in the account, not whether the deploy
    works: no reason to roll it back) and the DR replica's lag alarm (it lives in the DR region).
    """
    return sorted(
        alarm_name(config, spec) for spec in health if spec.severity == "critical" or spec.key in ROLLBACK_SLO_KEYS
    )


def alarm_name(config: PlatformConfig, spec: AlarmSpec) -> str:
    # A fixed, readable name: it is the title of the Slack post and of the PagerDuty incident.
    return f"{config.name_prefix}-{spec.key}"


def _default_event_bus_arn(topic_arn: str) -> str:
    """The default event bus of the topic's region and account: arn:aws:sns:REGION:ACCOUNT:NAME -> bus ARN."""
    _, partition, _, region, account, *_ = topic_arn.split(":")
    return f"arn:{partition}:events:{region}:{account}:event-bus/default"
