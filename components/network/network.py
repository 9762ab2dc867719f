"""The VPC: public, private and isolated database subnets in each AZ, NAT egress and flow logs.

AZs are chosen and keyed by zone ID (`use1-az4`), never by name (zones.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..config.model import PlatformConfig
from .vpc_baseline import FlowLogSettings, add_flow_logs, close_default_security_group
from .zones import AvailabilityZone, pick_azs, plan_subnets


@dataclass(frozen=True)
class NetworkArgs:
    config: PlatformConfig
    logs_key_arn: pulumi.Input[str]


class Network(pulumi.ComponentResource):
    """Everything per AZ is keyed (dicts) and named (logical names) by zone ID, e.g. `use1-az4`."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:network:Network", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)

        self.zones: list[AvailabilityZone] = pick_azs(self, config.network.az_count, config.primary_region)
        self.availability_zone_ids: list[str] = [zone.zone_id for zone in self.zones]
        self.availability_zones: list[str] = [zone.name for zone in self.zones]  # same order as the IDs
        self.vpc_cidr: str = str(config.network.vpc_cidr)
        plan = plan_subnets(config.network.vpc_cidr, self.availability_zone_ids)
        self.public_subnet_cidrs: list[str] = [plan.public[zone_id] for zone_id in self.availability_zone_ids]
        self.private_subnet_cidrs: list[str] = [plan.private[zone_id] for zone_id in self.availability_zone_ids]

        vpc = aws.ec2.Vpc(
            f"{name}-vpc", cidr_block=self.vpc_cidr, enable_dns_hostnames=True, enable_dns_support=True, opts=child
        )
        self.vpc_id: pulumi.Output[str] = vpc.id
        close_default_security_group(self, name, vpc)

        public = self._subnets(name, "public", vpc, plan.public)
        private = self._subnets(name, "private", vpc, plan.private)
        database = self._subnets(name, "database", vpc, plan.database)
        self.public_subnet_ids = {zone_id: subnet.id for zone_id, subnet in public.items()}
        self.private_subnet_ids = {zone_id: subnet.id for zone_id, subnet in private.items()}
        self.database_subnet_ids = {zone_id: subnet.id for zone_id, subnet in database.items()}

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, opts=child)
        self._public_routes(name, vpc, igw, public)
        nats = self._nat_gateways(name, config, igw, public)
        self.nat_gateway_ids = {zone_id: nat.id for zone_id, nat in nats.items()}
        private_tables = self._private_routes(name, vpc, nats, private)
        database_table = self._database_routes(name, vpc, database)

        aws.ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=vpc.id,
            vpc_endpoint_type="Gateway",
            service_name=f"com.amazonaws.{config.primary_region}.s3",
            route_table_ids=[*(table.id for table in private_tables), database_table.id],
            opts=child,
        )
        if config.network.flow_logs:
            settings = FlowLogSettings(
                group_name=flow_log_group_name(config),
                region=config.primary_region,
                key_arn=args.logs_key_arn,
                retention_days=config.network.flow_log_retention_days,
            )
            add_flow_logs(self, name, vpc, settings)

        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "vpc_cidr": self.vpc_cidr,
                "availability_zones": self.availability_zones,
                "availability_zone_ids": self.availability_zone_ids,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "database_subnet_ids": self.database_subnet_ids,
                "public_subnet_cidrs": self.public_subnet_cidrs,
                "private_subnet_cidrs": self.private_subnet_cidrs,
                "nat_gateway_ids": self.nat_gateway_ids,
            }
        )

    def _subnets(self, name: str, tier: str, vpc: aws.ec2.Vpc, cidrs: dict[str, str]) -> dict[str, aws.ec2.Subnet]:
        # No public IPs on launch even in public subnets: only load balancers and NAT live there.
        # By zone ID (availability_zone_id conflicts with availability_zone; one of the two only).
        return {
            zone_id: aws.ec2.Subnet(
                f"{name}-{tier}-{zone_id}",
                vpc_id=vpc.id,
                availability_zone_id=zone_id,
                cidr_block=cidr,
                map_public_ip_on_launch=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for zone_id, cidr in cidrs.items()
        }

    def _public_routes(
        self, name: str, vpc: aws.ec2.Vpc, igw: aws.ec2.InternetGateway, subnets: dict[str, aws.ec2.Subnet]
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        table = aws.ec2.RouteTable(f"{name}-public-rt", vpc_id=vpc.id, opts=child)
        aws.ec2.Route(
            f"{name}-public-internet",
            route_table_id=table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child,
        )
        self._associate(name, "public", table, subnets)

    def _nat_gateways(
        self, name: str, config: PlatformConfig, igw: aws.ec2.InternetGateway, public: dict[str, aws.ec2.Subnet]
    ) -> dict[str, aws.ec2.NatGateway]:
        # Named by zone ID, so moving from "single" to "per-az" adds gateways without replacing the first one.
        zone_ids = self.availability_zone_ids
        with_nat = zone_ids if config.network.nat_gateways == "per-az" else zone_ids[:1]
        after_igw = pulumi.ResourceOptions(parent=self, depends_on=[igw])
        nats = {}
        for zone_id in with_nat:
            eip = aws.ec2.Eip(f"{name}-nat-eip-{zone_id}", domain="vpc", opts=after_igw)
            nats[zone_id] = aws.ec2.NatGateway(
                f"{name}-nat-{zone_id}",
                allocation_id=eip.id,
                subnet_id=public[zone_id].id,
                connectivity_type="public",
                opts=after_igw,
            )
        return nats

    def _private_routes(
        self, name: str, vpc: aws.ec2.Vpc, nats: dict[str, aws.ec2.NatGateway], subnets: dict[str, aws.ec2.Subnet]
    ) -> list[aws.ec2.RouteTable]:
        child = pulumi.ResourceOptions(parent=self)
        shared_nat = next(iter(nats.values()))
        tables = []
        for zone_id, subnet in subnets.items():
            table = aws.ec2.RouteTable(f"{name}-private-rt-{zone_id}", vpc_id=vpc.id, opts=child)
            aws.ec2.Route(
                f"{name}-private-internet-{zone_id}",
                route_table_id=table.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nats.get(zone_id, shared_nat).id,
                opts=child,
            )
            self._associate(name, "private", table, {zone_id: subnet})
            tables.append(table)
        return tables

    def _database_routes(self, name: str, vpc: aws.ec2.Vpc, subnets: dict[str, aws.ec2.Subnet]) -> aws.ec2.RouteTable:
        # Isolated: no route to the internet in either direction, only the VPC and the S3 endpoint.
        table = aws.ec2.RouteTable(f"{name}-database-rt", vpc_id=vpc.id, opts=pulumi.ResourceOptions(parent=self))
        self._associate(name, "database", table, subnets)
        return table

    def _associate(self, name: str, tier: str, table: aws.ec2.RouteTable, subnets: dict[str, aws.ec2.Subnet]) -> None:
        for zone_id, subnet in subnets.items():
            aws.ec2.RouteTableAssociation(
                f"{name}-{tier}-rta-{zone_id}",
                route_table_id=table.id,
                subnet_id=subnet.id,
                opts=pulumi.ResourceOptions(parent=self),
            )


def flow_log_group_name(config: PlatformConfig) -> str:
    return f"/aws/vpc/{config.name_prefix}/flow-logs"
