"""The CrossGuard wrapping: one policy per rule plus the two exemption policies, dispatched by declared type."""

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
    assert names == [rule.name for rule in ALL_RULES] + [crossguard.EXEMPTIONS_VALID, crossguard.EXEMPTED_FINDINGS]


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
