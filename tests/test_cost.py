"""The offline cost estimate: arithmetic on hand-computed cases, schedules and spot, the price book."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from platform_core.cost.estimate import estimate_stack
from platform_core.cost.pricebook import load_price_book, load_usage, stale_rows
from platformctl.cost_report import markdown, read_baseline
from policies.framework import Resource
from policies.rules.cost_budget import estimate_within_budget

REPO = Path(__file__).resolve().parent.parent
BOOK = load_price_book()
USAGE = {"natGbPerGateway": 30, "s3Gb": {"data": 100}}
BUSINESS_HOURS = 173.8


def usd(amount: float):
    """Totals are rounded to the cent."""
    return pytest.approx(amount, abs=0.005)


def record(type_: str, name: str, inputs: dict, **extra) -> dict:
    return {
        "urn": f"urn:pulumi:t::p::{type_}::{name}",
        "type": type_,
        "name": name,
        "inputs": inputs,
        "outputs": extra.pop("outputs", {}),
        "id": extra.pop("id", ""),
        "custom": True,
        "parent": "",
        "propertyDependencies": extra.pop("propertyDependencies", {}),
    }


def total(resources: list[dict], usage: dict | None = None):
    return estimate_stack("t", resources, BOOK, usage or USAGE, BUSINESS_HOURS)


def node_group(name: str, count: int, types: list[str], capacity: str = "ON_DEMAND") -> dict:
    return record(
        "aws:eks/nodeGroup:NodeGroup",
        name,
        {"capacityType": capacity, "instanceTypes": types, "scalingConfig": {"desiredSize": count}},
    )


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


def test_price_book_rows_are_sourced_and_fresh():
    assert stale_rows(BOOK, datetime.date.today()) == []


def test_staleness_check_catches_an_old_book():
    later = datetime.date.today() + datetime.timedelta(days=BOOK.max_age_days + 1)
    assert len(stale_rows(BOOK, later)) == len(BOOK.rows()) > 40


def test_every_resource_type_our_program_uses_is_priced_or_free(tier_stack):
    tier, stack = tier_stack
    usage = load_usage()
    estimate = estimate_stack(tier, stack.resources, BOOK, usage["tiers"][tier], usage["businessHoursPerMonth"])
    assert estimate.unpriced == [], estimate.unpriced


def test_budget_guard_compares_the_estimate_with_the_stacks_budget():
    nodes = Resource(
        type="aws:eks/nodeGroup:NodeGroup",
        urn="urn:n",
        name="nodes",
        props={"instanceTypes": ["m6i.xlarge"], "scalingConfig": {"desiredSize": 10}},
    )
    rule = estimate_within_budget(BOOK, load_usage())
    budget = Resource(type="aws:budgets/budget:Budget", urn="urn:b", name="monthly", props={"limitAmount": "1000"})
    (violation,) = rule.check_stack([nodes, budget], {"usageProfile": "prod"})
    assert "$1,401.60 exceeds the budget monthly of $1,000.00" in violation.message and violation.urn == "urn:b"
    roomy = Resource(type=budget.type, urn="urn:b", name="monthly", props={"limitAmount": "1500"})
    assert rule.check_stack([nodes, roomy], {"usageProfile": "prod"}) == []


def test_markdown_flags_a_rise_above_the_threshold(tmp_path):
    estimates = {
        "dev": total([node_group("nodes", 1, ["t3.large"])]),
        "prod": total([node_group("nodes", 2, ["t3.large"])]),
    }
    baseline_file = tmp_path / "base.json"
    baseline_file.write_text(
        json.dumps({"stacks": {"dev": {"cost": {"monthlyHigh": 60.0}}, "prod": {"cost": {"monthlyHigh": 100.0}}}})
    )
    text = markdown(estimates, read_baseline(baseline_file), alert_percent=10)
    assert "| dev | $60.74 | $60.00 | +$0.74 (+1.2 %) |" in text
    assert "| prod | $121.47 | $100.00 | +$21.47 (+21.5 %) ⚠️ above 10 % |" in text


@pytest.fixture(scope="module")
def cost_run():
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "cost", "--stack", "all", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_cost_command_gives_three_totals_and_dev_is_cheap(cost_run):
    assert cost_run.returncode == 0, cost_run.stderr
    estimates = json.loads(cost_run.stdout)
    assert set(estimates) == {"dev", "staging", "prod"}
    dev, prod = estimates["dev"], estimates["prod"]
    assert dev["monthlyHigh"] < 0.25 * prod["monthlyLow"]
    # Dev keeps one node off-hours (an off-hours deploy must finish) and pays the fixed EKS, NAT and ALB hours.
    assert dev["monthlyHigh"] < 0.45 * dev["monthlyOnDemand24x7"]
    for estimate in estimates.values():
        assert estimate["monthlyLow"] <= estimate["monthlyHigh"] and not estimate["unpriced"]


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
