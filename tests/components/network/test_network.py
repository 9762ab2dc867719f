"""The primary and DR networks, checked against the AWS constraints the offline mocks would accept anyway:
availability zones picked by zone ID, subnets keyed by it, fixed names freed before replacement, valid flow
logs. The components run in-process per tier (runs.py)."""

from __future__ import annotations

import json
import re

from components.network.zones import EKS_UNSUPPORTED_ZONE_IDS, zone_slot
from platformctl.preview import mocks as platform_mocks
from tests.components.network.runs import ACCOUNT_ZONES

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


def test_flow_log_group_and_role_are_valid(run):
    flow_logs = run.of_type("aws:ec2/flowLog:FlowLog")
    if run.tier == "dev":
        assert not flow_logs
        return
    (flow_log,) = flow_logs
    group = next(r for r in run.of_type("aws:cloudwatch/logGroup:LogGroup") if r["name"].endswith("-flow-logs"))
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
    assert re.fullmatch(r"[.\-_/#A-Za-z0-9]{1,512}", group["inputs"]["name"]), group["urn"]
    role = next(r for r in run.of_type("aws:iam/role:Role") if r["name"].endswith("-flow-logs-role"))
    # Role names: at most 64 (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
    assert len(role["name"]) + 8 <= 64 and "name" not in role["inputs"], role["urn"]
    # https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    (statement,) = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": platform_mocks.ACCOUNT_ID}
    assert statement["Condition"]["ArnLike"] == {
        "aws:SourceArn": f"arn:aws:ec2:us-east-1:{platform_mocks.ACCOUNT_ID}:vpc-flow-log/*"
    }
    policy = next(r for r in run.of_type("aws:iam/rolePolicy:RolePolicy") if r["name"].endswith("-flow-logs-write"))
    granted = {action for s in json.loads(policy["inputs"]["policy"])["Statement"] for action in s["Action"]}
    assert granted >= {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
        "logs:DescribeLogGroups",
    }, policy["urn"]
    assert flow_log["inputs"]["logDestination"] == group["outputs"]["arn"]
    assert flow_log["inputs"]["iamRoleArn"] == role["outputs"]["arn"]
    assert policy["urn"] in flow_log["dependencies"], "the policy must exist before the first delivery"
