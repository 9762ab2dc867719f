"""Helpers for rule tests: a compact way to write a compliant and a non-compliant case per rule."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from policies.framework import Resource, Rule


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

    @property
    def id(self) -> str:
        return f"{self.rule}-{'violates' if self.violates else 'complies'}{'-' + self.note if self.note else ''}"


def violations(rule: Rule, case: Case) -> list[str]:
    if rule.is_stack_rule:
        return [v.message for v in rule.check_stack(list(case.resources), case.config)]
    assert len(case.resources) == 1, f"{case.id}: a resource rule takes one resource"
    return rule.check_resource(case.resources[0], case.config)


def assert_case(rules: dict[str, Rule], case: Case) -> None:
    found = violations(rules[case.rule], case)
    if case.violates:
        assert found, f"{case.id}: expected a violation, got none"
        assert all(isinstance(m, str) and m for m in found)
    else:
        assert not found, f"{case.id}: expected no violation, got {found}"


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


def assert_case_as_crossguard_sees_it(rules: dict[str, Rule], case: Case) -> None:
    """The same case with props wrapped the way CrossGuard hands them over: Mapping/Sequence proxies, doubles."""
    proxied = tuple(replace(r, props=unknown_checking_proxy(engine_view(dict(r.props)))) for r in case.resources)
    if any(UNKNOWN_STRING_VALUE in r.props.values() for r in case.resources):
        with pytest.raises(UnknownValueError):  # CrossGuard reports "can't run policy during preview"
            assert_case(rules, replace(case, resources=proxied))
        return
    assert_case(rules, replace(case, resources=proxied))
