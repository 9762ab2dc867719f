"""Every rule of the pack, grouped by concern; ALL_RULES is the one list the pack is built from."""

from __future__ import annotations

from . import cost, encryption, kubernetes, resilience, security

ALL_RULES = [*encryption.RULES, *resilience.RULES, *cost.RULES, *security.RULES, *kubernetes.RULES]

_names = [rule.name for rule in ALL_RULES]
if len(_names) != len(set(_names)):
    raise ValueError(f"duplicate rule names: {sorted({n for n in _names if _names.count(n) > 1})}")
