"""Audit trail and threat detection: CloudTrail to S3 and CloudWatch Logs, GuardDuty findings to SNS.

Where observability.trailDeliveryNotifications is on, CloudTrail also notifies a topic of its own for each log
file it delivers, and an alarm warns when an hour passes without one: delivery stopped (bucket or key policy
broken, trail stopped) is seen within the hour instead of at the next audit. The topic is not the info topic:
a multi-region trail delivers many files an hour, and the info topic mails people.

The GuardDuty detector exists once per account and region: the account baseline (account-baseline/) owns it,
and this component only looks it up and routes its findings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..events import notify_topic
from ..iam import service_trust
from ..providers import from_account_baseline

TRAIL_S3_PREFIX = "cloudtrail"
# Without a delivered log file for this long, the trail's delivery is taken to have stopped. CloudTrail
# delivers about every 5 minutes per region with activity, and a multi-region trail always has some.
DELIVERY_SILENCE_SECONDS = 3600
# GuardDuty severity bands: high 7.0-8.9 and critical 9.0-10.0 page; medium 4.0-6.9 is a warning.
HIGH_SEVERITY = 7
MEDIUM_SEVERITY = 4


def trail_name(config: PlatformConfig) -> str:
    """The trail's name, known before it exists: bucket and key policies must name it to let CloudTrail in."""
    return f"{config.name_prefix}-trail"


def trail_arn(config: PlatformConfig, account_id: str) -> str:
    return f"arn:aws:cloudtrail:{config.primary_region}:{account_id}:trail/{trail_name(config)}"


class _DeliveryTopic(NamedTuple):
    topic: aws.sns.Topic
    policy: aws.sns.TopicPolicy


@dataclass(frozen=True)
class AuditArgs:
    config: PlatformConfig
    account_id: str
    logs_bucket_name: Input[str]
    logs_key_arn: Input[str]
    critical_topic_arn: Input[str] | None
    warning_topic_arn: Input[str]
    # Encrypts the delivery-notification topic; its key policy must admit cloudtrail.amazonaws.com.
    topic_key_arn: Input[str] | None = None
    # CreateTrail checks the bucket policy and key policy on the spot; pass them so it waits for them.
    trail_depends_on: Sequence[pulumi.Resource] = ()


class Audit(pulumi.ComponentResource):
    """A multi-region, validated, KMS-encrypted trail, and the account's GuardDuty findings routed to alerting."""

    trail: aws.cloudtrail.Trail
    trail_arn: Output[str]
    trail_log_group_name: Output[str]
    detector_id: str

    def __init__(self, name: str, args: AuditArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:audit:Audit", name, None, opts)
        config = args.config

        # Fixed names (log group, trail, event rules): a replacement must delete the old one before creating
        # the new one, or the create fails because the name already exists.
        group = aws.cloudwatch.LogGroup(
            f"{name}-trail-logs",
            name=f"/aws/cloudtrail/{config.name_prefix}",
            kms_key_id=args.logs_key_arn,
            retention_in_days=config.observability.log_retention_days,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        stream_arn = Output.concat(group.arn, ":*")
        role, role_policy = self._delivery_role(name, args, stream_arn)
        delivery = self._delivery_topic(name, args) if config.observability.trail_delivery_notifications else None
        self.trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=trail_name(config),
            s3_bucket_name=args.logs_bucket_name,
            s3_key_prefix=TRAIL_S3_PREFIX,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            kms_key_id=args.logs_key_arn,
            cloud_watch_logs_group_arn=stream_arn,
            cloud_watch_logs_role_arn=role.arn,
            # Name or ARN of a topic in the trail's region; CreateTrail checks the topic policy on the spot
            # (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html, SnsTopicName).
            sns_topic_name=delivery.topic.name if delivery else None,
            # No readOnly field selector: read and write management events are both recorded.
            advanced_event_selectors=[
                aws.cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="All management events",
                    field_selectors=[
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="eventCategory", equals=["Management"]
                        )
                    ],
                )
            ],
            # CreateTrail tests delivery to the log group at once, so the role's policy must be in place.
            opts=pulumi.ResourceOptions(
                parent=self,
                delete_before_replace=True,
                depends_on=[role_policy, *([delivery.policy] if delivery else []), *args.trail_depends_on],
            ),
        )

        if delivery is not None:
            self._delivery_alarm(name, args, delivery.topic)
        self.detector_id = self._detector_id()
        self._route_findings(name, args)

        self.trail_arn = self.trail.arn
        self.trail_log_group_name = group.name
        self.register_outputs(
            {
                "trailArn": self.trail_arn,
                "trailLogGroupName": self.trail_log_group_name,
                "detectorId": self.detector_id,
            }
        )

    def _detector_id(self) -> str:
        """The account's detector in the primary region (one per account and region, created by the baseline)."""
        return from_account_baseline(
            "GuardDuty detector in this account and region",
            lambda: aws.guardduty.get_detector(opts=pulumi.InvokeOptions(parent=self)),
        ).id

    def _delivery_role(
        self, name: str, args: AuditArgs, stream_arn: Output[str]
    ) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        # aws:SourceArn: only this trail may use the role (confused deputy).
        role = aws.iam.Role(
            f"{name}-trail-role",
            assume_role_policy=service_trust(
                "cloudtrail.amazonaws.com", {"StringEquals": {"aws:SourceArn": trail_arn(args.config, args.account_id)}}
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-trail-role-logs",
            role=role.id,
            policy=Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": stream_arn,
                        }
                    ],
                }
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return role, policy

    def _delivery_topic(self, name: str, args: AuditArgs) -> _DeliveryTopic:
        if args.topic_key_arn is None:
            raise ValueError("trail delivery notifications need AuditArgs.topic_key_arn (the alerts key)")
        topic = aws.sns.Topic(
            f"{name}-trail-delivery",
            display_name=f"{args.config.name_prefix} CloudTrail log delivery",
            kms_master_key_id=args.topic_key_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        # CloudTrail's documented statement, fenced to our trail with aws:SourceArn as the same page advises
        # (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html).
        # Same-account principals keep their IAM permissions: a topic policy without them only adds CloudTrail.
        policy = aws.sns.TopicPolicy(
            f"{name}-trail-delivery-policy",
            arn=topic.arn,
            policy=Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AWSCloudTrailSNSPolicy",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "SNS:Publish",
                            "Resource": topic.arn,
                            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn(args.config, args.account_id)}},
                        }
                    ],
                }
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return _DeliveryTopic(topic, policy)

    def _delivery_alarm(self, name: str, args: AuditArgs, topic: aws.sns.Topic) -> None:
        # No datapoint at all when nothing is published: missing data is the failure this alarm exists for.
        aws.cloudwatch.MetricAlarm(
            f"{name}-trail-delivery-stopped",
            # A fixed, readable name (the title of the Slack post), so a replacement deletes the old one first.
            name=f"{args.config.name_prefix}-trail-delivery-stopped",
            alarm_description="CloudTrail delivered no log file for an hour: check the trail, bucket and key policy",
            namespace="AWS/SNS",
            metric_name="NumberOfMessagesPublished",
            dimensions={"TopicName": topic.name},
            statistic="Sum",
            period=DELIVERY_SILENCE_SECONDS,
            evaluation_periods=1,
            threshold=1,
            comparison_operator="LessThanThreshold",
            treat_missing_data="breaching",
            alarm_actions=[args.warning_topic_arn],
            ok_actions=[args.warning_topic_arn],
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )

    def _route_findings(self, name: str, args: AuditArgs) -> None:
        high_topic = args.critical_topic_arn if args.critical_topic_arn is not None else args.warning_topic_arn
        routes: dict[str, tuple[list[object], Input[str]]] = {
            "high": ([">=", HIGH_SEVERITY], high_topic),
            "medium": ([">=", MEDIUM_SEVERITY, "<", HIGH_SEVERITY], args.warning_topic_arn),
        }
        for severity, (bounds, topic_arn) in routes.items():
            notify_topic(
                self,
                f"{name}-guardduty-{severity}",
                rule_name=f"{args.config.name_prefix}-guardduty-{severity}",
                description=f"GuardDuty findings of {severity} severity",
                pattern=json.dumps(
                    {
                        "source": ["aws.guardduty"],
                        "detail-type": ["GuardDuty Finding"],
                        "detail": {"severity": [{"numeric": bounds}]},
                    }
                ),
                topic_arn=topic_arn,
                target_name=f"{name}-guardduty-{severity}-sns",
                state="ENABLED",
            )
