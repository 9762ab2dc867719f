"""Every rule of ALL_RULES against its table of cases: a compliant case finds nothing, a violating case
finds a violation naming the resource at fault, both as written and as CrossGuard hands the props over.
"""

from __future__ import annotations

import pytest

from platform_policies.rules import ALL_RULES
from tests.policies.cases import (
    Case,
    as_crossguard_sees_it,
    expected_urn,
    findings,
    raises_unknown_value,
    reads_unknown_values,
)
from tests.policies.rules.cost import budget_guard_cases, capacity_cases, governance_cases
from tests.policies.rules.encryption import data_stores_cases, in_transit_cases, service_data_cases
from tests.policies.rules.kubernetes import namespaces_cases, workloads_cases
from tests.policies.rules.resilience import (
    backup_coverage_cases,
    backups_cases,
    database_observability_cases,
    infrastructure_cases,
    synthetic_monitoring_cases,
)
from tests.policies.rules.security import (
    audit_delivery_cases,
    bucket_logging_cases,
    container_images_cases,
    dns_cases,
    edge_protection_cases,
    exposure_cases,
    identity_cases,
    instance_metadata_cases,
    network_hardening_cases,
)

CASE_MODULES = (
    data_stores_cases,
    service_data_cases,
    in_transit_cases,
    backups_cases,
    backup_coverage_cases,
    infrastructure_cases,
    database_observability_cases,
    synthetic_monitoring_cases,
    capacity_cases,
    budget_guard_cases,
    governance_cases,
    exposure_cases,
    identity_cases,
    instance_metadata_cases,
    audit_delivery_cases,
    bucket_logging_cases,
    network_hardening_cases,
    dns_cases,
    edge_protection_cases,
    container_images_cases,
    workloads_cases,
    namespaces_cases,
)
CASES = [case for module in CASE_MODULES for case in module.CASES]
RULES = {rule.name: rule for rule in ALL_RULES}
VIEWS = {"as-written": lambda case: case, "as-crossguard-sees-it": as_crossguard_sees_it}


def _cases(violates: bool) -> list:
    return [pytest.param(case, id=case.id) for case in CASES if case.violates is violates]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("case", _cases(violates=False))
def test_a_compliant_case_has_no_violation(case: Case, view: str) -> None:
    rule, seen = RULES[case.rule], VIEWS[view](case)
    if view != "as-written" and reads_unknown_values(case):
        with raises_unknown_value():  # CrossGuard then reports "can't run policy during preview"
            findings(rule, seen)
        return
    assert findings(rule, seen) == [], f"{case.id}: expected no violation"


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("case", _cases(violates=True))
def test_a_violating_case_names_the_resource_at_fault(case: Case, view: str) -> None:
    rule = RULES[case.rule]
    found = findings(rule, VIEWS[view](case))
    assert found, f"{case.id}: expected a violation, got none"
    assert all(isinstance(message, str) and message for _, message in found)
    assert expected_urn(rule, case) in [urn for urn, _ in found], f"{case.id}: {found}"


def test_every_rule_has_a_compliant_and_a_violating_case() -> None:
    covered = {(case.rule, case.violates) for case in CASES}
    missing = [
        (rule.name, violates)
        for rule in ALL_RULES
        for violates in (True, False)
        if (rule.name, violates) not in covered
    ]
    assert not missing, f"(rule, violates) pairs without a case: {missing}"
    assert {case.rule for case in CASES} <= set(RULES), "a case names a rule the pack does not have"


def test_the_pack_has_at_least_forty_rules_each_fully_described() -> None:
    assert len(ALL_RULES) >= 40
    for rule in ALL_RULES:
        assert rule.name == rule.name.lower() and " " not in rule.name and "_" not in rule.name, rule.name
        assert rule.description and rule.remediation and rule.soc2, rule.name


def test_every_resource_rule_declares_what_it_applies_to() -> None:
    undeclared = [rule.name for rule in ALL_RULES if not rule.is_stack_rule and not rule.resource_types]
    assert not undeclared
