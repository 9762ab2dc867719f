"""Resource records and usage for estimator tests, shaped as the preview engine records them."""

from __future__ import annotations

import pytest

from platform_core.cost.estimate import estimate_stack
from platform_core.cost.pricebook import load_price_book

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
