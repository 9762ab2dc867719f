"""Helpers for rule tests: a compact way to write a compliant and a non-compliant case per rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policies.framework import Resource, Rule


def res(type_: str, urn_name: str = "r", protect: bool = False, provider_props: dict | None = None,
        property_dependencies: dict | None = None, **props: Any) -> Resource:
    """A resource with a readable URN; props are camelCase inputs as the engine sends them."""
    return Resource(type=type_, props=props, urn=f"urn:pulumi:test::platform::{type_}::{urn_name}",
                    name=urn_name, protect=protect, provider_props=provider_props or {},
                    property_dependencies={k: tuple(v) for k, v in (property_dependencies or {}).items()})


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
