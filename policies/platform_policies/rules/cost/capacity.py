"""Cost rules for compute, storage and network: what a tier may run and how much of it.

Tier-dependent values (allowed sizes, NAT count, schedules) come from config; the defaults are the
prod values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import (
    AUTOSCALING_SCHEDULE,
    EBS_VOLUME,
    EC2_INSTANCE,
    EKS_NODE_GROUP,
    LAUNCH_TEMPLATE,
    NAT_GATEWAY,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    STORAGE_CLASS,
    SUBNET,
)
from ...values import as_int, as_list


def matches_any(value: str, patterns: Iterable[str]) -> bool:
    """Allowed lists take exact names or shell patterns ("t4g.*")."""
    return any(fnmatchcase(value, p) for p in patterns)


def _allowed_text(patterns: Iterable[str]) -> str:
    return ", ".join(patterns) or "(none)"


# --- node-groups-use-spot ---------------------------------------------------------------------


def _check_spot(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    capacity = resource.get("capacityType", default="ON_DEMAND")
    if capacity != "SPOT":
        yield f"node group capacityType is {capacity}; this tier runs node groups on SPOT capacity"


# --- node-instance-types-allowed ----------------------------------------------------------------


def _check_node_types(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    allowed = as_list(config.get("allowed"))
    if resource.type == LAUNCH_TEMPLATE:
        types = [str(t) for t in as_list(resource.get("instanceType"))]
    else:
        types = [str(t) for t in as_list(resource.get("instanceTypes"))]
        if not types and not resource.get("launchTemplate"):
            types = ["t3.medium"]  # the EKS default when neither instanceTypes nor a launch template set one
    for itype in types:
        if not matches_any(itype, allowed):
            yield f"instance type {itype} is not in the allowed list for this tier: {_allowed_text(allowed)}"


# --- rds-instance-class-allowed -----------------------------------------------------------------


def _check_rds_class(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    allowed = as_list(config.get("allowed"))
    klass = resource.get("instanceClass")
    if isinstance(klass, str) and not matches_any(klass, allowed):
        yield f"instance class {klass} is not in the allowed list for this tier: {_allowed_text(allowed)}"


# --- volumes-use-gp3 ----------------------------------------------------------------------------


def _volume_types(resource: Resource) -> Iterator[tuple[str, str | None, str]]:
    """(where, declared type or None, what AWS uses when it is None)."""
    if resource.type == EBS_VOLUME:
        yield "type", resource.get("type"), "gp2"
    elif resource.type == LAUNCH_TEMPLATE:
        for mapping in as_list(resource.get("blockDeviceMappings")):
            ebs = mapping.get("ebs") if isinstance(mapping, Mapping) else None
            if isinstance(ebs, Mapping):
                where = f"blockDeviceMappings[{mapping.get('deviceName', '?')}].ebs.volumeType"
                yield where, ebs.get("volumeType"), "the AMI's default, often gp2"
    elif resource.type == EC2_INSTANCE:
        root = resource.get("rootBlockDevice")
        if isinstance(root, Mapping):
            yield "rootBlockDevice.volumeType", root.get("volumeType"), "gp2"
        for device in as_list(resource.get("ebsBlockDevices")):
            if isinstance(device, Mapping):
                yield f"ebsBlockDevices[{device.get('deviceName', '?')}].volumeType", device.get("volumeType"), "gp2"
    elif resource.type == RDS_INSTANCE:
        engine = str(resource.get("engine", default=""))
        if engine.startswith("aurora"):
            return  # Aurora storage is not typed per instance
        if resource.get("storageType") or not resource.get("replicateSourceDb"):
            yield "storageType", resource.get("storageType"), "io1" if resource.get("iops") else "gp2"
    elif resource.type == STORAGE_CLASS:
        provisioner = resource.get("provisioner")
        if provisioner in ("ebs.csi.aws.com", "kubernetes.io/aws-ebs"):
            default = "gp3" if provisioner == "ebs.csi.aws.com" else "gp2"
            yield "parameters.type", resource.get("parameters", "type"), default


def _check_volumes(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    allowed = [str(t) for t in as_list(config.get("allowedTypes"))]
    for where, declared, default in _volume_types(resource):
        effective = declared or default
        if effective not in allowed:
            shown = f"{where} is {declared}" if declared else f"{where} is not set, so AWS uses {default}"
            yield f"{shown}; allowed volume types for this tier: {_allowed_text(allowed)}"


# --- nat-gateway-count --------------------------------------------------------------------------


def _check_nat_count(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    nats = of_type(resources, NAT_GATEWAY)
    limit = as_int(config.get("max"))
    limit = 1 if limit is None else limit
    for i, nat in enumerate(nats[limit:], start=limit + 1):
        yield Violation(
            f"NAT gateway {nat.name} is number {i} of {len(nats)}; this tier allows at most {limit}", nat.urn
        )
    if not config.get("perAz"):
        return
    subnets = of_type(resources, SUBNET)
    az_of = {s.urn: s.get("availabilityZone") or s.get("availabilityZoneId") for s in subnets}
    azs = {az for az in az_of.values() if az}
    if azs and len(nats) > len(azs):
        yield Violation(f"{len(nats)} NAT gateways for {len(azs)} availability zones; one per zone is enough")
    seen: dict[str, str] = {}
    for nat in nats:
        az = next((az_of[s.urn] for s in subnets if az_of[s.urn] and refers_to(nat, "subnetId", s)), None)
        if az and az in seen:
            yield Violation(
                f"NAT gateway {nat.name} is a second one in {az} (after {seen[az]}); "
                "one per availability zone is enough",
                nat.urn,
            )
        elif az:
            seen[az] = nat.name


# --- dev-schedules-scale-to-zero ----------------------------------------------------------------


def _is_asg_of(asg_name: str, group: Resource) -> bool:
    # EKS names a managed node group's ASG "eks-<node group name>-<uuid>".
    return asg_name.startswith((f"eks-{group.name}-", f"eks-{group.get('nodeGroupName', default=group.name)}-"))


def _scales_down(schedule: Resource, floor: int) -> bool:
    desired, min_size = as_int(schedule.get("desiredCapacity")), as_int(schedule.get("minSize"))
    return desired is not None and desired <= floor and (min_size is None or min_size <= floor)


def _check_scale_to_zero(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    if not config.get("required"):
        return
    groups, schedules = of_type(resources, EKS_NODE_GROUP), of_type(resources, AUTOSCALING_SCHEDULE)
    matched = {
        g.urn: [s for s in schedules if refers_to(s, "autoscalingGroupName", g, literal=_is_asg_of)] for g in groups
    }
    # Schedules we cannot tie to a group (no dependency information) still count, for every group.
    claimed = {s.urn for group_schedules in matched.values() for s in group_schedules}
    unclaimed = [s for s in schedules if s.urn not in claimed]
    floor = as_int(config.get("maxOffHoursNodes")) or 0
    for group in groups:
        candidates = matched[group.urn] or unclaimed
        if not any(_scales_down(s, floor) for s in candidates):
            yield Violation(
                f"node group {group.name} has no aws.autoscaling.Schedule that scales it down to at "
                f"most {floor} node(s) (desiredCapacity and minSize <= {floor}) outside working hours",
                group.urn,
            )


RULES: list[Rule] = [
    Rule(
        name="node-groups-use-spot",
        description="EKS managed node groups run on Spot capacity where interruptions are acceptable.",
        severity="low",
        remediation='Set `capacity_type="SPOT"` on aws.eks.NodeGroup and list several interchangeable '
        "`instance_types` so Spot has capacity pools to choose from.",
        soc2=("A1.1",),
        level="advisory",
        resource_types=(EKS_NODE_GROUP,),
        resource_check=_check_spot,
    ),
    Rule(
        name="node-instance-types-allowed",
        description="EKS node groups and launch templates use only the instance types approved for the tier.",
        severity="medium",
        remediation="Set `instance_types` on aws.eks.NodeGroup (or `instance_type` on aws.ec2.LaunchTemplate) "
        "to types from the tier's allowed list, or get the list extended in the policy config.",
        soc2=("A1.1", "CC5.2"),
        config={"allowed": ["m6i.xlarge", "m6i.2xlarge", "m7i.xlarge", "m7i.2xlarge", "m7g.xlarge", "m7g.2xlarge"]},
        resource_types=(EKS_NODE_GROUP, LAUNCH_TEMPLATE),
        resource_check=_check_node_types,
    ),
    Rule(
        name="rds-instance-class-allowed",
        description="RDS instances use only the instance classes approved for the tier.",
        severity="medium",
        remediation="Set `instance_class` on aws.rds.Instance (or aws.rds.ClusterInstance) to a class from the "
        "tier's allowed list, or get the list extended in the policy config.",
        soc2=("A1.1", "CC5.2"),
        config={
            "allowed": [
                "db.r6g.large",
                "db.r6g.xlarge",
                "db.r6g.2xlarge",
                "db.r7g.large",
                "db.r7g.xlarge",
                "db.r7g.2xlarge",
            ]
        },
        resource_types=(RDS_INSTANCE, RDS_CLUSTER_INSTANCE),
        resource_check=_check_rds_class,
    ),
    Rule(
        name="volumes-use-gp3",
        description="EBS volumes, launch template block devices, RDS storage and EBS storage classes use gp3 "
        "(or another type the tier allows) instead of gp2, io1 or magnetic storage.",
        severity="low",
        remediation='Set `type="gp3"` on aws.ebs.Volume, `volume_type="gp3"` in aws.ec2.LaunchTemplate '
        '`block_device_mappings[].ebs`, `storage_type="gp3"` on aws.rds.Instance and '
        '`parameters={"type": "gp3"}` on the Kubernetes StorageClass.',
        soc2=("A1.1",),
        config={"allowedTypes": ["gp3", "io2"]},
        resource_types=(EBS_VOLUME, LAUNCH_TEMPLATE, EC2_INSTANCE, RDS_INSTANCE, STORAGE_CLASS),
        resource_check=_check_volumes,
    ),
    Rule(
        name="nat-gateway-count",
        description="The stack runs no more NAT gateways than the tier needs: a fixed maximum, and with perAz at "
        "most one per availability zone.",
        severity="medium",
        remediation="Route the private subnets through fewer aws.ec2.NatGateway resources (one shared gateway "
        "outside prod, one per availability zone in prod).",
        soc2=("A1.1",),
        config={"max": 3, "perAz": True},
        resource_types=(NAT_GATEWAY, SUBNET),
        stack_check=_check_nat_count,
    ),
    Rule(
        name="dev-schedules-scale-to-zero",
        description="When required, every EKS node group has an autoscaling schedule that scales it down to at "
        "most maxOffHoursNodes (zero unless configured) outside working hours.",
        severity="low",
        remediation="Add aws.autoscaling.Schedule resources on the node group's autoscaling group "
        "(`node_group.resources[0].autoscaling_groups[0].name`): one with `desired_capacity` and "
        "`min_size` at most maxOffHoursNodes in the evening and one scaling back up in the morning.",
        soc2=("A1.1",),
        # A node kept off-hours lets an off-hours deploy finish (Helm waits for its pods): dev keeps one.
        config={"required": False, "maxOffHoursNodes": 0},
        resource_types=(EKS_NODE_GROUP, AUTOSCALING_SCHEDULE),
        stack_check=_check_scale_to_zero,
    ),
]
