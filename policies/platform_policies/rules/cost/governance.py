"""Cost governance rules: cost allocation tags, a budget with alerts, and bounded log retention."""

from __future__ import annotations

import functools
import importlib.util
import keyword
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ...aws_resources import effective_tags
from ...framework import Resource, Rule, Violation, of_type
from ...resource_types import BUDGET, EVERY_AWS_TYPE, LOG_GROUP
from ...values import as_int, as_list

# AWS accepts these retention values; 0 (or no value) means the log group never expires.
_NEVER = 0


# --- log-retention-capped -----------------------------------------------------------------------


def _check_log_retention(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    max_days = as_int(config.get("maxDays"))
    days = as_int(resource.get("retentionInDays"))
    if days is None or days == _NEVER:
        shown = "is not set" if days is None else "is 0"
        yield f"retentionInDays {shown}, so the log group keeps logs forever; set at most {max_days} days"
    elif max_days is not None and days > max_days:
        yield f"retentionInDays is {days}; this tier keeps logs at most {max_days} days"


# --- cost-tags-present --------------------------------------------------------------------------


@functools.cache
def is_taggable(type_token: str) -> bool:
    """Whether the pulumi_aws resource for `type_token` takes a `tags` argument (unknown types: no).

    Read from the generated source instead of importing it: importing every pulumi_aws class module
    a stack uses costs seconds, reading a file milliseconds, and the pack runs on every preview.
    """
    parts = type_token.split(":")
    if len(parts) != 3 or parts[0] != "aws":
        return False
    module, _, kind = parts[1].partition("/")
    source = _aws_package() / (f"{module}_" if keyword.iskeyword(module) else module) / f"{_snake(kind)}.py"
    try:
        return _TAGS_ARGUMENT.search(source.read_text()) is not None
    except OSError:
        return False


_TAGS_ARGUMENT = re.compile(r"^\s+tags: pulumi\.Input\[", re.MULTILINE)


@functools.cache
def _aws_package() -> Path:
    # The pack's requirements.txt installs pulumi_aws for this alone; without it every type would pass.
    spec = importlib.util.find_spec("pulumi_aws")
    if not (spec and spec.origin):
        raise RuntimeError("cost-tags-present reads pulumi_aws's sources: install the pack's requirements.txt")
    return Path(spec.origin).parent


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _check_cost_tags(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not is_taggable(resource.type):
        return
    tags = effective_tags(resource)
    missing = [str(k) for k in as_list(config.get("required")) if tags.get(k) in (None, "")]
    if missing:
        yield (
            f"missing cost allocation tags: {', '.join(missing)} (neither in the provider's defaultTags "
            "nor in the resource's tags)"
        )


# --- budget-exists ------------------------------------------------------------------------------


def _budget_problems(budget: Resource) -> list[str]:
    problems = []
    budget_type = budget.get("budgetType")
    if budget_type not in (None, "COST"):
        problems.append(f"budgetType is {budget_type}, not COST")
    try:
        amount = float(budget.get("limitAmount", default=0))
    except (TypeError, ValueError):
        amount = 0.0
    if amount <= 0 and not budget.get("plannedLimits"):
        problems.append("no limitAmount (or plannedLimits) above zero")
    notified = [
        n
        for n in as_list(budget.get("notifications"))
        if isinstance(n, Mapping) and (n.get("subscriberEmailAddresses") or n.get("subscriberSnsTopicArns"))
    ]
    if not notified:
        problems.append("no notification with an email or SNS subscriber")
    return problems


def _check_budget(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    budgets = of_type(resources, BUDGET)
    if not budgets:
        yield Violation("the stack has no aws.budgets.Budget: declare a monthly COST budget with notifications")
        return
    problems = {b.urn: _budget_problems(b) for b in budgets}
    if any(not p for p in problems.values()):
        return
    for budget in budgets:
        yield Violation(f"budget {budget.name} does not alert on spend: {'; '.join(problems[budget.urn])}", budget.urn)


RULES: list[Rule] = [
    Rule(
        name="log-retention-capped",
        description="CloudWatch log groups set a retention no longer than the tier allows, never 'forever'.",
        severity="low",
        remediation="Set `retention_in_days` on aws.cloudwatch.LogGroup to a value no greater than the tier's "
        "maxDays; archive to S3 with lifecycle rules when logs must be kept longer.",
        soc2=("C1.2", "A1.1"),
        config={"maxDays": 365},
        resource_types=(LOG_GROUP,),
        resource_check=_check_log_retention,
    ),
    Rule(
        name="cost-tags-present",
        description="Every taggable AWS resource carries the cost allocation tags, from the provider's "
        "defaultTags or its own tags.",
        severity="medium",
        remediation="Set `default_tags=aws.ProviderDefaultTagsArgs(tags={...})` on the aws.Provider with every "
        "required tag (environment, owner, cost-center, managed-by, data-classification), or add the "
        "missing keys to the resource's `tags`.",
        soc2=("CC6.1", "C1.1"),
        config={"required": ["environment", "owner", "cost-center", "managed-by", "data-classification"]},
        resource_types=(EVERY_AWS_TYPE,),
        resource_check=_check_cost_tags,
    ),
    Rule(
        name="budget-exists",
        description="The stack declares an AWS cost budget with a limit and at least one subscribed notification.",
        severity="medium",
        remediation='Add an aws.budgets.Budget with `budget_type="COST"`, `limit_amount`, `time_unit="MONTHLY"` '
        "and `notifications` that have `subscriber_sns_topic_arns` or `subscriber_email_addresses`.",
        soc2=("A1.1", "CC4.1"),
        resource_types=(BUDGET,),
        stack_check=_check_budget,
    ),
]
