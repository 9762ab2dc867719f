"""Cases for the cost rules (policies/rules/cost.py and cost_governance.py)."""

from __future__ import annotations

import json

import pytest

from policies.rules import cost, cost_budget, cost_governance
from tests.policies.cases import Case, assert_case, assert_case_as_crossguard_sees_it, res

NG = "aws:eks/nodeGroup:NodeGroup"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
RDS = "aws:rds/instance:Instance"
NAT = "aws:ec2/natGateway:NatGateway"
SUBNET = "aws:ec2/subnet:Subnet"
SCHEDULE = "aws:autoscaling/schedule:Schedule"
LOG = "aws:cloudwatch/logGroup:LogGroup"
BUDGET = "aws:budgets/budget:Budget"
VPC = "aws:ec2/vpc:Vpc"

DEV_TYPES = {"allowed": ["t3.large", "t3a.large", "m5.large", "m5a.large", "t4g.*"]}
TAGS = {
    "environment": "dev",
    "owner": "platform-team",
    "cost-center": "platform-engineering",
    "managed-by": "pulumi",
    "data-classification": "internal",
}
PROVIDER_JSON = {"defaultTags": json.dumps({"tags": TAGS})}
PROVIDER_DICT = {"defaultTags": {"tags": TAGS}}


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def _nat(name: str, subnet: str) -> object:
    return res(NAT, name, subnetId=f"subnet-{subnet}", property_dependencies={"subnetId": [_urn(SUBNET, subnet)]})


def _subnets(*azs: str) -> tuple:
    return tuple(res(SUBNET, f"public-{az}", availabilityZone=az) for az in azs)


def _group(name: str = "nodes") -> object:
    return res(NG, name, capacityType="SPOT")


def _schedule(name: str, desired: int, min_size: int, group: str | None = "nodes", **props) -> object:
    deps = {"autoscalingGroupName": [_urn(NG, group)]} if group else {}
    return res(SCHEDULE, name, desiredCapacity=desired, minSize=min_size, property_dependencies=deps, **props)


NOTIFY = [
    {
        "notificationType": "ACTUAL",
        "threshold": 80,
        "thresholdType": "PERCENTAGE",
        "comparisonOperator": "GREATER_THAN",
        "subscriberSnsTopicArns": ["arn:aws:sns:us-east-1:1:alerts"],
    }
]

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
        (*_subnets("a", "b", "c"), _nat("nat-a", "public-a"), _nat("nat-b", "public-b"), _nat("nat-c", "public-c")),
    ),
    Case(
        "nat-gateway-count",
        True,
        (*_subnets("a", "b"), _nat("nat-a", "public-a"), _nat("nat-b", "public-b")),
        {"max": 1, "perAz": False},
        note="dev-max-1",
    ),
    Case(
        "nat-gateway-count",
        False,
        (*_subnets("a", "b"), _nat("nat-a", "public-a")),
        {"max": 1, "perAz": False},
        note="dev-one",
    ),
    Case(
        "nat-gateway-count",
        True,
        (*_subnets("a", "b"), _nat("nat-a", "public-a"), _nat("nat-a2", "public-a")),
        note="two-in-one-az",
    ),
    Case(
        "nat-gateway-count",
        True,
        (*_subnets("a", "b"), _nat("nat-1", "x"), _nat("nat-2", "y"), _nat("nat-3", "z")),
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
    Case("dev-schedules-scale-to-zero", True, (_group(), _schedule("up", 2, 1)), {"required": True}),
    Case(
        "dev-schedules-scale-to-zero",
        True,
        (_group(), _schedule("down", 0, 1)),
        {"required": True},
        note="min-size-blocks-zero",
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
    ),
    Case(
        "dev-schedules-scale-to-zero",
        True,
        (_group(), _group("other"), _schedule("down", 0, 0)),
        {"required": True},
        note="second-group-unscheduled",
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
    # log-retention-capped
    Case("log-retention-capped", False, (res(LOG, retentionInDays=365),)),
    Case("log-retention-capped", True, (res(LOG, retentionInDays=3653),)),
    Case("log-retention-capped", True, (res(LOG, name="/aws/eks/x"),), note="unset-is-forever"),
    Case("log-retention-capped", True, (res(LOG, retentionInDays=0),), note="zero-is-forever"),
    Case("log-retention-capped", True, (res(LOG, retentionInDays=30),), {"maxDays": 14}, note="dev"),
    # cost-tags-present
    Case("cost-tags-present", False, (res(VPC, provider_props=PROVIDER_JSON),), note="default-tags-json"),
    Case("cost-tags-present", False, (res(VPC, provider_props=PROVIDER_DICT),), note="default-tags-dict"),
    Case("cost-tags-present", False, (res(VPC, tags=TAGS),), note="own-tags"),
    Case(
        "cost-tags-present",
        False,
        (
            res(
                VPC,
                provider_props={"defaultTags": json.dumps({"tags": {k: v for k, v in TAGS.items() if k != "owner"}})},
                tags={"owner": "team-a"},
            ),
        ),
        note="union",
    ),
    Case(
        "cost-tags-present",
        True,
        (res(VPC, provider_props={"defaultTags": json.dumps({"tags": {"environment": "dev"}})}),),
    ),
    Case("cost-tags-present", True, (res(VPC),), note="no-tags-at-all"),
    Case("cost-tags-present", True, (res(VPC, tags={**TAGS, "owner": ""}),), note="empty-value"),
    Case(
        "cost-tags-present",
        True,
        (res("aws:lambda/function:Function", tags={"environment": "dev"}),),
        note="keyword-module",
    ),
    Case("cost-tags-present", False, (res("aws:ec2/route:Route"),), note="not-taggable"),
    Case("cost-tags-present", False, (res("aws:nosuch/thing:Thing"),), note="unknown-type"),
    Case("cost-tags-present", False, (res("kubernetes:core/v1:Namespace"),), note="not-aws"),
    # budget-exists
    Case(
        "budget-exists",
        False,
        (
            res(
                BUDGET, budgetType="COST", limitAmount="1500", limitUnit="USD", timeUnit="MONTHLY", notifications=NOTIFY
            ),
        ),
    ),
    Case("budget-exists", True, (res(VPC),), note="no-budget"),
    Case(
        "budget-exists",
        True,
        (res(BUDGET, budgetType="COST", limitAmount="1500", timeUnit="MONTHLY"),),
        note="no-notifications",
    ),
    Case(
        "budget-exists",
        True,
        (
            res(
                BUDGET,
                budgetType="COST",
                limitAmount="1500",
                notifications=[{"notificationType": "ACTUAL", "threshold": 80}],
            ),
        ),
        note="notification-without-subscriber",
    ),
    Case("budget-exists", True, (res(BUDGET, budgetType="COST", notifications=NOTIFY),), note="no-limit"),
    Case(
        "budget-exists",
        True,
        (res(BUDGET, budgetType="USAGE", limitAmount="10", notifications=NOTIFY),),
        note="usage-budget",
    ),
    Case(
        "budget-exists",
        False,
        (
            res(BUDGET, "bad", budgetType="COST"),
            res(BUDGET, "good", budgetType="COST", limitAmount="100", notifications=NOTIFY),
        ),
        note="one-good-is-enough",
    ),
]

_BIG_GROUP = res(
    "aws:eks/nodeGroup:NodeGroup", "nodes", instanceTypes=["m6i.xlarge"], scalingConfig={"desiredSize": 10}
)
CASES += [
    Case(
        "estimate-within-budget",
        True,
        (_BIG_GROUP, res("aws:budgets/budget:Budget", "b", limitAmount="1000")),
        {"usageProfile": "prod"},
        note="ten-xlarge-nodes-on-1000",
    ),
    Case(
        "estimate-within-budget",
        False,
        (_BIG_GROUP, res("aws:budgets/budget:Budget", "b", limitAmount="5000")),
        {"usageProfile": "prod"},
    ),
    Case(
        "estimate-within-budget",
        True,
        (_BIG_GROUP, res("aws:budgets/budget:Budget", "b", limitAmount="5000")),
        {"usageProfile": "qa"},
        note="unknown-usage-profile",
    ),
]

RULES = {r.name: r for r in cost.RULES + cost_budget.RULES + cost_governance.RULES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    assert_case(RULES, case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_as_crossguard_sees_it(case):
    assert_case_as_crossguard_sees_it(RULES, case)


def test_messages_name_the_offending_value() -> None:
    rule = RULES["rds-instance-class-allowed"]
    [message] = rule.check_resource(res(RDS, instanceClass="db.m5.24xlarge"), {"allowed": ["db.t4g.micro"]})
    assert "db.m5.24xlarge" in message and "db.t4g.micro" in message


def test_nat_violation_names_the_extra_gateway() -> None:
    resources = [*_subnets("a"), _nat("nat-a", "public-a"), _nat("nat-extra", "public-a")]
    found = RULES["nat-gateway-count"].check_stack(resources, {"max": 1, "perAz": False})
    assert [v.urn for v in found] == [_urn(NAT, "nat-extra")]
