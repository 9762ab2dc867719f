"""The stack's monthly AWS Budget: actual-spend thresholds and a forecast alert, delivered through SNS."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig

FORECAST_PERCENT = 100
MAX_NOTIFICATIONS = 10  # AWS Budgets' limit per budget
# Which topic a notification goes to, first existing one wins.
_BELOW_LIMIT = ("info", "warning", "critical")
_AT_OR_ABOVE_LIMIT = ("warning", "critical", "info")


@dataclass(frozen=True)
class BudgetArgs:
    config: PlatformConfig
    topic_arns: dict[str, Input[str]]  # severity -> SNS topic ARN


class Budget(pulumi.ComponentResource):
    """A COST budget on the stack's `environment` cost-allocation tag."""

    budget: aws.budgets.Budget
    budget_name: Output[str]
    limit_usd: int

    def __init__(self, name: str, args: BudgetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:budget:Budget", name, None, opts)
        config = args.config
        settings = config.budget
        if not set(args.topic_arns) & set(_BELOW_LIMIT):
            raise ValueError(
                f"the budget needs one of the {', '.join(_BELOW_LIMIT)} topics; got {sorted(args.topic_arns)}"
            )
        if len(settings.alert_thresholds_percent) + 1 > MAX_NOTIFICATIONS:
            raise ValueError(
                f"budget.alertThresholdsPercent allows at most {MAX_NOTIFICATIONS - 1} values: "
                f"AWS Budgets takes {MAX_NOTIFICATIONS} notifications, one is the forecast"
            )

        notifications = [
            self._notification("ACTUAL", percent, _topic(args.topic_arns, percent))
            for percent in settings.alert_thresholds_percent
        ]
        notifications.append(
            self._notification("FORECASTED", FORECAST_PERCENT, _topic(args.topic_arns, FORECAST_PERCENT))
        )
        self.budget = aws.budgets.Budget(
            f"{name}-monthly",
            name=f"{config.name_prefix}-monthly",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=str(settings.monthly_limit_usd),
            limit_unit="USD",
            # Costs count only once `environment` is an active cost-allocation tag of the payer account.
            cost_filters=[
                aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[f"user:environment${config.tier.value}"])
            ],
            notifications=notifications,
            # A fixed name, unique in the account: a replacement must delete the old budget first.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )

        self.budget_name = self.budget.name
        self.limit_usd = settings.monthly_limit_usd
        self.register_outputs({"budgetName": self.budget_name, "limitUsd": self.limit_usd})

    @staticmethod
    def _notification(kind: str, percent: int, topic_arn: Input[str]) -> aws.budgets.BudgetNotificationArgs:
        return aws.budgets.BudgetNotificationArgs(
            comparison_operator="GREATER_THAN",
            threshold=percent,
            threshold_type="PERCENTAGE",
            notification_type=kind,
            subscriber_sns_topic_arns=[topic_arn],
        )


def _topic(topic_arns: dict[str, Input[str]], percent: int) -> Input[str]:
    preference = _BELOW_LIMIT if percent < 100 else _AT_OR_ABOVE_LIMIT
    return next(topic_arns[severity] for severity in preference if severity in topic_arns)
