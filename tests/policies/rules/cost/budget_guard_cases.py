"""Cases for the budget guard (platform_policies/rules/cost/budget_guard.py): the estimate against the budget."""

from __future__ import annotations

from tests.policies.cases import Case, res

_BIG_GROUP = res(
    "aws:eks/nodeGroup:NodeGroup", "nodes", instanceTypes=["m6i.xlarge"], scalingConfig={"desiredSize": 10}
)
CASES: list[Case] = [
    Case(
        "estimate-within-budget",
        True,
        (_BIG_GROUP, res("aws:budgets/budget:Budget", "b", limitAmount="1000")),
        {"usageProfile": "prod"},
        note="ten-xlarge-nodes-on-1000",
        offender="b",
    ),
    Case(
        "estimate-within-budget",
        False,
        (_BIG_GROUP, res("aws:budgets/budget:Budget", "b", limitAmount="5000")),
        {"usageProfile": "prod"},
    ),
    Case(
        "estimate-within-budget",
        True,
        (_BIG_GROUP, res("aws:budgets/budget:Budget", "b", limitAmount="5000")),
        {"usageProfile": "qa"},
        note="unknown-usage-profile",
    ),
]
