"""Cases for what a tier may run and how much of it (platform_policies/rules/cost/capacity.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

NG = "aws:eks/nodeGroup:NodeGroup"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
RDS = "aws:rds/instance:Instance"
NAT = "aws:ec2/natGateway:NatGateway"
SUBNET = "aws:ec2/subnet:Subnet"
SCHEDULE = "aws:autoscaling/schedule:Schedule"

DEV_TYPES = {"allowed": ["t3.large", "t3a.large", "m5.large", "m5a.large", "t4g.*"]}


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def nat(name: str, subnet: str) -> object:
    return res(NAT, name, subnetId=f"subnet-{subnet}", property_dependencies={"subnetId": [urn(SUBNET, subnet)]})


def subnets(*azs: str) -> tuple:
    return tuple(res(SUBNET, f"public-{az}", availabilityZone=az) for az in azs)


def _group(name: str = "nodes") -> object:
    return res(NG, name, capacityType="SPOT")


def _schedule(name: str, desired: int, min_size: int, group: str | None = "nodes", **props) -> object:
    deps = {"autoscalingGroupName": [urn(NG, group)]} if group else {}
    return res(SCHEDULE, name, desiredCapacity=desired, minSize=min_size, property_dependencies=deps, **props)


CASES: list[Case] = [
    # node-groups-use-spot
    Case("node-groups-use-spot", False, (res(NG, capacityType="SPOT"),)),
    Case("node-groups-use-spot", True, (res(NG, capacityType="ON_DEMAND"),)),
    Case("node-groups-use-spot", True, (res(NG),), note="unset-means-on-demand"),
    Case("node-groups-use-spot", False, (res(LT),), note="other-type"),
    # node-instance-types-allowed
    Case("node-instance-types-allowed", False, (res(NG, instanceTypes=["m6i.xlarge"]),)),
    Case("node-instance-types-allowed", True, (res(NG, instanceTypes=["m6i.xlarge", "m5.24xlarge"]),)),
    Case(
        "node-instance-types-allowed",
        False,
        (res(NG, instanceTypes=["t3.large", "t4g.large"]),),
        DEV_TYPES,
        note="pattern",
    ),
    Case("node-instance-types-allowed", True, (res(NG, instanceTypes=["m6i.xlarge"]),), DEV_TYPES, note="dev"),
    Case("node-instance-types-allowed", True, (res(NG),), note="eks-default-t3-medium"),
    Case(
        "node-instance-types-allowed",
        False,
        (res(NG, launchTemplate={"id": "lt-1", "version": "1"}),),
        note="type-from-launch-template",
    ),
    Case("node-instance-types-allowed", True, (res(LT, instanceType="c5.24xlarge"),), note="launch-template"),
    # rds-instance-class-allowed
    Case("rds-instance-class-allowed", False, (res(RDS, instanceClass="db.r6g.large"),)),
    Case("rds-instance-class-allowed", True, (res(RDS, instanceClass="db.m5.24xlarge"),)),
    Case(
        "rds-instance-class-allowed",
        True,
        (res(RDS, instanceClass="db.r6g.large"),),
        {"allowed": ["db.t4g.micro", "db.t4g.small"]},
        note="dev",
    ),
    Case(
        "rds-instance-class-allowed",
        False,
        (res("aws:rds/clusterInstance:ClusterInstance", instanceClass="db.r7g.large"),),
        note="aurora-instance",
    ),
    # volumes-use-gp3
    Case("volumes-use-gp3", False, (res("aws:ebs/volume:Volume", type="gp3", size=100),)),
    Case("volumes-use-gp3", True, (res("aws:ebs/volume:Volume", size=100),), note="unset-is-gp2"),
    Case(
        "volumes-use-gp3",
        False,
        (
            res(
                LT, blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3", "encrypted": "true"}}]
            ),
        ),
        note="launch-template",
    ),
    Case(
        "volumes-use-gp3",
        True,
        (res(LT, blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp2"}}]),),
        note="launch-template-gp2",
    ),
    Case("volumes-use-gp3", False, (res(RDS, storageType="io2"),), note="prod-allows-io2"),
    Case("volumes-use-gp3", True, (res(RDS, storageType="io2"),), {"allowedTypes": ["gp3"]}, note="dev-no-io2"),
    Case("volumes-use-gp3", True, (res(RDS, allocatedStorage=20),), note="rds-unset-is-gp2"),
    Case(
        "volumes-use-gp3",
        False,
        (res(RDS, replicateSourceDb="arn:aws:rds:us-east-1:1:db:src"),),
        note="replica-inherits",
    ),
    Case(
        "volumes-use-gp3",
        True,
        (res("aws:ec2/instance:Instance", rootBlockDevice={"volumeType": "standard"}),),
        note="instance-magnetic",
    ),
    Case(
        "volumes-use-gp3",
        False,
        (
            res(
                "kubernetes:storage.k8s.io/v1:StorageClass",
                provisioner="ebs.csi.aws.com",
                parameters={"encrypted": "true"},
            ),
        ),
        note="csi-default-gp3",
    ),
    Case(
        "volumes-use-gp3",
        True,
        (res("kubernetes:storage.k8s.io/v1:StorageClass", provisioner="ebs.csi.aws.com", parameters={"type": "gp2"}),),
        note="storage-class-gp2",
    ),
    # nat-gateway-count
    Case(
        "nat-gateway-count",
        False,
        (*subnets("a", "b", "c"), nat("nat-a", "public-a"), nat("nat-b", "public-b"), nat("nat-c", "public-c")),
    ),
    Case(
        "nat-gateway-count",
        True,
        (*subnets("a", "b"), nat("nat-a", "public-a"), nat("nat-b", "public-b")),
        {"max": 1, "perAz": False},
        note="dev-max-1",
        offender="nat-b",
    ),
    Case(
        "nat-gateway-count",
        False,
        (*subnets("a", "b"), nat("nat-a", "public-a")),
        {"max": 1, "perAz": False},
        note="dev-one",
    ),
    Case(
        "nat-gateway-count",
        True,
        (*subnets("a", "b"), nat("nat-a", "public-a"), nat("nat-a2", "public-a")),
        note="two-in-one-az",
        offender="nat-a2",
    ),
    Case(
        "nat-gateway-count",
        True,
        (*subnets("a", "b"), nat("nat-1", "x"), nat("nat-2", "y"), nat("nat-3", "z")),
        note="more-than-azs",
    ),
    Case("nat-gateway-count", False, (), note="no-nat"),
    # dev-schedules-scale-to-zero
    Case(
        "dev-schedules-scale-to-zero",
        False,
        (_group(), _schedule("down", 0, 0), _schedule("up", 2, 1)),
        {"required": True},
    ),
    Case("dev-schedules-scale-to-zero", True, (_group(), _schedule("up", 2, 1)), {"required": True}, offender="nodes"),
    Case(
        "dev-schedules-scale-to-zero",
        True,
        (_group(), _schedule("down", 0, 1)),
        {"required": True},
        note="min-size-blocks-zero",
        offender="nodes",
    ),
    Case(
        "dev-schedules-scale-to-zero",
        False,
        (_group(), _schedule("down", 1, 1)),
        {"required": True, "maxOffHoursNodes": 1},
        note="off-hours-floor-allowed",
    ),
    Case(
        "dev-schedules-scale-to-zero",
        True,
        (_group(), _schedule("down", 2, 2)),
        {"required": True, "maxOffHoursNodes": 1},
        note="off-hours-floor-exceeded",
        offender="nodes",
    ),
    Case(
        "dev-schedules-scale-to-zero",
        True,
        (_group(), _group("other"), _schedule("down", 0, 0)),
        {"required": True},
        note="second-group-unscheduled",
        offender="other",
    ),
    Case(
        "dev-schedules-scale-to-zero",
        False,
        (_group(), _schedule("down", 0, 0, group=None, autoscalingGroupName="eks-nodes-1a2b3c4-uuid")),
        {"required": True},
        note="matched-by-asg-name",
    ),
    Case(
        "dev-schedules-scale-to-zero",
        False,
        (_group(), _schedule("down", 0, 0, group=None)),
        {"required": True},
        note="no-link-info-schedule-counts",
    ),
    Case("dev-schedules-scale-to-zero", False, (_group(),), note="not-required-by-default"),
]
