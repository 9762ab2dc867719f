"""The DR region's network: an isolated VPC that holds the database replica, ready for failover.

Only database subnets and no route to the internet: until a failover nothing runs here but the
replica, so there is nothing to reach and nothing to pay NAT for. A failover adds the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .config import PlatformConfig
from .network import pick_azs, plan_subnets


@dataclass(frozen=True)
class DrNetworkArgs:
    config: PlatformConfig


class DrNetwork(pulumi.ComponentResource):
    """Give it the DR provider through `providers=` in opts; every child inherits it."""

    def __init__(self, name: str, args: DrNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:network:DrNetwork", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)
        self.availability_zones = pick_azs(self, config.network.az_count, config.dr_region)
        plan = plan_subnets(config.network.dr_vpc_cidr, self.availability_zones)

        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=str(config.network.dr_vpc_cidr), enable_dns_hostnames=True,
                          enable_dns_support=True, opts=child)
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, opts=child)
        table = aws.ec2.RouteTable(f"{name}-database-rt", vpc_id=vpc.id, opts=child)
        self.database_subnet_ids: dict[str, pulumi.Output[str]] = {}
        for az in self.availability_zones:
            subnet = aws.ec2.Subnet(f"{name}-database-{az}", vpc_id=vpc.id, cidr_block=plan.database[az],
                                    availability_zone=az, opts=child)
            aws.ec2.RouteTableAssociation(f"{name}-database-rta-{az}", route_table_id=table.id,
                                          subnet_id=subnet.id, opts=child)
            self.database_subnet_ids[az] = subnet.id

        self.vpc_id = vpc.id
        self.register_outputs({"vpcId": self.vpc_id, "databaseSubnetIds": self.database_subnet_ids})
