"""The edge and the networks, checked against the AWS constraints the offline mocks would accept anyway.

The three components run in-process, per tier, with each tier's real stack configuration, under
`platformctl.mocks.PlatformMocks` with two answers made realistic here: `getAvailabilityZones` returns the
zone IDs an account really sees (not in name order, us-east-1 with `use1-az3`, which EKS refuses), and
`getZone` answers the public-zone lookup when the shared mocks do not (yet). The component and
resource names are the ones `__main__.py` gives, so the URNs in the failures are the stack's.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from components.config_loader import InvalidConfigError, load_platform_config
from components.dr_network import DrNetwork, DrNetworkArgs
from components.edge import INGRESS_PORT, Edge, EdgeArgs
from components.network import (
    EKS_UNSUPPORTED_ZONE_IDS,
    AvailabilityZone,
    Network,
    NetworkArgs,
    choose_zones,
    plan_subnets,
    zone_slot,
)
from platformctl import mocks as platform_mocks
from platformctl.monitor import RecordingMonitor, plain
from platformctl.project import load_project, load_stack_config

REPO = Path(__file__).resolve().parent.parent
TIERS = ("dev", "staging", "prod")

AZ_TOKEN = "aws:index/getAvailabilityZones:getAvailabilityZones"
ZONE_TOKEN = "aws:route53/getZone:getZone"
# What an account sees: names map to zone IDs in no particular order (they differ per account).
ACCOUNT_ZONES = {
    "us-east-1": {
        "us-east-1a": "use1-az6",
        "us-east-1b": "use1-az1",
        "us-east-1c": "use1-az2",
        "us-east-1d": "use1-az4",
        "us-east-1e": "use1-az3",
        "us-east-1f": "use1-az5",
    },
    "us-west-2": {
        "us-west-2a": "usw2-az2",
        "us-west-2b": "usw2-az1",
        "us-west-2c": "usw2-az3",
        "us-west-2d": "usw2-az4",
    },
}
LOOKED_UP_ZONE_ID = "Z0BASELINEZONE000001"
LOOKED_UP_NAME_SERVERS = ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk"]
CLUSTER_SECURITY_GROUP = "sg-0c1u5t3r5ecur1ty"
LOGS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

LB = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
SUBNET = "aws:ec2/subnet:Subnet"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
OUR_COMPONENTS = ("platform:network:Network", "platform:network:DrNetwork", "platform:edge:Edge")


class _Mocks(platform_mocks.PlatformMocks):
    def __init__(self, missing_zone: bool = False) -> None:
        super().__init__()
        self.missing_zone = missing_zone
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.zone_answers: list[dict[str, Any]] = []

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append((args.token, dict(args.args)))
        region = args.args.get("region") or self._region_of(args.provider)
        if args.token == AZ_TOKEN:
            zones = ACCOUNT_ZONES[region]
            return {"id": region, "names": list(zones), "zoneIds": list(zones.values()), "groupNames": [region]}
        if args.token == ZONE_TOKEN:
            if self.missing_zone:  # what the provider answers when no zone matches
                return {}, [("name", f"no matching Route 53 Hosted Zone found for {args.args.get('name')}")]
            answer = super().call(args)
            if not answer or not answer.get("zoneId"):  # the shared mocks do not answer the lookup (yet)
                answer = {
                    "id": LOOKED_UP_ZONE_ID,
                    "zoneId": LOOKED_UP_ZONE_ID,
                    "name": args.args["name"],
                    "nameServers": LOOKED_UP_NAME_SERVERS,
                    "privateZone": False,
                }
            self.zone_answers.append(answer)
            return answer
        return super().call(args)


class _Monitor(RecordingMonitor):
    """Also keeps each resource's delete_before_replace, which the preview records do not carry."""

    def __init__(self, mocks) -> None:
        super().__init__(mocks)
        self.delete_before_replace: dict[str, bool] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        self.delete_before_replace[response.urn] = request.deleteBeforeReplace
        return response


@dataclass
class Run:
    tier: str
    resources: list[dict[str, Any]]
    delete_before_replace: dict[str, bool]
    calls: list[tuple[str, dict[str, Any]]]
    zone_answers: list[dict[str, Any]]
    components: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None

    def of_type(self, token: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == token]

    def one(self, token: str) -> dict[str, Any]:
        found = self.of_type(token)
        assert len(found) == 1, f"expected one {token} in {self.tier}, found {[r['urn'] for r in found]}"
        return found[0]

    def ours(self) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["custom"] and any(f"::{c}$" in r["urn"] for c in OUR_COMPONENTS)]

    @property
    def network(self) -> Network:
        return self.components["network"]

    @property
    def dr_network(self) -> DrNetwork:
        return self.components["dr_network"]

    @property
    def edge(self) -> Edge:
        return self.components["edge"]


def _program(components: dict[str, Any]) -> None:
    """The slice of `__main__.py` these components need, with the names it gives them."""
    config = load_platform_config()
    prefix = config.name_prefix
    primary = pulumi.ResourceOptions(providers={"aws": aws.Provider("aws-primary", region=config.primary_region)})
    in_dr = pulumi.ResourceOptions(providers={"aws": aws.Provider("aws-dr", region=config.dr_region)})
    network = Network(f"{prefix}-network", NetworkArgs(config=config, logs_key_arn=LOGS_KEY_ARN), primary)
    components["network"] = network
    components["dr_network"] = DrNetwork(f"{prefix}-dr-network", DrNetworkArgs(config=config), in_dr)
    components["edge"] = Edge(
        f"{prefix}-edge",
        EdgeArgs(
            config=config,
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            public_subnet_ids=network.public_subnet_ids,
            cluster_security_group_id=CLUSTER_SECURITY_GROUP,
        ),
        primary,
    )


def _run(tier: str, missing_zone: bool = False) -> Run:
    project = load_project(REPO)
    values = load_stack_config(project, tier).values
    mocks = _Mocks(missing_zone=missing_zone)
    monitor = _Monitor(mocks)
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    runtime_settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=features,
            engine=MockEngine(logging.getLogger("test_edge_network")),
            project=project.name,
            stack=tier,
            dry_run=True,
            organization="organization",
            callbacks=None,
        )
    )
    token = runtime_config.CONFIG.set(dict(values))
    components: dict[str, Any] = {}
    error = None
    try:
        _sync_await(run_in_stack(lambda: _program(components)))
    except Exception as caught:  # noqa: BLE001 the missing-zone case asserts on it
        error = caught
    finally:
        runtime_config.CONFIG.reset(token)
        runtime_settings.reset_options()
    resources = [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "custom": r.custom,
            "id": r.id,
            "protect": r.protect,
            "dependencies": r.dependencies,
            "inputs": plain(r.inputs),
            "outputs": plain(r.outputs),
        }
        for r in monitor.records
    ]
    return Run(
        tier=tier,
        resources=resources,
        delete_before_replace=monitor.delete_before_replace,
        calls=mocks.calls,
        zone_answers=mocks.zone_answers,
        components=components,
        error=error,
    )


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    results = {tier: _run(tier) for tier in TIERS}
    failed = {tier: repr(run.error) for tier, run in results.items() if run.error}
    assert not failed, f"the edge and network components failed: {failed}"
    return results


@pytest.fixture(params=TIERS)
def run(request, runs) -> Run:
    return runs[request.param]


# --- 1. load balancer and target group names -------------------------------------------------------------------

# Both ELBv2 names: <= 32 characters, alphanumerics and hyphens, no hyphen first or last, and a load balancer's
# not "internal-" first: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
# and API_CreateTargetGroup.html. Pulumi's auto-name is the logical name + "-" + 7 random characters;
# a name_prefix (<= 6) gets a 26-character unique suffix (terraform-provider-aws internal/service/elbv2/validate.go).
_ELB_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")


def _physical_name(resource: dict[str, Any]) -> tuple[str, str]:
    inputs = resource["inputs"]
    if inputs.get("name"):
        return inputs["name"], "explicit"
    if inputs.get("namePrefix"):
        return inputs["namePrefix"] + "x" * 26, "name_prefix"
    return f"{resource['name']}-{'x' * 7}", "auto-named"


def test_load_balancer_and_target_group_names_fit_the_elb_limits(run):
    balancers = run.of_type(LB) + run.of_type(TARGET_GROUP)
    assert {r["type"] for r in balancers} == {LB, TARGET_GROUP}, f"{run.tier}: no load balancer or target group"
    for resource in balancers:
        name, how = _physical_name(resource)
        assert how != "explicit", f"{resource['urn']}: a fixed name cannot be replaced create-before-delete"
        assert len(name) <= 32, f"{resource['urn']}: {how} name {name!r} is {len(name)} characters (max 32)"
        assert _ELB_NAME.match(name), f"{resource['urn']}: {name!r} must be alphanumerics and inner hyphens"
        assert not name.startswith("internal-"), f"{resource['urn']}: {name!r} starts with 'internal-'"
        if how == "name_prefix":
            assert len(resource["inputs"]["namePrefix"]) <= 6, f"{resource['urn']}: name_prefix over 6 characters"


def test_the_target_group_still_feeds_the_listener_and_the_alarms(run):
    target_group = run.one(TARGET_GROUP)
    https = next(r for r in run.of_type("aws:lb/listener:Listener") if r["inputs"]["protocol"] == "HTTPS")
    assert https["inputs"]["defaultActions"][0]["targetGroupArn"] == target_group["outputs"]["arn"], https["urn"]
    assert target_group["inputs"]["targetType"] == "ip" and target_group["inputs"]["port"] == INGRESS_PORT
    edge = run.edge
    assert edge.target_group is not None and edge.load_balancer is not None  # arn_suffix outputs feed the alarms


# --- 2. the public zone is a prerequisite, looked up ------------------------------------------------------------


def test_the_public_zone_is_looked_up_not_created(run):
    created = run.of_type("aws:route53/zone:Zone")
    assert not created, f"the zone belongs to the account baseline, not the stack: {[r['urn'] for r in created]}"
    lookups = [args for token, args in run.calls if token == ZONE_TOKEN]
    domain = next(r for r in run.of_type("aws:acm/certificate:Certificate"))["inputs"]["domainName"]
    assert lookups == [{"name": domain, "privateZone": False}], lookups
    (answer,) = run.zone_answers
    zone_id = answer["zoneId"]
    records = run.of_type("aws:route53/record:Record")
    assert len(records) == 3, [r["urn"] for r in records]  # certificate validation, apex, wildcard
    for record in records:
        assert record["inputs"]["zoneId"] == zone_id, f"{record['urn']} is not in the looked-up zone"
    assert run.edge.zone_id == zone_id
    assert run.edge.name_servers == list(answer["nameServers"])


def test_the_certificate_is_still_validated_in_the_zone(run):
    validation = run.one("aws:acm/certificateValidation:CertificateValidation")
    record = next(r for r in run.of_type("aws:route53/record:Record") if r["name"].endswith("-certificate-validation"))
    assert validation["inputs"]["validationRecordFqdns"] == [record["outputs"]["fqdn"]], validation["urn"]


def test_a_missing_zone_stops_the_preview_at_the_lookup_before_the_certificate():
    failed = _run("dev", missing_zone=True)
    assert failed.error is not None, "the preview must fail when the zone does not exist"
    assert "dev.platform.company.com" in str(failed.error) or ZONE_TOKEN in str(failed.error), failed.error
    assert not failed.of_type("aws:acm/certificate:Certificate"), "nothing may wait on a zone that is not there"


# --- 3. the ALB reaches the ingress pods ------------------------------------------------------------------------


def test_the_cluster_security_group_admits_the_alb_on_the_ingress_port(run):
    alb_group = next(r for r in run.of_type("aws:ec2/securityGroup:SecurityGroup") if r["name"].endswith("-alb-sg"))
    assert run.one(LB)["inputs"]["securityGroups"] == [alb_group["id"]]
    into_pods = [r for r in run.of_type(INGRESS_RULE) if r["inputs"]["securityGroupId"] == CLUSTER_SECURITY_GROUP]
    assert len(into_pods) == 1, f"{run.tier}: expected one rule on the cluster security group: {into_pods}"
    rule = into_pods[0]
    inputs = rule["inputs"]
    assert inputs["referencedSecurityGroupId"] == alb_group["id"], rule["urn"]
    assert (inputs["ipProtocol"], inputs["fromPort"], inputs["toPort"]) == ("tcp", INGRESS_PORT, INGRESS_PORT)
    assert "cidrIpv4" not in inputs and inputs.get("description"), rule["urn"]
    # Security group rule descriptions: up to 255 of a-zA-Z0-9 . _-:/()#,@[]+=&;{}!$* and space.
    assert re.fullmatch(r"[A-Za-z0-9. _\-:/()#,@\[\]+=&;{}!$*]{1,255}", inputs["description"]), rule["urn"]


def test_public_subnet_cidrs_are_exposed_in_zone_order(run):
    network = run.network
    by_zone = {
        r["inputs"].get("availabilityZoneId"): r["inputs"]["cidrBlock"]
        for r in run.of_type(SUBNET)
        if "-network-public-" in r["name"]
    }
    assert network.public_subnet_cidrs == [by_zone[z] for z in network.availability_zone_ids]
    assert all(type(cidr) is str for cidr in network.public_subnet_cidrs)


# --- 4. AZs by zone ID ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", sorted(EKS_UNSUPPORTED_ZONE_IDS))
def test_zone_ids_eks_does_not_support_are_never_picked(region):
    prefix = {"us-east-1": "use1", "us-west-1": "usw1", "ca-central-1": "cac1"}[region]
    zone_ids = [f"{prefix}-az{n}" for n in (3, 1, 2, 4)]
    names = [f"{region}{letter}" for letter in "abcd"]
    picked = choose_zones(region, names, zone_ids, wanted=3)
    assert not {z.zone_id for z in picked} & EKS_UNSUPPORTED_ZONE_IDS[region], picked
    with pytest.raises(InvalidConfigError, match=r"network\.azCount = 4.*EKS does not support"):
        choose_zones(region, names, zone_ids, wanted=4)


def test_the_excluded_zone_ids_are_the_documented_ones():
    # https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html, "Subnet requirements for clusters"
    documented = {"us-east-1": {"use1-az3"}, "us-west-1": {"usw1-az2"}, "ca-central-1": {"cac1-az3"}}
    assert documented == EKS_UNSUPPORTED_ZONE_IDS


def test_zones_are_picked_by_zone_id_and_keep_their_names():
    zones = ACCOUNT_ZONES["us-east-1"]
    picked = choose_zones("us-east-1", list(zones), list(zones.values()), wanted=3)
    assert picked == [
        AvailabilityZone("use1-az1", "us-east-1b"),
        AvailabilityZone("use1-az2", "us-east-1c"),
        AvailabilityZone("use1-az4", "us-east-1d"),
    ]
    # By number, not by string: az10 comes after az2.
    assert [z.zone_id for z in choose_zones("eu-west-9", ["a", "b"], ["euw9-az10", "euw9-az2"], 2)] == [
        "euw9-az2",
        "euw9-az10",
    ]


def test_a_zone_keeps_its_subnet_slot_whatever_else_is_picked():
    vpc = ipaddress.IPv4Network("10.20.0.0/16")
    everything = plan_subnets(vpc, [f"use1-az{n}" for n in (1, 2, 4, 5, 6)])
    for subset in (["use1-az4"], ["use1-az2", "use1-az4"], ["use1-az4", "use1-az6", "use1-az1"]):
        plan = plan_subnets(vpc, subset)
        for tier in ("public", "private", "database"):
            for zone_id in subset:
                assert getattr(plan, tier)[zone_id] == getattr(everything, tier)[zone_id], (tier, zone_id, subset)
    assert zone_slot("use1-az4") == 3 and zone_slot("usw2-az1") == 0
    with pytest.raises(InvalidConfigError, match="8 slots per tier"):
        zone_slot("use1-az9")


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


# --- 5./6. fixed names, flow logs -------------------------------------------------------------------------------


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
