"""Availability zones, chosen and keyed by zone ID (`use1-az4`), never by name: a name (`us-east-1a`) maps to a
different physical zone in each account, a zone ID is the same everywhere, and EKS refuses a few zone IDs. Each
zone ID owns a fixed CIDR slot per subnet tier, so adding or losing another AZ never moves a subnet."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..config.base import PROJECT_NAMESPACE
from ..config.loader import InvalidConfigError

# CIDR slots per subnet tier, one per zone ID number (az1-az8): more than any region has AZs. A subnet's
# block depends only on its own zone ID, so adding or losing another AZ never moves (replaces) it.
_AZ_SLOTS = 8


_ZONE_NUMBER = re.compile(r"^[a-z]+[0-9]+-az([0-9]+)$")


# Zone IDs where EKS cannot place a cluster's subnets ("Subnet requirements for clusters"):
# https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
EKS_UNSUPPORTED_ZONE_IDS: dict[str, frozenset[str]] = {
    "us-east-1": frozenset({"use1-az3"}),
    "us-west-1": frozenset({"usw1-az2"}),
    "ca-central-1": frozenset({"cac1-az3"}),
}


@dataclass(frozen=True)
class AvailabilityZone:
    zone_id: str  # use1-az4: the same physical zone in every account; the key of everything per AZ
    name: str  # us-east-1a: this account's name for it, what operators read


@dataclass(frozen=True)
class SubnetPlan:
    """CIDR per zone ID, per subnet tier."""

    public: dict[str, str]
    private: dict[str, str]
    database: dict[str, str]


def plan_subnets(vpc_cidr: ipaddress.IPv4Network, zone_ids: Sequence[str]) -> SubnetPlan:
    """Private subnets get half the VPC (pods take VPC IPs); public and database a quarter each."""
    private_half, rest = vpc_cidr.subnets(prefixlen_diff=1)
    public_quarter, database_quarter = rest.subnets(prefixlen_diff=1)
    tiers = {
        tier: list(block.subnets(prefixlen_diff=3))
        for tier, block in (("public", public_quarter), ("private", private_half), ("database", database_quarter))
    }
    slots = {zone_id: zone_slot(zone_id) for zone_id in zone_ids}
    return SubnetPlan(
        **{tier: {zone_id: str(blocks[slots[zone_id]]) for zone_id in zone_ids} for tier, blocks in tiers.items()}
    )


def zone_slot(zone_id: str) -> int:
    """The subnet slot of a zone: its zone ID number minus one (`use1-az4` -> 3), whatever else is picked."""
    slot = _zone_number(zone_id) - 1
    if not 0 <= slot < _AZ_SLOTS:
        raise InvalidConfigError(
            f"availability zone ID {zone_id!r} does not end in az1-az{_AZ_SLOTS}; the subnet "
            f"plan has {_AZ_SLOTS} slots per tier, one per zone ID number"
        )
    return slot


def _zone_number(zone_id: str) -> int:
    match = _ZONE_NUMBER.match(zone_id)
    return int(match.group(1)) if match else 0


def choose_zones(region: str, names: Sequence[str], zone_ids: Sequence[str], wanted: int) -> list[AvailabilityZone]:
    """The first `wanted` zones EKS supports in `region`, by zone ID number.

    `names` and `zone_ids` are index-aligned, as `ec2:DescribeAvailabilityZones` (and so
    `aws.get_availability_zones`) returns them.
    """
    unsupported = EKS_UNSUPPORTED_ZONE_IDS.get(region, frozenset())
    usable = sorted(
        (
            AvailabilityZone(zone_id=zone_id, name=name)
            for name, zone_id in zip(names, zone_ids, strict=True)
            if zone_id not in unsupported
        ),
        key=lambda zone: (_zone_number(zone.zone_id), zone.zone_id),
    )
    if len(usable) < wanted:
        excluded = sorted(unsupported & set(zone_ids))
        why = f" ({', '.join(excluded)} left out: EKS does not support it)" if excluded else ""
        raise InvalidConfigError(
            f"{PROJECT_NAMESPACE}:network.azCount = {wanted}: region {region} has only {len(usable)} available "
            f"availability zone(s) EKS supports ({', '.join(z.zone_id for z in usable) or 'none'}){why}; "
            f"set network.azCount to at most {len(usable)}"
        )
    return usable[:wanted]


def pick_azs(parent: pulumi.Resource, wanted: int, region: str) -> list[AvailabilityZone]:
    """The first `wanted` available AZs EKS supports in the parent's provider region, by zone ID."""
    # parent= makes the invoke use the component's provider, and so its region.
    zones = aws.get_availability_zones(
        state="available",
        filters=[aws.GetAvailabilityZonesFilterArgs(name="zone-type", values=["availability-zone"])],
        opts=pulumi.InvokeOptions(parent=parent),
    )
    return choose_zones(region, list(zones.names), list(zones.zone_ids), wanted)
