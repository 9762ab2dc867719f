"""Cases for cost governance: log retention, allocation tags, budgets (platform_policies/rules/cost/governance.py)."""

from __future__ import annotations

import json

from tests.policies.cases import Case, res

LOG = "aws:cloudwatch/logGroup:LogGroup"
BUDGET = "aws:budgets/budget:Budget"
VPC = "aws:ec2/vpc:Vpc"

TAGS = {
    "environment": "dev",
    "owner": "platform-team",
    "cost-center": "platform-engineering",
    "managed-by": "pulumi",
    "data-classification": "internal",
}
PROVIDER_JSON = {"defaultTags": json.dumps({"tags": TAGS})}
PROVIDER_DICT = {"defaultTags": {"tags": TAGS}}
NOTIFY = [
    {
        "notificationType": "ACTUAL",
        "threshold": 80,
        "thresholdType": "PERCENTAGE",
        "comparisonOperator": "GREATER_THAN",
        "subscriberSnsTopicArns": ["arn:aws:sns:us-east-1:1:alerts"],
    }
]

CASES: list[Case] = [
    # log-retention-capped
    Case("log-retention-capped", False, (res(LOG, retentionInDays=365),)),
    Case("log-retention-capped", True, (res(LOG, retentionInDays=3653),)),
    Case("log-retention-capped", True, (res(LOG, name="/aws/eks/x"),), note="unset-is-forever"),
    Case("log-retention-capped", True, (res(LOG, retentionInDays=0),), note="zero-is-forever"),
    Case("log-retention-capped", True, (res(LOG, retentionInDays=30),), {"maxDays": 14}, note="dev"),
    # cost-tags-present
    Case("cost-tags-present", False, (res(VPC, provider_props=PROVIDER_JSON),), note="default-tags-json"),
    Case("cost-tags-present", False, (res(VPC, provider_props=PROVIDER_DICT),), note="default-tags-dict"),
    Case("cost-tags-present", False, (res(VPC, tags=TAGS),), note="own-tags"),
    Case(
        "cost-tags-present",
        False,
        (
            res(
                VPC,
                provider_props={"defaultTags": json.dumps({"tags": {k: v for k, v in TAGS.items() if k != "owner"}})},
                tags={"owner": "team-a"},
            ),
        ),
        note="union",
    ),
    Case(
        "cost-tags-present",
        True,
        (res(VPC, provider_props={"defaultTags": json.dumps({"tags": {"environment": "dev"}})}),),
    ),
    Case("cost-tags-present", True, (res(VPC),), note="no-tags-at-all"),
    Case("cost-tags-present", True, (res(VPC, tags={**TAGS, "owner": ""}),), note="empty-value"),
    Case(
        "cost-tags-present",
        True,
        (res("aws:lambda/function:Function", tags={"environment": "dev"}),),
        note="keyword-module",
    ),
    Case("cost-tags-present", False, (res("aws:ec2/route:Route"),), note="not-taggable"),
    Case("cost-tags-present", False, (res("aws:nosuch/thing:Thing"),), note="unknown-type"),
    Case("cost-tags-present", False, (res("kubernetes:core/v1:Namespace"),), note="not-aws"),
    # budget-exists
    Case(
        "budget-exists",
        False,
        (
            res(
                BUDGET, budgetType="COST", limitAmount="1500", limitUnit="USD", timeUnit="MONTHLY", notifications=NOTIFY
            ),
        ),
    ),
    Case("budget-exists", True, (res(VPC),), note="no-budget"),
    Case(
        "budget-exists",
        True,
        (res(BUDGET, budgetType="COST", limitAmount="1500", timeUnit="MONTHLY"),),
        note="no-notifications",
        offender="r",
    ),
    Case(
        "budget-exists",
        True,
        (
            res(
                BUDGET,
                budgetType="COST",
                limitAmount="1500",
                notifications=[{"notificationType": "ACTUAL", "threshold": 80}],
            ),
        ),
        note="notification-without-subscriber",
        offender="r",
    ),
    Case("budget-exists", True, (res(BUDGET, budgetType="COST", notifications=NOTIFY),), note="no-limit", offender="r"),
    Case(
        "budget-exists",
        True,
        (res(BUDGET, budgetType="USAGE", limitAmount="10", notifications=NOTIFY),),
        note="usage-budget",
        offender="r",
    ),
    Case(
        "budget-exists",
        False,
        (
            res(BUDGET, "bad", budgetType="COST"),
            res(BUDGET, "good", budgetType="COST", limitAmount="100", notifications=NOTIFY),
        ),
        note="one-good-is-enough",
    ),
]
