"""The estimator: each priced resource kind, spot and schedules, free and unknown types."""

from __future__ import annotations

from platform_core.cost.estimate import CostLine, StackEstimate, estimate_stack
from platform_core.cost.pricebook import load_usage

from .estimate_cases import BOOK, BUSINESS_HOURS, node_group, record, total, usd


def test_one_on_demand_instance_runs_all_month():
    estimate = total([node_group("nodes", 1, ["t3.large"])])
    assert estimate.low == estimate.high == estimate.on_demand_24x7 == usd(0.0832 * 730)  # 60.74


def test_one_nat_gateway_is_hours_plus_data():
    estimate = total([record("aws:ec2/natGateway:NatGateway", "nat", {})])
    assert estimate.high == usd(0.045 * 730 + 30 * 0.045)  # 32.85 + 1.35


def test_multi_az_database_pays_for_the_standby_and_its_storage():
    db = record(
        "aws:rds/instance:Instance", "db", {"instanceClass": "db.t4g.medium", "multiAz": True, "allocatedStorage": 100}
    )
    single = record("aws:rds/instance:Instance", "db1", {"instanceClass": "db.t4g.medium", "allocatedStorage": 100})
    assert total([db]).high == usd(0.130 * 730 + 100 * 0.23)  # 94.90 + 23.00
    assert total([single]).high == usd(0.065 * 730 + 100 * 0.115)  # 47.45 + 11.50


def test_scheduled_spot_node_group_counts_business_hours_as_a_range():
    group = node_group("nodes", 2, ["m5.large"], capacity="SPOT")
    schedule = record(
        "aws:autoscaling/schedule:Schedule",
        "down",
        {"desiredCapacity": 0, "minSize": 0},
        propertyDependencies={"autoscalingGroupName": [group["urn"]]},
    )
    estimate = total([group, schedule])
    full = 2 * 0.096 * 730
    assert estimate.on_demand_24x7 == usd(full)  # 140.16
    assert estimate.low == usd(2 * 0.096 * BUSINESS_HOURS * (1 - 0.62))  # 12.68
    assert estimate.high == usd(2 * 0.096 * BUSINESS_HOURS * (1 - 0.44))  # 18.69


def test_unscheduled_spot_group_runs_all_month_at_the_spot_band():
    estimate = total([node_group("nodes", 1, ["m5.large"], capacity="SPOT")])
    assert (estimate.low, estimate.high) == (usd(0.096 * 730 * 0.38), usd(0.096 * 730 * 0.56))


def test_free_types_cost_nothing_and_unknown_ones_are_listed_not_zeroed():
    estimate = total(
        [
            record("aws:ec2/vpc:Vpc", "vpc", {}),
            record("aws:dynamodb/table:Table", "orders", {}),
            node_group("exotic", 1, ["x9.mega"]),
        ]
    )
    assert estimate.high == 0
    assert [(u["type"], "x9.mega" in u["reason"]) for u in estimate.unpriced] == [
        ("aws:dynamodb/table:Table", False),
        ("aws:eks/nodeGroup:NodeGroup", True),
    ]


def test_every_resource_type_our_program_uses_is_priced_or_free(tier_stack):
    tier, stack = tier_stack
    usage = load_usage()
    estimate = estimate_stack(tier, stack.resources, BOOK, usage["tiers"][tier], usage["businessHoursPerMonth"])
    assert estimate.unpriced == [], estimate.unpriced


def test_a_node_group_kept_at_a_floor_off_hours_pays_for_the_floor_all_week():
    group = node_group("nodes", 4, ["m5.large"])
    down = record(
        "aws:autoscaling/schedule:Schedule",
        "down",
        {"desiredCapacity": 1, "minSize": 1},
        propertyDependencies={"autoscalingGroupName": [group["urn"]]},
    )
    up = record(
        "aws:autoscaling/schedule:Schedule",
        "up",
        {"desiredCapacity": 4, "minSize": 1},
        propertyDependencies={"autoscalingGroupName": [group["urn"]]},
    )
    estimate = total([group, down, up])
    assert estimate.high == usd(0.096 * (4 * BUSINESS_HOURS + 1 * (730 - BUSINESS_HOURS)))
    assert estimate.on_demand_24x7 == usd(4 * 0.096 * 730)


def test_a_total_does_not_depend_on_the_order_of_its_lines():
    # Floats summed left to right round differently by order: 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1. Half a cent
    # apart, that was a one-cent difference between two previews of the same stack.
    lines = [CostLine("u", "t", str(i), "c", "i", value, value, value) for i, value in enumerate([0.005, 1e16, -1e16])]
    forward, backward = StackEstimate("s", lines), StackEstimate("s", lines[::-1])
    assert forward.high == backward.high == forward.low == forward.on_demand_24x7 == 0.01
