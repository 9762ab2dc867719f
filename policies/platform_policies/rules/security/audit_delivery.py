"""Security rule for audit delivery: a trail notifies an SNS topic of each log file, so a stop is noticed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule
from ...resource_types import CLOUDTRAIL


def _check_sns_notifications(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not resource.get("snsTopicName"):
        yield "snsTopicName is not set; nothing notices when the trail stops delivering log files"


RULES: list[Rule] = [
    Rule(
        name="cloudtrail-sns-notifications",
        description="CloudTrail trails notify an SNS topic of every log file they deliver.",
        severity="medium",
        remediation="Set `sns_topic_name` on aws.cloudtrail.Trail to a KMS-encrypted topic whose policy lets "
        "cloudtrail.amazonaws.com SNS:Publish with aws:SourceArn the trail's ARN (and whose key admits "
        "CloudTrail), and alarm when its NumberOfMessagesPublished stops "
        "(platform:observability.trailDeliveryNotifications).",
        soc2=("CC7.2", "CC7.3"),
        # No CIS control names trail notifications; cloudtrail-enabled carries CIS 3.1.
        resource_types=(CLOUDTRAIL,),
        resource_check=_check_sns_notifications,
    ),
]
