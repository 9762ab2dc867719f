"""The budget guard: a stack whose estimated monthly cost exceeds its own AWS Budget fails.

The limit is read from the stack's aws.budgets.Budget, which the program builds from
`platform:budget.monthlyLimitUsd`: the guard and the budget alerts can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from platform_core.cost.estimate import estimate_stack
from platform_core.cost.pricebook import PriceBook, load_price_book, load_usage

from ...framework import Resource, Rule, Violation, of_type
from ...resource_types import BUDGET


def estimate_within_budget(book: PriceBook, usage: Mapping[str, Any]) -> Rule:
    def check(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
        budgets = [b for b in of_type(resources, BUDGET) if b.get("limitAmount") is not None]
        if not budgets:
            return  # budget-exists reports the missing budget
        profile = str(config["usageProfile"])
        tiers = usage.get("tiers") or {}
        if profile not in tiers:
            yield Violation(f"usageProfile {profile!r} is not in cost/usage.yaml (tiers: {', '.join(tiers)})")
            return
        estimate = estimate_stack(
            "stack",
            [_as_record(r) for r in resources],
            book,
            tiers[profile],
            float(usage.get("businessHoursPerMonth", book.hours_per_month)),
        )
        for budget in budgets:
            limit = float(budget.get("limitAmount"))
            if estimate.high > limit:
                yield Violation(
                    f"estimated monthly cost ${estimate.high:,.2f} exceeds the budget {budget.name} of ${limit:,.2f}",
                    budget.urn,
                )

    return Rule(
        name="estimate-within-budget",
        severity="high",
        level="mandatory",
        config={"usageProfile": "prod"},
        description="The stack's estimated monthly cost stays within its AWS Budget.",
        remediation="Shrink the stack (instance classes, node counts, NAT gateways) or raise "
        "`platform:budget.monthlyLimitUsd` with the cost owner's approval; run "
        "`python -m platformctl cost` to see what drives the estimate.",
        soc2=("CC9.1", "A1.1"),
        stack_check=check,
    )


def _as_record(resource: Resource) -> dict[str, Any]:
    """The estimator reads preview records; a policy sees inputs only, which is what it prices."""
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "inputs": resource.props,
        "outputs": {},
        "id": "",
        "custom": not resource.type.startswith("platform:"),
        "parent": resource.parent,
        "propertyDependencies": {k: list(v) for k, v in resource.property_dependencies.items()},
    }


RULES = [estimate_within_budget(load_price_book(), load_usage())]
