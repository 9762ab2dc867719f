"""Cost: what a tier may run and how much of it, allocation tags, budgets and the estimate against the budget."""

from __future__ import annotations

from . import budget_guard, capacity, governance

RULES = [*capacity.RULES, *budget_guard.RULES, *governance.RULES]
