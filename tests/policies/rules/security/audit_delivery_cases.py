"""Cases for audit delivery notifications (platform_policies/rules/security/audit_delivery.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

TRAIL = "aws:cloudtrail/trail:Trail"
TRAIL_OK = {"isMultiRegionTrail": True, "enableLogFileValidation": True}

CASES: list[Case] = [
    Case("cloudtrail-sns-notifications", False, (res(TRAIL, **TRAIL_OK, snsTopicName="trail-delivery-1a2b3c"),)),
    Case(
        "cloudtrail-sns-notifications",
        False,
        (res(TRAIL, **TRAIL_OK, snsTopicName="arn:aws:sns:us-east-1:123456789012:trail-delivery"),),
        note="topic-arn",
    ),
    Case("cloudtrail-sns-notifications", True, (res(TRAIL, **TRAIL_OK),), note="unset"),
    Case("cloudtrail-sns-notifications", True, (res(TRAIL, **TRAIL_OK, snsTopicName=""),), note="empty"),
]
