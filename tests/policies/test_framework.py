"""The rule model: a rule sees only the resource types it declares."""

from __future__ import annotations

import pytest

from platform_policies.framework import Rule, Violation
from tests.policies.cases import res

QUEUE = "aws:sqs/queue:Queue"
TOPIC = "aws:sns/topic:Topic"


def _rule(**overrides) -> Rule:
    fields = dict(name="r", description="d", severity="low", remediation="fix", soc2=("CC6.1",))
    return Rule(**{**fields, **overrides})


def test_a_resource_check_never_sees_another_type():
    rule = _rule(resource_types=(QUEUE,), resource_check=lambda resource, config: [resource.type])
    assert rule.check_resource(res(QUEUE)) == [QUEUE]
    assert rule.check_resource(res(TOPIC)) == []


def test_declared_types_may_be_patterns():
    rule = _rule(resource_types=("kubernetes:*:Deployment",), resource_check=lambda resource, config: ["seen"])
    assert rule.check_resource(res("kubernetes:apps/v1:Deployment")) == ["seen"]
    assert rule.check_resource(res("kubernetes:apps/v1:StatefulSet")) == []


def test_a_stack_check_gets_only_its_declared_types_or_the_whole_stack():
    def names(resources, config):
        return [Violation(r.name) for r in resources]

    stack = [res(QUEUE, "q"), res(TOPIC, "t")]
    assert [v.message for v in _rule(resource_types=(TOPIC,), stack_check=names).check_stack(stack)] == ["t"]
    assert [v.message for v in _rule(stack_check=names).check_stack(stack)] == ["q", "t"]


def test_config_is_merged_over_the_rule_defaults():
    rule = _rule(config={"a": 1, "b": 2}, resource_types=(QUEUE,), resource_check=lambda r, config: [str(config)])
    assert rule.check_resource(res(QUEUE), {"b": 3}) == [str({"a": 1, "b": 3})]


@pytest.mark.parametrize(
    "overrides,problem",
    [
        ({"resource_check": lambda r, c: []}, "declares no resource_types"),
        ({}, "exactly one of"),
        ({"resource_check": lambda r, c: [], "stack_check": lambda rs, c: []}, "exactly one of"),
    ],
)
def test_a_rule_must_say_what_it_checks(overrides, problem):
    with pytest.raises(ValueError, match=problem):
        _rule(**overrides)
