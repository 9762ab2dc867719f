"""Cost rules for compute, storage and network: what a tier may run and how much of it.

Tier-dependent values (allowed sizes, NAT count, schedules) come from config; the defaults are the
prod values. `refers_to`, the cross-resource matcher, is shared with the security rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from policies.framework import Resource, Rule, Violation, as_int, as_list, of_type

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EC2_INSTANCE = "aws:ec2/instance:Instance"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
EBS_VOLUME = "aws:ebs/volume:Volume"
K8S_STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
SUBNET = "aws:ec2/subnet:Subnet"
SCHEDULE = "aws:autoscaling/schedule:Schedule"

# Names Pulumi gives a resource that sets no explicit name: "<logical name>-<7 hex>".
_NAME_KEYS = ("name", "bucket", "identifier", "nodeGroupName", "clusterName")


def urn_type(urn: str) -> str:
    parts = urn.split("::")
    return parts[2].split("$")[-1] if len(parts) > 3 else ""


def refers_to(src: Resource, prop: str, target: Resource) -> bool:
    """Whether input `prop` of `src` points at `target`.

    Property dependencies are exact; during a preview the referenced id/name may be unknown, so we fall
    back to the declared value (explicit or auto-generated name), then to plain dependencies when
    `target` is the only resource of its type that `src` depends on.
    """
    from_deps = src.property_dependencies.get(prop)
    if from_deps:
        return target.urn in from_deps
    value = src.props.get(prop)
    if isinstance(value, str) and value:
        names = {target.name, *(str(target.props[k]) for k in _NAME_KEYS if target.props.get(k))}
        if value in names or re.fullmatch(re.escape(target.name) + r"-[0-9a-f]{7}", value):
            return True
        if any(value.endswith((":" + n, "/" + n)) for n in names):  # ARNs
            return True
    return [d for d in src.dependencies if urn_type(d) == target.type] == [target.urn]


def matches_any(value: str, patterns: Iterable[str]) -> bool:
    """Allowed lists take exact names or shell patterns ("t4g.*")."""
    return any(fnmatchcase(value, p) for p in patterns)


def _allowed_text(patterns: Iterable[str]) -> str:
    return ", ".join(patterns) or "(none)"


# --- node-groups-use-spot ---------------------------------------------------------------------


def _check_spot(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != NODE_GROUP:
        return
    capacity = resource.get("capacityType", default="ON_DEMAND")
    if capacity != "SPOT":
        yield f"node group capacityType is {capacity}; this tier runs node groups on SPOT capacity"


# --- node-instance-types-allowed ----------------------------------------------------------------


def _check_node_types(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    allowed = as_list(config.get("allowed"))
    if resource.type == NODE_GROUP:
        types = [str(t) for t in as_list(resource.get("instanceTypes"))]
        if not types and not resource.get("launchTemplate"):
            types = ["t3.medium"]  # the EKS default when neither instanceTypes nor a launch template set one
    elif resource.type == LAUNCH_TEMPLATE:
        types = [str(t) for t in as_list(resource.get("instanceType"))]
    else:
        return
    for itype in types:
        if not matches_any(itype, allowed):
            yield f"instance type {itype} is not in the allowed list for this tier: {_allowed_text(allowed)}"


# --- rds-instance-class-allowed -----------------------------------------------------------------


def _check_rds_class(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.type not in (RDS_INSTANCE, RDS_CLUSTER_INSTANCE):
        return
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
    elif resource.type in (RDS_INSTANCE,):
        engine = str(resource.get("engine", default=""))
        if engine.startswith("aurora"):
            return  # Aurora storage is not typed per instance
        if resource.get("storageType") or not resource.get("replicateSourceDb"):
            yield "storageType", resource.get("storageType"), "io1" if resource.get("iops") else "gp2"
    elif resource.type == K8S_STORAGE_CLASS:
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


def _schedule_targets(schedule: Resource, group: Resource) -> bool:
    if schedule.property_dependencies.get("autoscalingGroupName"):
        return group.urn in schedule.property_dependencies["autoscalingGroupName"]
    asg = schedule.get("autoscalingGroupName")
    if isinstance(asg, str) and asg:
        # EKS names a managed node group's ASG "eks-<node group name>-<uuid>".
        prefixes = {f"eks-{group.name}-", f"eks-{group.get('nodeGroupName', default=group.name)}-"}
        if asg.startswith(tuple(prefixes)):
            return True
    return [d for d in schedule.dependencies if urn_type(d) == NODE_GROUP] == [group.urn]


def _scales_down(schedule: Resource, floor: int) -> bool:
    desired, min_size = as_int(schedule.get("desiredCapacity")), schedule.get("minSize")
    return desired is not None and desired <= floor and (min_size is None or as_int(min_size) <= floor)


def _check_scale_to_zero(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    if not config.get("required"):
        return
    groups, schedules = of_type(resources, NODE_GROUP), of_type(resources, SCHEDULE)
    matched = {g.urn: [s for s in schedules if _schedule_targets(s, g)] for g in groups}
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
        stack_check=_check_scale_to_zero,
    ),
]
