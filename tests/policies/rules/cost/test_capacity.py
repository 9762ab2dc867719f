"""Capacity rules: what their violations name."""

from __future__ import annotations

from platform_policies.rules.cost import capacity
from tests.policies.cases import res
from tests.policies.rules.cost.capacity_cases import NAT, RDS, nat, subnets, urn

RULES = {rule.name: rule for rule in capacity.RULES}


def test_messages_name_the_offending_value() -> None:
    rule = RULES["rds-instance-class-allowed"]
    [message] = rule.check_resource(res(RDS, instanceClass="db.m5.24xlarge"), {"allowed": ["db.t4g.micro"]})
    assert "db.m5.24xlarge" in message and "db.t4g.micro" in message


def test_nat_violation_names_the_extra_gateway() -> None:
    resources = [*subnets("a"), nat("nat-a", "public-a"), nat("nat-extra", "public-a")]
    found = RULES["nat-gateway-count"].check_stack(resources, {"max": 1, "perAz": False})
    assert [v.urn for v in found] == [urn(NAT, "nat-extra")]
