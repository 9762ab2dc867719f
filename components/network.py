"""The VPC: public, private and isolated database subnets in each AZ, NAT egress and flow logs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .config import PROJECT_NAMESPACE, PlatformConfig
from .config_loader import InvalidConfigError
from .iam import service_trust

# CIDR slots per subnet tier, one per AZ letter (a-h): more than any region has AZs. A subnet's block
# depends only on its own AZ letter, so adding or losing another AZ never moves (replaces) it.
_AZ_SLOTS = 8


@dataclass(frozen=True)
class NetworkArgs:
    config: PlatformConfig
    logs_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class SubnetPlan:
    public: dict[str, str]
    private: dict[str, str]
    database: dict[str, str]


def plan_subnets(vpc_cidr: ipaddress.IPv4Network, azs: list[str]) -> SubnetPlan:
    """Private subnets get half the VPC (pods take VPC IPs); public and database a quarter each."""
    private_half, rest = vpc_cidr.subnets(prefixlen_diff=1)
    public_quarter, database_quarter = rest.subnets(prefixlen_diff=1)
    tiers = {tier: list(block.subnets(prefixlen_diff=3)) for tier, block in
             (("public", public_quarter), ("private", private_half), ("database", database_quarter))}
    slots = {az: _az_slot(az) for az in azs}
    return SubnetPlan(**{tier: {az: str(blocks[slots[az]]) for az in azs} for tier, blocks in tiers.items()})


def _az_slot(az: str) -> int:
    slot = ord(az[-1]) - ord("a")
    if not 0 <= slot < _AZ_SLOTS:
        raise InvalidConfigError(f"availability zone {az!r} does not end in a letter a-h; the subnet plan "
                                 f"has {_AZ_SLOTS} slots per tier, one per AZ letter")
    return slot


def pick_azs(parent: pulumi.Resource, wanted: int, region: str) -> list[str]:
    """The first `wanted` available AZs of the parent's provider region, by name."""
    # parent= makes the invoke use the component's provider, and so its region.
    zones = aws.get_availability_zones(
        state="available",
        filters=[aws.GetAvailabilityZonesFilterArgs(name="zone-type", values=["availability-zone"])],
        opts=pulumi.InvokeOptions(parent=parent))
    names = sorted(zones.names)
    if len(names) < wanted:
        raise InvalidConfigError(
            f"{PROJECT_NAMESPACE}:network.azCount = {wanted}: region {region} has only "
            f"{len(names)} available availability zone(s) ({', '.join(names) or 'none'}); "
            f"set network.azCount to at most {len(names)}")
    return names[:wanted]


class Network(pulumi.ComponentResource):
    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:network:Network", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)

        self.availability_zones: list[str] = pick_azs(self, config.network.az_count, config.primary_region)
        self.vpc_cidr: str = str(config.network.vpc_cidr)
        plan = plan_subnets(config.network.vpc_cidr, self.availability_zones)
        self.private_subnet_cidrs: list[str] = [plan.private[az] for az in self.availability_zones]

        vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=self.vpc_cidr, enable_dns_hostnames=True,
                          enable_dns_support=True, opts=child)
        self.vpc_id: pulumi.Output[str] = vpc.id
        # CIS 5.4: the default security group must allow nothing; adopting it with no rules strips them.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, opts=child)

        public = self._subnets(name, "public", vpc, plan.public)
        private = self._subnets(name, "private", vpc, plan.private)
        database = self._subnets(name, "database", vpc, plan.database)
        self.public_subnet_ids = {az: subnet.id for az, subnet in public.items()}
        self.private_subnet_ids = {az: subnet.id for az, subnet in private.items()}
        self.database_subnet_ids = {az: subnet.id for az, subnet in database.items()}

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, opts=child)
        self._public_routes(name, vpc, igw, public)
        nats = self._nat_gateways(name, config, igw, public)
        self.nat_gateway_ids = {az: nat.id for az, nat in nats.items()}
        private_tables = self._private_routes(name, vpc, nats, private)
        database_table = self._database_routes(name, vpc, database)

        aws.ec2.VpcEndpoint(f"{name}-s3-endpoint", vpc_id=vpc.id, vpc_endpoint_type="Gateway",
                            service_name=f"com.amazonaws.{config.primary_region}.s3",
                            route_table_ids=[*(table.id for table in private_tables), database_table.id],
                            opts=child)
        if config.network.flow_logs:
            self._flow_logs(name, config, vpc, args.logs_key_arn)

        self.register_outputs({
            "vpc_id": self.vpc_id, "vpc_cidr": self.vpc_cidr, "availability_zones": self.availability_zones,
            "public_subnet_ids": self.public_subnet_ids, "private_subnet_ids": self.private_subnet_ids,
            "database_subnet_ids": self.database_subnet_ids, "private_subnet_cidrs": self.private_subnet_cidrs,
            "nat_gateway_ids": self.nat_gateway_ids,
        })

    def _subnets(self, name: str, tier: str, vpc: aws.ec2.Vpc,
                 cidrs: dict[str, str]) -> dict[str, aws.ec2.Subnet]:
        # No public IPs on launch even in public subnets: only load balancers and NAT live there.
        return {az: aws.ec2.Subnet(f"{name}-{tier}-{az}", vpc_id=vpc.id, availability_zone=az, cidr_block=cidr,
                                   map_public_ip_on_launch=False, opts=pulumi.ResourceOptions(parent=self))
                for az, cidr in cidrs.items()}

    def _public_routes(self, name: str, vpc: aws.ec2.Vpc, igw: aws.ec2.InternetGateway,
                       subnets: dict[str, aws.ec2.Subnet]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        table = aws.ec2.RouteTable(f"{name}-public-rt", vpc_id=vpc.id, opts=child)
        aws.ec2.Route(f"{name}-public-internet", route_table_id=table.id, destination_cidr_block="0.0.0.0/0",
                      gateway_id=igw.id, opts=child)
        self._associate(name, "public", table, subnets)

    def _nat_gateways(self, name: str, config: PlatformConfig, igw: aws.ec2.InternetGateway,
                      public: dict[str, aws.ec2.Subnet]) -> dict[str, aws.ec2.NatGateway]:
        # Named by AZ, so moving from "single" to "per-az" adds gateways without replacing the first one.
        azs = self.availability_zones if config.network.nat_gateways == "per-az" else self.availability_zones[:1]
        after_igw = pulumi.ResourceOptions(parent=self, depends_on=[igw])
        nats = {}
        for az in azs:
            eip = aws.ec2.Eip(f"{name}-nat-eip-{az}", domain="vpc", opts=after_igw)
            nats[az] = aws.ec2.NatGateway(f"{name}-nat-{az}", allocation_id=eip.id, subnet_id=public[az].id,
                                          connectivity_type="public", opts=after_igw)
        return nats

    def _private_routes(self, name: str, vpc: aws.ec2.Vpc, nats: dict[str, aws.ec2.NatGateway],
                        subnets: dict[str, aws.ec2.Subnet]) -> list[aws.ec2.RouteTable]:
        child = pulumi.ResourceOptions(parent=self)
        shared_nat = next(iter(nats.values()))
        tables = []
        for az, subnet in subnets.items():
            table = aws.ec2.RouteTable(f"{name}-private-rt-{az}", vpc_id=vpc.id, opts=child)
            aws.ec2.Route(f"{name}-private-internet-{az}", route_table_id=table.id,
                          destination_cidr_block="0.0.0.0/0", nat_gateway_id=nats.get(az, shared_nat).id, opts=child)
            self._associate(name, "private", table, {az: subnet})
            tables.append(table)
        return tables

    def _database_routes(self, name: str, vpc: aws.ec2.Vpc,
                         subnets: dict[str, aws.ec2.Subnet]) -> aws.ec2.RouteTable:
        # Isolated: no route to the internet in either direction, only the VPC and the S3 endpoint.
        table = aws.ec2.RouteTable(f"{name}-database-rt", vpc_id=vpc.id, opts=pulumi.ResourceOptions(parent=self))
        self._associate(name, "database", table, subnets)
        return table

    def _associate(self, name: str, tier: str, table: aws.ec2.RouteTable,
                   subnets: dict[str, aws.ec2.Subnet]) -> None:
        for az, subnet in subnets.items():
            aws.ec2.RouteTableAssociation(f"{name}-{tier}-rta-{az}", route_table_id=table.id, subnet_id=subnet.id,
                                          opts=pulumi.ResourceOptions(parent=self))

    def _flow_logs(self, name: str, config: PlatformConfig, vpc: aws.ec2.Vpc,
                   logs_key_arn: pulumi.Input[str]) -> None:
        child = pulumi.ResourceOptions(parent=self)
        group = aws.cloudwatch.LogGroup(f"{name}-flow-logs", name=f"/aws/vpc/{config.name_prefix}/flow-logs",
                                        kms_key_id=logs_key_arn,
                                        retention_in_days=config.network.flow_log_retention_days, opts=child)
        # aws:SourceAccount keeps other accounts' flow logs from using this role (confused deputy).
        account = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id
        trust = service_trust("vpc-flow-logs.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account}})
        role = aws.iam.Role(f"{name}-flow-logs-role", assume_role_policy=trust, opts=child)
        write = pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [group.arn, pulumi.Output.concat(group.arn, ":*")]}]})
        policy = aws.iam.RolePolicy(f"{name}-flow-logs-write", role=role.id, policy=write, opts=child)
        # The policy must exist before the first delivery, or the flow log starts in an error state.
        aws.ec2.FlowLog(f"{name}-flow-log", vpc_id=vpc.id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                        log_destination=group.arn, iam_role_arn=role.arn,
                        opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]))
