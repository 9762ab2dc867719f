"""The CrossGuard wrapping: one policy per rule plus the three exemption policies, dispatched by declared type."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from platform_policies import crossguard
from platform_policies.exemptions import parse_exemption
from platform_policies.framework import Rule
from platform_policies.rules import ALL_RULES
from platformctl.policy.runner import EXEMPTED_MARKER

TODAY = datetime.date(2026, 11, 26)


def test_exempted_findings_carry_the_marker_the_reports_read():
    assert crossguard.EXEMPTED_MARKER == EXEMPTED_MARKER


def test_every_rule_becomes_a_policy_of_its_name_plus_the_exemption_policies():
    policies = crossguard.build_policies(ALL_RULES, [], TODAY)
    names = [policy.name for policy in policies]
    exemption_policies = [crossguard.EXEMPTIONS_VALID, crossguard.EXEMPTED_FINDINGS, crossguard.STALE_EXEMPTIONS]
    assert names == [rule.name for rule in ALL_RULES] + exemption_policies


def _args(resource_type: str, urn: str = "urn:r", **props):
    return SimpleNamespace(
        resource_type=resource_type, props=props, urn=urn, name="r", opts=None, provider=None, get_config=dict
    )


def _rule_reporting_everything() -> Rule:
    return Rule(
        name="sees-queues",
        description="d",
        severity="low",
        remediation="r",
        soc2=("CC6.1",),
        resource_types=("aws:sqs/queue:Queue",),
        resource_check=lambda resource, config: [f"saw {resource.type}"],
    )


def test_a_resource_policy_only_validates_the_types_its_rule_declares():
    policy = crossguard.build_policies([_rule_reporting_everything()], [], TODAY)[0]
    reported: list[str] = []
    policy.validate(_args("aws:sqs/queue:Queue"), lambda message, urn: reported.append(message))
    policy.validate(_args("aws:sns/topic:Topic"), lambda message, urn: reported.append(message))
    assert reported == ["saw aws:sqs/queue:Queue"]


def test_an_exempted_resource_is_left_to_the_exempted_findings_policy():
    exemption = parse_exemption(
        {"rule": "sees-queues", "urn": "urn:r", "reason": "a reason long enough", "owner": "o", "expires": "2027-01-01"}
    )
    policy = crossguard.build_policies([_rule_reporting_everything()], [exemption], TODAY)[0]
    reported: list[str] = []
    policy.validate(_args("aws:sqs/queue:Queue"), lambda message, urn: reported.append(message))
    assert reported == []


STACK_URN = "urn:pulumi:dev::platform::aws:sqs/queue:Queue::"


def _exemption(urn: str):
    return parse_exemption(
        {"rule": "sees-queues", "urn": urn, "reason": "a reason long enough", "owner": "o", "expires": "2027-01-01"}
    )


def _stack_args(*urns: str):
    resources = [
        SimpleNamespace(
            resource_type="aws:sqs/queue:Queue",
            props={},
            urn=urn,
            name=urn.rsplit("::", 1)[-1],
            opts=None,
            provider=None,
            parent=None,
            dependencies=[],
            property_dependencies={},
        )
        for urn in urns
    ]
    return SimpleNamespace(resources=resources, get_config=dict)


def _policy(policies, name):
    return next(policy for policy in policies if policy.name == name)


def _reported(policy, args) -> list[tuple[str, str | None]]:
    reported: list[tuple[str, str | None]] = []
    policy.validate(args, lambda message, urn: reported.append((message, urn)))
    return reported


def test_a_broken_exemptions_file_is_a_violation_of_the_pack_not_a_crash():
    policies = crossguard.build_policies([_rule_reporting_everything()], [], TODAY, "exemptions file x line 3: …")
    policy = _policy(policies, crossguard.EXEMPTIONS_VALID)
    assert policy.enforcement_level.value == "mandatory"
    assert _reported(policy, _stack_args(STACK_URN + "a")) == [("exemptions file x line 3: …", None)]


def test_an_exemption_for_this_stack_that_matches_no_resource_is_reported_as_stale():
    gone, kept = _exemption(STACK_URN + "gone"), _exemption(STACK_URN + "kept")
    other_stack = _exemption("urn:pulumi:prod::platform::aws:sqs/queue:Queue::gone")
    other_project = _exemption("urn:pulumi:dev::billing::aws:sqs/queue:Queue::gone")
    policies = crossguard.build_policies(
        [_rule_reporting_everything()], [gone, kept, other_stack, other_project], TODAY
    )
    policy = _policy(policies, crossguard.STALE_EXEMPTIONS)
    assert policy.enforcement_level.value == "advisory"
    ((message, urn),) = _reported(policy, _stack_args(STACK_URN + "kept"))
    assert message.startswith(f"exemption sees-queues on {STACK_URN}gone matches no resource of this stack")
    assert urn is None


def test_config_schemas_declare_each_property_type_and_a_list_s_item_type():
    assert crossguard._property_schema(["a", "b"]) == {
        "type": "array",
        "default": ["a", "b"],
        "items": {"type": "string"},
    }
    assert crossguard._property_schema(("a",))["items"] == {"type": "string"}
    assert "items" not in crossguard._property_schema(["a", 1])
    assert crossguard._property_schema(7) == {"type": "integer", "default": 7}
