"""Resilience of the infrastructure itself: multi-AZ, deletion safeguards and `protect` on stateful resources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ...aws_resources import is_read_replica, region_of
from ...framework import Resource, Rule, Violation, of_type
from ...resource_types import (
    BACKUP_VAULT,
    BUCKET,
    DYNAMODB_TABLE,
    ECR_REPOSITORY,
    EFS_FILE_SYSTEM,
    KMS_KEY,
    RDS_CLUSTER,
    RDS_DATABASES,
    RDS_INSTANCE,
    SUBNET,
    VPC,
)
from ...values import shown
from .regions import in_region, primary_region

# An ECR repository holds the images every release and rollback pulls, under an encryption fixed at creation.
STATEFUL_TYPES = [
    RDS_INSTANCE,
    RDS_CLUSTER,
    BUCKET,
    KMS_KEY,
    BACKUP_VAULT,
    EFS_FILE_SYSTEM,
    DYNAMODB_TABLE,
    ECR_REPOSITORY,
]


def _multi_az(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    # A read replica is the standby of another region, not of an AZ.
    if is_read_replica(resource) or not config["required"]:
        return
    if resource.get("multiAz") is not True:
        yield f"multiAz is {shown(resource.get('multiAz'))}; expected true"


def _vpc_spans_azs(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    minimum, primary = config["minAzs"], primary_region(resources)
    vpcs = [vpc for vpc in of_type(resources, VPC) if in_region(vpc, primary)]
    zones: dict[str, set[str]] = {vpc.urn: set() for vpc in vpcs}
    unlinked: dict[str, set[str]] = defaultdict(set)  # vpcId -> AZs, for subnets without a VPC dependency
    first_subnet: dict[str, str] = {}
    for subnet in of_type(resources, SUBNET):
        if not in_region(subnet, primary):
            continue
        zone = subnet.get("availabilityZone") or subnet.get("availabilityZoneId")
        owners = [urn for urn in subnet.property_dependencies.get("vpcId", ()) if urn in zones]
        if owners:
            zones[owners[0]].update([zone] if zone else [])
        elif subnet.get("vpcId"):
            vpc_id = str(subnet.get("vpcId"))
            first_subnet.setdefault(vpc_id, subnet.urn)
            unlinked[vpc_id].update([zone] if zone else [])
    for vpc in vpcs:
        # Without property dependencies a declared VPC's subnets are judged below, grouped by vpcId.
        if not zones[vpc.urn] and unlinked:
            continue
        if len(zones[vpc.urn]) < minimum:
            found = zones[vpc.urn]
            yield Violation(
                f"VPC {vpc.name} ({vpc.get('cidrBlock', default='?')}) has subnets in {len(found)} "
                f"AZ(s) ({', '.join(sorted(found)) or 'none'}); expected at least {minimum}",
                vpc.urn,
            )
    for vpc_id, found in unlinked.items():
        if len(found) < minimum:
            yield Violation(
                f"subnets of VPC {vpc_id} span {len(found)} AZ(s) ({', '.join(sorted(found)) or 'none'}); "
                f"expected at least {minimum}",
                first_subnet[vpc_id],
            )


def _deletion_protection(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not config["required"]:
        return
    if resource.get("deletionProtection") is not True:
        yield f"deletionProtection is {shown(resource.get('deletionProtection'))}; expected true"


def _final_snapshot(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    # Deleting a read replica can't take a final snapshot; its source keeps the data.
    if is_read_replica(resource) or not config["required"]:
        return
    if resource.get("skipFinalSnapshot") is True:
        yield "skipFinalSnapshot is true; expected false so deletion keeps a final snapshot"
    elif not resource.get("finalSnapshotIdentifier"):
        yield "finalSnapshotIdentifier is not set; expected a snapshot name to keep on deletion"


def _protected(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if not config["required"] or resource.type not in config["types"]:
        return
    if not resource.protect:
        where = f" in {region_of(resource)}" if region_of(resource) else ""
        yield f"stateful {resource.type} {resource.name}{where} is not protected; expected protect=True"


_AVAILABILITY = ("A1.2",)
_DELETION = ("A1.2", "CC8.1")

RULES: list[Rule] = [
    Rule(
        name="rds-multi-az",
        description="Where required, RDS instances (read replicas excepted) run with a Multi-AZ standby.",
        severity="medium",
        remediation="Set `multi_az=True` on aws.rds.Instance (applied during the maintenance window unless "
        "`apply_immediately=True`).",
        soc2=_AVAILABILITY,
        config={"required": True},
        resource_types=(RDS_INSTANCE,),
        resource_check=_multi_az,
    ),
    Rule(
        name="vpc-spans-min-azs",
        description="Every primary-region VPC has subnets in at least the tier's number of availability zones.",
        severity="medium",
        remediation="Create aws.ec2.Subnet resources with distinct `availability_zone` values in at least config "
        "`minAzs` zones for every aws.ec2.Vpc of the primary region.",
        soc2=_AVAILABILITY,
        config={"minAzs": 3},
        stack_check=_vpc_spans_azs,
    ),
    Rule(
        name="rds-deletion-protection",
        description="Where required, RDS instances and clusters have deletion protection on.",
        severity="high",
        remediation="Set `deletion_protection=True` on aws.rds.Instance / aws.rds.Cluster.",
        soc2=_DELETION,
        config={"required": True},
        resource_types=RDS_DATABASES,
        resource_check=_deletion_protection,
    ),
    Rule(
        name="rds-final-snapshot",
        description="Where required, deleting an RDS instance or cluster (read replicas excepted) keeps a final "
        "snapshot.",
        severity="medium",
        remediation="Set `skip_final_snapshot=False` and `final_snapshot_identifier` on aws.rds.Instance / "
        "aws.rds.Cluster.",
        soc2=_DELETION,
        config={"required": True},
        resource_types=RDS_DATABASES,
        resource_check=_final_snapshot,
    ),
    Rule(
        name="stateful-resources-protected",
        description="Where required, stateful resources (databases, buckets, keys, vaults, file systems, tables) "
        "carry Pulumi's protect option.",
        severity="high",
        remediation="Pass `opts=pulumi.ResourceOptions(protect=True)` to the resource (for a component, in its "
        "child resource options); unprotect deliberately with `pulumi state unprotect`.",
        soc2=_DELETION,
        config={"required": True, "types": STATEFUL_TYPES},
        resource_types=("*",),  # which types are stateful is config: `types`
        resource_check=_protected,
    ),
]
