"""Availability zones by zone ID: EKS's unsupported zone IDs never picked, zones ordered by their ID's number,
and each zone's subnet slot fixed whatever else is picked."""

from __future__ import annotations

import ipaddress

import pytest

from components.config.loader import InvalidConfigError
from components.network.zones import (
    EKS_UNSUPPORTED_ZONE_IDS,
    AvailabilityZone,
    choose_zones,
    plan_subnets,
    zone_slot,
)
from tests.components.network.runs import ACCOUNT_ZONES


@pytest.mark.parametrize("region", sorted(EKS_UNSUPPORTED_ZONE_IDS))
def test_zone_ids_eks_does_not_support_are_never_picked(region):
    prefix = {"us-east-1": "use1", "us-west-1": "usw1", "ca-central-1": "cac1"}[region]
    zone_ids = [f"{prefix}-az{n}" for n in (3, 1, 2, 4)]
    names = [f"{region}{letter}" for letter in "abcd"]
    picked = choose_zones(region, names, zone_ids, wanted=3)
    assert not {z.zone_id for z in picked} & EKS_UNSUPPORTED_ZONE_IDS[region], picked
    with pytest.raises(InvalidConfigError, match=r"network\.azCount = 4.*EKS does not support"):
        choose_zones(region, names, zone_ids, wanted=4)


def test_the_excluded_zone_ids_are_the_documented_ones():
    # https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html, "Subnet requirements for clusters"
    documented = {"us-east-1": {"use1-az3"}, "us-west-1": {"usw1-az2"}, "ca-central-1": {"cac1-az3"}}
    assert documented == EKS_UNSUPPORTED_ZONE_IDS


def test_zones_are_picked_by_zone_id_and_keep_their_names():
    zones = ACCOUNT_ZONES["us-east-1"]
    picked = choose_zones("us-east-1", list(zones), list(zones.values()), wanted=3)
    assert picked == [
        AvailabilityZone("use1-az1", "us-east-1b"),
        AvailabilityZone("use1-az2", "us-east-1c"),
        AvailabilityZone("use1-az4", "us-east-1d"),
    ]
    # By number, not by string: az10 comes after az2.
    assert [z.zone_id for z in choose_zones("eu-west-9", ["a", "b"], ["euw9-az10", "euw9-az2"], 2)] == [
        "euw9-az2",
        "euw9-az10",
    ]


def test_a_zone_keeps_its_subnet_slot_whatever_else_is_picked():
    vpc = ipaddress.IPv4Network("10.20.0.0/16")
    everything = plan_subnets(vpc, [f"use1-az{n}" for n in (1, 2, 4, 5, 6)])
    for subset in (["use1-az4"], ["use1-az2", "use1-az4"], ["use1-az4", "use1-az6", "use1-az1"]):
        plan = plan_subnets(vpc, subset)
        for tier in ("public", "private", "database"):
            for zone_id in subset:
                assert getattr(plan, tier)[zone_id] == getattr(everything, tier)[zone_id], (tier, zone_id, subset)
    assert zone_slot("use1-az4") == 3 and zone_slot("usw2-az1") == 0
    with pytest.raises(InvalidConfigError, match="8 slots per tier"):
        zone_slot("use1-az9")
