"""Cases for multi-AZ, deletion safeguards and `protect` (platform_policies/rules/resilience/infrastructure.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res
from tests.policies.rules.resilience.backups_cases import EAST, RDS, WEST

BUCKET = "aws:s3/bucket:Bucket"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"


def subnets(vpc, *zones, provider=EAST, vpc_id=None):
    deps = None if vpc_id else {"vpcId": [vpc.urn]}
    return tuple(
        res(
            SUBNET,
            f"{vpc.name}-{zone}",
            provider_props=provider,
            property_dependencies=deps,
            vpcId=vpc_id or "vpc-123",
            availabilityZone=zone,
        )
        for zone in zones
    )


_vpc = res(VPC, "vpc", provider_props=EAST, cidrBlock="10.30.0.0/16")
_dr_vpc = res(VPC, "dr-vpc", provider_props=WEST, cidrBlock="10.130.0.0/16")
_three = subnets(_vpc, "us-east-1a", "us-east-1b", "us-east-1c")

CASES: list[Case] = [
    # rds-multi-az
    Case("rds-multi-az", False, (res(RDS, multiAz=True),)),
    Case("rds-multi-az", False, (res(RDS, replicateSourceDb="src"),), note="replica"),
    Case("rds-multi-az", False, (res(RDS, multiAz=False),), config={"required": False}, note="not-required"),
    Case("rds-multi-az", True, (res(RDS, multiAz=False),)),
    Case("rds-multi-az", True, (res(RDS, engine="postgres"),), note="unset"),
    # vpc-spans-min-azs
    Case(
        "vpc-spans-min-azs",
        False,
        (_vpc, *_three, _dr_vpc, *subnets(_dr_vpc, "us-west-2a", provider=WEST)),
        note="dr-vpc-ignored",
    ),
    Case("vpc-spans-min-azs", False, (_vpc, *_three[:2]), config={"minAzs": 2}, note="dev-two-azs"),
    Case(
        "vpc-spans-min-azs",
        False,
        (_vpc, *subnets(_vpc, "us-east-1a", "us-east-1b", "us-east-1c", vpc_id="vpc-1")),
        note="grouped-by-vpc-id",
    ),
    Case("vpc-spans-min-azs", True, (_vpc, *_three[:2], *subnets(_vpc, "us-east-1a")), note="two-azs", offender="vpc"),
    Case("vpc-spans-min-azs", True, (_vpc,), note="no-subnets", offender="vpc"),
    Case(
        "vpc-spans-min-azs",
        True,
        (_vpc, *subnets(_vpc, "us-east-1a", vpc_id="vpc-1")),
        note="grouped-one-az",
        offender="vpc-us-east-1a",
    ),
    # rds-deletion-protection
    Case("rds-deletion-protection", False, (res(RDS, deletionProtection=True),)),
    Case("rds-deletion-protection", False, (res(RDS),), config={"required": False}, note="not-required"),
    Case("rds-deletion-protection", True, (res(RDS, deletionProtection=False),)),
    Case("rds-deletion-protection", True, (res("aws:rds/cluster:Cluster"),), note="cluster-unset"),
    # rds-final-snapshot
    Case("rds-final-snapshot", False, (res(RDS, skipFinalSnapshot=False, finalSnapshotIdentifier="db-final"),)),
    Case("rds-final-snapshot", False, (res(RDS, replicateSourceDb="src", skipFinalSnapshot=True),), note="replica"),
    Case(
        "rds-final-snapshot",
        False,
        (res(RDS, skipFinalSnapshot=True),),
        config={"required": False},
        note="not-required",
    ),
    Case("rds-final-snapshot", True, (res(RDS, skipFinalSnapshot=True, finalSnapshotIdentifier="db-final"),)),
    Case("rds-final-snapshot", True, (res(RDS, skipFinalSnapshot=False),), note="no-identifier"),
    # stateful-resources-protected
    Case("stateful-resources-protected", False, (res(BUCKET, protect=True),)),
    Case("stateful-resources-protected", False, (res(VPC),), note="not-stateful"),
    Case("stateful-resources-protected", False, (res(BUCKET),), config={"required": False}, note="not-required"),
    Case("stateful-resources-protected", True, (res(BUCKET),)),
    Case("stateful-resources-protected", True, (res("aws:dynamodb/table:Table"),), note="table"),
    Case("stateful-resources-protected", True, (res(VPC),), config={"types": [VPC]}, note="types-from-config"),
]
