"""The primary and DR networks, checked against the AWS constraints the offline mocks would accept anyway:
availability zones picked by zone ID, subnets keyed by it, fixed names freed before replacement, valid flow
logs. The components run in-process per tier (runs.py)."""

from __future__ import annotations

import json
import re

from components.network.zones import EKS_UNSUPPORTED_ZONE_IDS, zone_slot
from platformctl.preview import mocks as platform_mocks
from tests.components.network.runs import ACCOUNT_ZONES, DR_KEY_ARN, LOGS_KEY_ARN, run_components

SUBNET = "aws:ec2/subnet:Subnet"

# --- 1. public subnets ------------------------------------------------------------------------------------------


def test_public_subnet_cidrs_are_exposed_in_zone_order(run):
    network = run.network
    by_zone = {
        r["inputs"].get("availabilityZoneId"): r["inputs"]["cidrBlock"]
        for r in run.of_type(SUBNET)
        if "-network-public-" in r["name"]
    }
    assert network.public_subnet_cidrs == [by_zone[z] for z in network.availability_zone_ids]
    assert all(type(cidr) is str for cidr in network.public_subnet_cidrs)


# --- 2. AZs by zone ID ------------------------------------------------------------------------------------------


def test_subnets_are_created_and_keyed_by_zone_id(run):
    primary, dr = run.network, run.dr_network
    for network, region in ((primary, "us-east-1"), (dr, "us-west-2")):
        names = {zone_id: name for name, zone_id in ACCOUNT_ZONES[region].items()}
        assert network.availability_zones == [names[z] for z in network.availability_zone_ids]
        assert network.availability_zone_ids == sorted(network.availability_zone_ids, key=zone_slot)
        assert not set(network.availability_zone_ids) & EKS_UNSUPPORTED_ZONE_IDS.get(region, set())
    subnets = run.of_type(SUBNET)
    assert subnets
    for subnet in subnets:
        zone_id = subnet["inputs"].get("availabilityZoneId")
        assert zone_id and "availabilityZone" not in subnet["inputs"], f"{subnet['urn']}: not placed by zone ID"
        assert subnet["name"].endswith(f"-{zone_id}"), f"{subnet['urn']}: not named by its zone ID {zone_id}"
        assert zone_id in primary.availability_zone_ids + dr.availability_zone_ids, subnet["urn"]
    for mapping in (
        primary.public_subnet_ids,
        primary.private_subnet_ids,
        primary.database_subnet_ids,
        primary.nat_gateway_ids,
        dr.database_subnet_ids,
    ):
        assert set(mapping) <= set(primary.availability_zone_ids + dr.availability_zone_ids), mapping
    assert list(primary.private_subnet_ids) == primary.availability_zone_ids


# --- 3./4. fixed names, flow logs -------------------------------------------------------------------------------


def test_fixed_physical_names_are_deleted_before_replacement(run):
    named = [r for r in run.ours() if r["type"] != "aws:route53/record:Record" and r["inputs"].get("name")]
    # Route 53 records are exempt: only zone_id and name force a replacement, so the new record never collides.
    for resource in named:
        assert resource["protect"] or run.delete_before_replace[resource["urn"]], (
            f"{resource['urn']} has a fixed name: without delete_before_replace a replacement fails with "
            "'already exists'"
        )
    if run.tier != "dev":
        assert any(r["type"] == "aws:cloudwatch/logGroup:LogGroup" for r in named), "the flow-log group is named"


# One flow-log set per VPC: the primary's in us-east-1, the DR VPC's in us-west-2 (runs.py).
VPC_SETS = (("network", "us-east-1", LOGS_KEY_ARN), ("dr-network", "us-west-2", DR_KEY_ARN))


def _own(run, token: str, component: str, suffix: str) -> dict:
    """The one resource of `token` named `<prefix>-<component><suffix>`."""
    found = [r for r in run.of_type(token) if re.fullmatch(rf"[a-z]+-{run.tier}-{component}{suffix}", r["name"])]
    assert len(found) == 1, f"expected one {token} of {component}{suffix} in {run.tier}: {[r['urn'] for r in found]}"
    return found[0]


def test_flow_log_group_and_role_are_valid(run):
    flow_logs = run.of_type("aws:ec2/flowLog:FlowLog")
    if run.tier == "dev":
        assert not flow_logs, [r["urn"] for r in flow_logs]
        return
    assert len(flow_logs) == len(run.of_type("aws:ec2/vpc:Vpc")) == 2, [r["urn"] for r in flow_logs]
    group_names = set()
    for component, region, key_arn in VPC_SETS:
        _check_flow_log_set(run, component, region, key_arn)
        group_names.add(_own(run, "aws:cloudwatch/logGroup:LogGroup", component, "-flow-logs")["inputs"]["name"])
    assert len(group_names) == 2, f"each VPC's flow logs have a group of their own: {group_names}"


def _check_flow_log_set(run, component: str, region: str, key_arn: str) -> None:
    flow_log = _own(run, "aws:ec2/flowLog:FlowLog", component, "-flow-log")
    group = _own(run, "aws:cloudwatch/logGroup:LogGroup", component, "-flow-logs")
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
    assert re.fullmatch(r"[.\-_/#A-Za-z0-9]{1,512}", group["inputs"]["name"]), group["urn"]
    # A log group takes a KMS key of its own region only (CloudWatch Logs, encrypt-log-data-kms.html).
    assert group["inputs"]["kmsKeyId"] == key_arn and f":kms:{region}:" in key_arn, group["urn"]
    role = _own(run, "aws:iam/role:Role", component, "-flow-logs-role")
    # Role names: at most 64 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
    assert len(role["name"]) + 8 <= 64 and "name" not in role["inputs"], role["urn"]
    # https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}, role["urn"]
    assert statement["Action"] == "sts:AssumeRole", role["urn"]
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": platform_mocks.ACCOUNT_ID}, role["urn"]
    assert statement["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws:ec2:{region}:{platform_mocks.ACCOUNT_ID}:vpc-flow-log/*"
    }, role["urn"]
    policy = _own(run, "aws:iam/rolePolicy:RolePolicy", component, "-flow-logs-write")
    granted = {action for s in json.loads(policy["inputs"]["policy"])["Statement"] for action in s["Action"]}
    assert granted >= {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
        "logs:DescribeLogGroups",
    }, policy["urn"]
    vpc = _own(run, "aws:ec2/vpc:Vpc", component, "-vpc")
    assert flow_log["inputs"]["vpcId"] == vpc["id"], flow_log["urn"]
    assert flow_log["inputs"]["trafficType"] == "ALL", flow_log["urn"]
    assert flow_log["inputs"]["logDestination"] == group["outputs"]["arn"], flow_log["urn"]
    assert flow_log["inputs"]["iamRoleArn"] == role["outputs"]["arn"], flow_log["urn"]
    assert policy["urn"] in flow_log["dependencies"], (
        f"{flow_log['urn']}: the policy must exist before the first delivery"
    )


# --- 5. default security groups ---------------------------------------------------------------------------------


def test_every_vpc_default_security_group_is_emptied(run):
    # CIS AWS 5.4: adopted with explicitly empty rule lists, which makes the provider revoke every rule.
    for component, _, _ in VPC_SETS:
        group = _own(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", component, "-default-sg")
        vpc = _own(run, "aws:ec2/vpc:Vpc", component, "-vpc")
        assert group["inputs"]["vpcId"] == vpc["id"], group["urn"]
        assert group["inputs"].get("ingress") == [] and group["inputs"].get("egress") == [], (
            f"{group['urn']}: the default security group must keep no ingress and no egress rule"
        )


def test_dr_flow_logs_need_a_dr_region_key():
    run = run_components("prod", dr_key_arn=None)
    assert isinstance(run.error, ValueError) and "logs_key_arn" in str(run.error), repr(run.error)


# --- 6. the whole program: every VPC of every stack -------------------------------------------------------------


def test_every_vpc_of_the_stack_has_its_baseline(tier_stack):
    tier, stack = tier_stack
    flow_logs = stack.of_type("aws:ec2/flowLog:FlowLog")
    default_groups = stack.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    vpcs = stack.of_type("aws:ec2/vpc:Vpc")
    assert len(vpcs) == (2 if tier == "prod" else 1), [v["urn"] for v in vpcs]
    for vpc in vpcs:
        closed = [
            g
            for g in default_groups
            if g["inputs"]["vpcId"] == vpc["id"] and g["inputs"].get("ingress") == g["inputs"].get("egress") == []
        ]
        assert len(closed) == 1, f"{vpc['urn']}: its default security group is not adopted with no rules"
        mine = [f for f in flow_logs if f["inputs"]["vpcId"] == vpc["id"]]
        assert len(mine) == (0 if tier == "dev" else 1), f"{vpc['urn']}: flow logs {[f['urn'] for f in mine]}"


def test_dr_flow_log_group_key_is_in_the_dr_region_and_admits_cloudwatch_logs(stacks):
    stack = stacks["prod"]
    (group,) = [
        g for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup") if g["name"].endswith("-dr-network-flow-logs")
    ]
    region = stack.provider_region(group)
    assert region == "us-west-2", group["urn"]
    (key,) = [k for k in stack.of_type("aws:kms/key:Key") if k["outputs"].get("arn") == group["inputs"]["kmsKeyId"]]
    assert stack.provider_region(key) == region, f"{key['urn']}: a log group takes only a key of its own region"
    # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    admits_logs = [
        s
        for s in json.loads(key["inputs"]["policy"])["Statement"]
        if s["Principal"] == {"Service": f"logs.{region}.amazonaws.com"}
        and "kms:GenerateDataKey*" in s["Action"]
        and s["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].startswith(f"arn:aws:logs:{region}:")
    ]
    assert admits_logs, f"{key['urn']}: the key policy does not admit logs.{region}.amazonaws.com"
