"""The DR region's network: an isolated VPC that holds the database replica, ready for failover.

Only database subnets and no route to the internet: until a failover nothing runs here but the
replica, so there is nothing to reach and nothing to pay NAT for. A failover adds the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..config.model import PlatformConfig
from .zones import AvailabilityZone, pick_azs, plan_subnets


@dataclass(frozen=True)
class DrNetworkArgs:
    config: PlatformConfig


class DrNetwork(pulumi.ComponentResource):
    """Give it the DR provider through `providers=` in opts; every child inherits it."""

    def __init__(self, name: str, args: DrNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:network:DrNetwork", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)
        # The same choice as the primary network's, in the DR region: a failover builds the cluster here.
        self.zones: list[AvailabilityZone] = pick_azs(self, config.network.az_count, config.dr_region)
        self.availability_zone_ids: list[str] = [zone.zone_id for zone in self.zones]
        self.availability_zones: list[str] = [zone.name for zone in self.zones]
        plan = plan_subnets(config.network.dr_vpc_cidr, self.availability_zone_ids)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=str(config.network.dr_vpc_cidr),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            opts=child,
        )
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, opts=child)
        table = aws.ec2.RouteTable(f"{name}-database-rt", vpc_id=vpc.id, opts=child)
        self.database_subnet_ids: dict[str, pulumi.Output[str]] = {}  # zone ID -> subnet id
        for zone_id in self.availability_zone_ids:
            subnet = aws.ec2.Subnet(
                f"{name}-database-{zone_id}",
                vpc_id=vpc.id,
                cidr_block=plan.database[zone_id],
                availability_zone_id=zone_id,
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-database-rta-{zone_id}", route_table_id=table.id, subnet_id=subnet.id, opts=child
            )
            self.database_subnet_ids[zone_id] = subnet.id

        self.vpc_id = vpc.id
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "availabilityZones": self.availability_zones,
                "availabilityZoneIds": self.availability_zone_ids,
                "databaseSubnetIds": self.database_subnet_ids,
            }
        )
