"""EventBridge rules that notify an SNS topic: written once for every component that routes AWS events."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
from pulumi import Input


def notify_topic(
    parent: pulumi.Resource,
    logical_name: str,
    *,
    rule_name: str,
    description: str,
    pattern: Input[str],
    topic_arn: Input[str],
    target_name: str | None = None,
    state: str | None = None,
) -> aws.cloudwatch.EventRule:
    """A rule on the default bus matching `pattern`, with the topic as its target.

    The rule's name is fixed (it titles the alert), so a replacement must delete the old rule first. The topic's
    policy must admit events.amazonaws.com (components/observability/alerting.py does, for this account).
    """
    rule = aws.cloudwatch.EventRule(
        logical_name,
        name=rule_name,
        description=description,
        event_pattern=pattern,
        state=state,
        opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=True),
    )
    aws.cloudwatch.EventTarget(
        target_name or logical_name, rule=rule.name, arn=topic_arn, opts=pulumi.ResourceOptions(parent=parent)
    )
    return rule
