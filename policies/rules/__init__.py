"""Every rule of the pack, grouped by concern; each module exports RULES."""

from . import (
    cost,
    cost_budget,
    cost_governance,
    encryption,
    encryption_services,
    kubernetes,
    kubernetes_namespaces,
    resilience,
    resilience_infra,
    security,
    security_iam,
    transit,
)

ALL_RULES = [
    *encryption.RULES,
    *encryption_services.RULES,
    *transit.RULES,
    *resilience.RULES,
    *resilience_infra.RULES,
    *cost.RULES,
    *cost_budget.RULES,
    *cost_governance.RULES,
    *security.RULES,
    *security_iam.RULES,
    *kubernetes.RULES,
    *kubernetes_namespaces.RULES,
]

_names = [rule.name for rule in ALL_RULES]
if len(_names) != len(set(_names)):
    raise ValueError(f"duplicate rule names: {sorted({n for n in _names if _names.count(n) > 1})}")
