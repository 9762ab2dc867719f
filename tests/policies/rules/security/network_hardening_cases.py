"""Cases for every VPC's baseline (platform_policies/rules/security/network_hardening.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def _flow_log(vpc: str, traffic: str = "ALL") -> object:
    # vpc_id comes from vpc.id: the engine sends the VPC as the property's dependency.
    return res(
        FLOW_LOG,
        f"{vpc}-flow-log",
        vpcId="vpc-0a1b2c3d",
        trafficType=traffic,
        property_dependencies={"vpcId": [urn(VPC, vpc)]},
    )


def _default_sg(vpc: str, **rules) -> object:
    return res(
        DEFAULT_SG, f"{vpc}-default-sg", vpcId="vpc-0a1b2c3d", property_dependencies={"vpcId": [urn(VPC, vpc)]}, **rules
    )


CASES: list[Case] = [
    # vpc-flow-logs-enabled
    Case("vpc-flow-logs-enabled", False, (res(VPC, "main"), _flow_log("main"))),
    Case(
        "vpc-flow-logs-enabled",
        False,
        (res(VPC, "main"), res(VPC, "dr"), _flow_log("main"), _flow_log("dr", "REJECT")),
        note="two-vpcs-rejects-only",
    ),
    Case("vpc-flow-logs-enabled", True, (res(VPC, "main"),), note="no-flow-log", offender="main"),
    Case(
        "vpc-flow-logs-enabled",
        True,
        (res(VPC, "main"), res(VPC, "dr"), _flow_log("main")),
        note="dr-vpc-without",
        offender="dr",
    ),
    Case(
        "vpc-flow-logs-enabled",
        True,
        (res(VPC, "main"), _flow_log("main", "ACCEPT")),
        note="accepted-only",
        offender="main-flow-log",
    ),
    # A literal ID names some VPC outside the stack, never this one.
    Case(
        "vpc-flow-logs-enabled",
        True,
        (res(VPC, "main"), res(FLOW_LOG, "other", vpcId="vpc-0ffff", trafficType="ALL")),
        note="literal-other-vpc",
        offender="main",
    ),
    # vpc-default-security-group-closed
    Case("vpc-default-security-group-closed", False, (res(VPC, "main"), _default_sg("main", ingress=[], egress=[]))),
    Case("vpc-default-security-group-closed", False, (res(VPC, "main"), _default_sg("main")), note="rules-unset"),
    Case("vpc-default-security-group-closed", True, (res(VPC, "main"),), note="not-adopted", offender="main"),
    Case(
        "vpc-default-security-group-closed",
        True,
        (res(VPC, "main"), res(VPC, "dr"), _default_sg("main", ingress=[], egress=[])),
        note="dr-vpc-not-adopted",
        offender="dr",
    ),
    Case(
        "vpc-default-security-group-closed",
        True,
        (
            res(VPC, "main"),
            _default_sg(
                "main",
                ingress=[{"protocol": "-1", "self": True, "fromPort": 0, "toPort": 0}],
                egress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}],
            ),
        ),
        note="aws-default-rules",
        offender="main-default-sg",
    ),
    Case(
        "vpc-default-security-group-closed",
        True,
        (
            res(VPC, "main"),
            _default_sg("main", ingress=[], egress=[]),
            res(
                INGRESS,
                "https-in",
                securityGroupId="sg-0a1b2c3d",
                ipProtocol="tcp",
                fromPort=443,
                toPort=443,
                cidrIpv4="10.0.0.0/16",
                property_dependencies={"securityGroupId": [urn(DEFAULT_SG, "main-default-sg")]},
            ),
        ),
        note="separate-rule",
        offender="https-in",
    ),
]
