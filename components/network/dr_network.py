"""The DR region's network: an isolated VPC that holds the database replica, ready for failover.

Only database subnets and no route to the internet: until a failover nothing runs here but the
replica, so there is nothing to reach and nothing to pay NAT for. A failover adds the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..config.model import PlatformConfig
from .vpc_baseline import FlowLogSettings, add_flow_logs, close_default_security_group
from .zones import AvailabilityZone, pick_azs, plan_subnets


@dataclass(frozen=True)
class DrNetworkArgs:
    config: PlatformConfig
    # Encrypts the flow-log group: a key in the DR region (a log group takes only a key of its own region)
    # whose policy admits logs.<dr region>.amazonaws.com. Required when the tier has flow logs.
    logs_key_arn: pulumi.Input[str] | None = None


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
        close_default_security_group(self, name, vpc)
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

        if config.network.flow_logs:
            self._flow_logs(name, config, vpc, args.logs_key_arn)

        self.vpc_id = vpc.id
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "availabilityZones": self.availability_zones,
                "availabilityZoneIds": self.availability_zone_ids,
                "databaseSubnetIds": self.database_subnet_ids,
            }
        )

    def _flow_logs(
        self, name: str, config: PlatformConfig, vpc: aws.ec2.Vpc, key_arn: pulumi.Input[str] | None
    ) -> None:
        # The same flow logs as the primary VPC's: the replica's traffic is audited like the primary's.
        if key_arn is None:
            raise ValueError(
                f"the {config.tier.value} tier has flow logs (network.flowLogs) but the DR network was given no "
                "DR-region key for its log group: pass DrNetworkArgs.logs_key_arn"
            )
        settings = FlowLogSettings(
            group_name=dr_flow_log_group_name(config),
            region=config.dr_region,
            key_arn=key_arn,
            retention_days=config.network.flow_log_retention_days,
        )
        add_flow_logs(self, name, vpc, settings)


def dr_flow_log_group_name(config: PlatformConfig) -> str:
    # Another name than the primary's group (regional, so no clash): an operator reading either knows the VPC.
    return f"/aws/vpc/{config.name_prefix}/dr-flow-logs"
