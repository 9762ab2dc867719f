"""Rule cases: a compliant or non-compliant stack in a line or two, and how to run one.

Each rule module's cases live in tests/policies/rules/<concern>/<module>_cases.py as a CASES list;
tests/policies/rules/test_all_rules.py runs them all, written as in a program and as CrossGuard hands
them over.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from platform_policies.framework import Resource, Rule


def res(
    type_: str,
    urn_name: str = "r",
    protect: bool = False,
    provider_props: dict | None = None,
    property_dependencies: dict | None = None,
    **props: Any,
) -> Resource:
    """A resource with a readable URN; props are camelCase inputs as the engine sends them."""
    return Resource(
        type=type_,
        props=props,
        urn=f"urn:pulumi:test::platform::{type_}::{urn_name}",
        name=urn_name,
        protect=protect,
        provider_props=provider_props or {},
        property_dependencies={k: tuple(v) for k, v in (property_dependencies or {}).items()},
    )


@dataclass(frozen=True)
class Case:
    rule: str
    violates: bool
    resources: tuple[Resource, ...]  # one resource for a resource rule, the whole stack for a stack rule
    config: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    # The name of the resource a stack rule's violation names, None when the stack as a whole falls short
    # (no budget, no trail); a resource rule's violation is always the resource's own.
    offender: str | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}-{'violates' if self.violates else 'complies'}{'-' + self.note if self.note else ''}"


def findings(rule: Rule, case: Case) -> list[tuple[str | None, str]]:
    """(URN, message) of every violation, a resource rule's attributed to its resource as the engine does."""
    if rule.is_stack_rule:
        return [(v.urn, v.message) for v in rule.check_stack(list(case.resources), case.config)]
    assert len(case.resources) == 1, f"{case.id}: a resource rule takes one resource"
    (resource,) = case.resources
    return [(resource.urn, message) for message in rule.check_resource(resource, case.config)]


def expected_urn(rule: Rule, case: Case) -> str | None:
    if not rule.is_stack_rule:
        return case.resources[0].urn
    if case.offender is None:
        return None
    (offender,) = [r for r in case.resources if r.name == case.offender]
    return offender.urn


def as_crossguard_sees_it(case: Case) -> Case:
    """Props wrapped the way CrossGuard hands them over: Mapping/Sequence proxies, every number a double."""
    return replace(
        case,
        resources=tuple(replace(r, props=unknown_checking_proxy(engine_view(dict(r.props)))) for r in case.resources),
    )


def reads_unknown_values(case: Case) -> bool:
    """A case holding a value unknown during preview: CrossGuard reports "can't run policy during preview"."""
    return any(UNKNOWN_STRING_VALUE in r.props.values() for r in case.resources)


def engine_view(value: Any) -> Any:
    """Props as the engine sends them: every number a double (booleans stay booleans)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {key: engine_view(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [engine_view(item) for item in value]
    return value


def raises_unknown_value():
    return pytest.raises(UnknownValueError)
