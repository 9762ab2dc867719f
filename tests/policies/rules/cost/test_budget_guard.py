"""The budget guard rule: the stack's estimate against its own AWS Budget."""

from __future__ import annotations

from platform_core.cost.pricebook import load_usage
from platform_policies.framework import Resource
from platform_policies.rules.cost.budget_guard import estimate_within_budget
from tests.platform_core.estimate_cases import BOOK


def test_budget_guard_compares_the_estimate_with_the_stacks_budget():
    nodes = Resource(
        type="aws:eks/nodeGroup:NodeGroup",
        urn="urn:n",
        name="nodes",
        props={"instanceTypes": ["m6i.xlarge"], "scalingConfig": {"desiredSize": 10}},
    )
    rule = estimate_within_budget(BOOK, load_usage())
    budget = Resource(type="aws:budgets/budget:Budget", urn="urn:b", name="monthly", props={"limitAmount": "1000"})
    (violation,) = rule.check_stack([nodes, budget], {"usageProfile": "prod"})
    assert "$1,401.60 exceeds the budget monthly of $1,000.00" in violation.message and violation.urn == "urn:b"
    roomy = Resource(type=budget.type, urn="urn:b", name="monthly", props={"limitAmount": "1500"})
    assert rule.check_stack([nodes, roomy], {"usageProfile": "prod"}) == []
