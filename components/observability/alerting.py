"""Alert routing: one encrypted SNS topic per severity, delivered where the platform documentation says.

critical -> PagerDuty + Slack #platform-alerts, warning -> Slack #platform-monitoring,
info -> email. Slack delivery goes through AWS Chatbot, so no webhook secret lives anywhere.
Where a severity has no Slack channel configured (dev may run without Slack), its topic mails the
info address instead: a topic nobody subscribes to drops its alerts silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.loader import InvalidConfigError
from ..config.model import PlatformConfig
from ..iam import service_trust

# The services whose notifications this platform routes: alarms, EventBridge rules and AWS Budgets.
PUBLISHERS = ("cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com")
# What the topic owner may do: the actions of SNS's own default topic policy, listed, never "SNS:*".
OWNER_ACTIONS = (
    "SNS:GetTopicAttributes",
    "SNS:SetTopicAttributes",
    "SNS:AddPermission",
    "SNS:RemovePermission",
    "SNS:DeleteTopic",
    "SNS:Subscribe",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
)
# Chatbot may only read metrics to render alarm graphs; the guardrail caps what any channel member can do.
CHATBOT_ROLE_POLICY = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"
CHATBOT_GUARDRAIL = "arn:aws:iam::aws:policy/ReadOnlyAccess"
# Severity -> the config field holding its Slack channel (#platform-alerts, #platform-monitoring).
SLACK_CHANNELS = {"critical": "slack_critical_channel_id", "warning": "slack_warning_channel_id"}


class _ChatbotRole(NamedTuple):
    role: aws.iam.Role
    read_policy: aws.iam.RolePolicyAttachment


@dataclass(frozen=True)
class AlertingArgs:
    config: PlatformConfig
    account_id: str
    key_arn: Input[str]
    pagerduty_endpoint: Output[str] | None  # secret: the integration URL is enough to open incidents


class Alerting(pulumi.ComponentResource):
    topics: dict[str, aws.sns.Topic]
    topic_arns: dict[str, Output[str]]

    def __init__(self, name: str, args: AlertingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        severities = args.config.alerting.severities
        if "critical" in severities and args.pagerduty_endpoint is None:
            # Checked before registering anything: a paging tier without its pager is a config mistake.
            raise InvalidConfigError(
                f"platform:pagerdutyEndpoint is not set; the {args.config.tier.value} tier pages on critical alerts. "
                "Set it with `pulumi config set --secret platform:pagerdutyEndpoint "
                "<PagerDuty CloudWatch integration URL>`"
            )
        super().__init__("platform:alerting:Alerting", name, None, opts)

        self.topics = {severity: self._topic(f"{name}-{severity}", severity, args) for severity in severities}
        chatbot = self._chatbot_role(name) if any(slack_channel(args.config, s) for s in severities) else None
        for severity, topic in self.topics.items():
            self._deliver(f"{name}-{severity}", severity, topic, chatbot, args)

        self.topic_arns = {severity: topic.arn for severity, topic in self.topics.items()}
        self.register_outputs({"topicArns": self.topic_arns})

    def _topic(self, name: str, severity: str, args: AlertingArgs) -> aws.sns.Topic:
        topic = aws.sns.Topic(
            name,
            display_name=f"{args.config.name_prefix} {severity}",
            kms_master_key_id=args.key_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=topic.arn,
            policy=_topic_policy(topic.arn, args.account_id),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return topic

    def _chatbot_role(self, name: str) -> _ChatbotRole:
        role = aws.iam.Role(
            f"{name}-chatbot",
            assume_role_policy=service_trust("chatbot.amazonaws.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        read = aws.iam.RolePolicyAttachment(
            f"{name}-chatbot-read",
            role=role.name,
            policy_arn=CHATBOT_ROLE_POLICY,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return _ChatbotRole(role, read)

    def _deliver(
        self, name: str, severity: str, topic: aws.sns.Topic, chatbot: _ChatbotRole | None, args: AlertingArgs
    ) -> None:
        if severity == "critical":
            aws.sns.TopicSubscription(
                f"{name}-pagerduty",
                topic=topic.arn,
                protocol="https",
                endpoint=args.pagerduty_endpoint,
                # PagerDuty confirms the subscription itself; without this the provider waits for a manual step.
                endpoint_auto_confirms=True,
                opts=pulumi.ResourceOptions(parent=self),
            )
        channel = slack_channel(args.config, severity)
        if channel is not None and chatbot is not None:
            self._slack(f"{name}-slack", severity, topic, chatbot, args.config, channel)
        if severity == "info" or (severity in SLACK_CHANNELS and channel is None):
            # Stays "pending confirmation" until someone follows the link AWS mails to the address.
            aws.sns.TopicSubscription(
                f"{name}-email",
                topic=topic.arn,
                protocol="email",
                endpoint=args.config.alerting.email,
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _slack(
        self,
        name: str,
        severity: str,
        topic: aws.sns.Topic,
        chatbot: _ChatbotRole,
        config: PlatformConfig,
        channel: str,
    ) -> aws.chatbot.SlackChannelConfiguration:
        # No `region`: Chatbot's API lives in four regions only (us-east-2, us-west-2, eu-west-1,
        # ap-southeast-1); the provider sends the calls to one of them when the stack's region is another,
        # and the configuration itself is global and reads topics from any region.
        return aws.chatbot.SlackChannelConfiguration(
            name,
            configuration_name=f"{config.name_prefix}-{severity}",
            iam_role_arn=chatbot.role.arn,
            slack_team_id=config.alerting.slack_workspace_id,
            slack_channel_id=channel,
            sns_topic_arns=[topic.arn],
            guardrail_policy_arns=[CHATBOT_GUARDRAIL],
            logging_level="ERROR",
            # A fixed configuration name: a replacement must delete the old one first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[chatbot.read_policy], delete_before_replace=True),
        )


def slack_channel(config: PlatformConfig, severity: str) -> str | None:
    """The Slack channel a severity posts to, or None: not a Slack severity, or no workspace or channel set."""
    field = SLACK_CHANNELS.get(severity)
    if field is None or config.alerting.slack_workspace_id is None:
        return None
    return getattr(config.alerting, field)


def _topic_policy(topic_arn: Output[str], account_id: str) -> Output[str]:
    return Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountOwner",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": list(OWNER_ACTIONS),
                    "Resource": topic_arn,
                },
                {
                    # Only this account's alarms, rules and budgets: a service principal alone would let any
                    # account's alarm publish here (confused deputy).
                    "Sid": "PlatformPublishers",
                    "Effect": "Allow",
                    "Principal": {"Service": list(PUBLISHERS)},
                    "Action": "SNS:Publish",
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
            ],
        }
    )
