"""Cases for the security rules (policies/rules/security.py and security_iam.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policies.rules import security, security_iam
from tests.policies.cases import Case, assert_case, assert_case_as_crossguard_sees_it, res

REPO = Path(__file__).resolve().parents[2]
RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
EKS = "aws:eks/cluster:Cluster"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG = "aws:ec2/securityGroup:SecurityGroup"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
POLICY = "aws:iam/policy:Policy"
ROLE = "aws:iam/role:Role"
TRAIL = "aws:cloudtrail/trail:Trail"
DETECTOR = "aws:guardduty/detector:Detector"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"

ALL_BLOCKED = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def _pab(bucket: str, deps: bool = True, **flags) -> object:
    return res(
        PAB,
        f"{bucket}-pab",
        bucket=f"{bucket}-0a1b2c3",
        property_dependencies={"bucket": [_urn(BUCKET, bucket)]} if deps else None,
        **flags,
    )


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}
READ = {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
HUMANS = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
SERVICE = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
TRAIL_OK = {"isMultiRegionTrail": True, "enableLogFileValidation": True, "s3BucketName": "logs"}


def _findings_rule(source: str = "aws.guardduty", state: str = "ENABLED") -> object:
    return res(
        EVENT_RULE,
        "findings",
        name="platform-dev-guardduty-high",
        state=state,
        eventPattern=json.dumps({"source": [source], "detail-type": ["GuardDuty Finding"]}),
    )


GUARDDUTY_ROUTED = (
    _findings_rule(),
    res(TARGET, "findings-sns", rule="platform-dev-guardduty-high", arn="arn:aws:sns:us-east-1:123456789012:warning"),
)

CASES: list[Case] = [
    # rds-not-public
    Case("rds-not-public", False, (res(RDS, publiclyAccessible=False),)),
    Case("rds-not-public", False, (res(RDS),), note="unset-is-private"),
    Case("rds-not-public", True, (res(RDS, publiclyAccessible=True),)),
    Case(
        "rds-not-public",
        True,
        (res("aws:rds/clusterInstance:ClusterInstance", publiclyAccessible="true"),),
        note="cluster-instance-text-bool",
    ),
    # s3-public-access-blocked
    Case("s3-public-access-blocked", False, (res(BUCKET, "data"), _pab("data", **ALL_BLOCKED))),
    Case(
        "s3-public-access-blocked",
        False,
        (res(BUCKET, "data"), _pab("data", deps=False, **ALL_BLOCKED)),
        note="matched-by-auto-name",
    ),
    Case("s3-public-access-blocked", True, (res(BUCKET, "data"),), note="no-block"),
    Case(
        "s3-public-access-blocked",
        True,
        (res(BUCKET, "data"), _pab("data", **{**ALL_BLOCKED, "restrictPublicBuckets": False})),
        note="flag-off",
    ),
    Case(
        "s3-public-access-blocked",
        True,
        (res(BUCKET, "data"), res(BUCKET, "logs"), _pab("data", **ALL_BLOCKED)),
        note="second-bucket-unblocked",
    ),
    Case(
        "s3-public-access-blocked",
        False,
        (res(BUCKET, "data"), res("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", **ALL_BLOCKED)),
        note="account-level",
    ),
    # eks-endpoint-private
    Case(
        "eks-endpoint-private",
        False,
        (res(EKS, vpcConfig={"endpointPublicAccess": False, "endpointPrivateAccess": True}),),
    ),
    Case("eks-endpoint-private", True, (res(EKS, vpcConfig={"endpointPrivateAccess": True}),), note="unset-is-public"),
    Case(
        "eks-endpoint-private",
        True,
        (res(EKS, vpcConfig={"endpointPublicAccess": True, "endpointPrivateAccess": True}),),
    ),
    Case(
        "eks-endpoint-private",
        False,
        (res(EKS, vpcConfig={"endpointPublicAccess": True}),),
        {"required": False},
        note="not-required",
    ),
    # prod: public endpoint fenced to the deploy runners' egress ranges, each /24 or narrower
    Case(
        "eks-endpoint-private",
        False,
        (
            res(
                EKS,
                vpcConfig={
                    "endpointPublicAccess": True,
                    "endpointPrivateAccess": True,
                    "publicAccessCidrs": ["192.0.2.0/28", "198.51.100.0/24", "203.0.113.7/32"],
                },
            ),
        ),
        note="fenced-to-runners",
    ),
    Case(
        "eks-endpoint-private",
        True,
        (
            res(
                EKS,
                vpcConfig={
                    "endpointPublicAccess": True,
                    "endpointPrivateAccess": True,
                    "publicAccessCidrs": ["0.0.0.0/0"],
                },
            ),
        ),
        note="open-to-anywhere",
    ),
    Case(
        "eks-endpoint-private",
        True,
        (
            res(
                EKS,
                vpcConfig={
                    "endpointPublicAccess": True,
                    "endpointPrivateAccess": True,
                    "publicAccessCidrs": ["192.0.2.0/28", "10.0.0.0/16"],
                },
            ),
        ),
        note="one-range-wider-than-24",
    ),
    Case(
        "eks-endpoint-private",
        True,
        (res(EKS, vpcConfig={"endpointPublicAccess": True, "endpointPrivateAccess": True}),),
        note="public-without-cidrs",
    ),
    Case(
        "eks-endpoint-private",
        True,
        (
            res(
                EKS,
                vpcConfig={
                    "endpointPublicAccess": True,
                    "endpointPrivateAccess": False,
                    "publicAccessCidrs": ["192.0.2.0/28"],
                },
            ),
        ),
        note="fenced-but-no-private-access",
    ),
    Case(
        "eks-endpoint-private",
        True,
        (
            res(
                EKS,
                vpcConfig={
                    "endpointPublicAccess": True,
                    "endpointPrivateAccess": True,
                    "publicAccessCidrs": ["192.0.2.0/28"],
                },
            ),
        ),
        {"publicEndpointAllowed": False},
        note="private-only-tier",
    ),
    # eks-public-endpoint-restricted
    Case(
        "eks-public-endpoint-restricted",
        False,
        (res(EKS, vpcConfig={"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}),),
    ),
    Case(
        "eks-public-endpoint-restricted", False, (res(EKS, vpcConfig={"endpointPublicAccess": False}),), note="private"
    ),
    Case(
        "eks-public-endpoint-restricted",
        True,
        (res(EKS, vpcConfig={"endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]}),),
    ),
    Case("eks-public-endpoint-restricted", True, (res(EKS, vpcConfig={}),), note="unset-cidrs"),
    Case(
        "eks-public-endpoint-restricted",
        False,
        (res(EKS, vpcConfig={"endpointPublicAccess": True, "publicAccessCidrs": ["192.0.2.0/28"]}),),
        note="runner-ranges",
    ),
    # security-group-no-open-admin-ports
    Case(
        "security-group-no-open-admin-ports",
        False,
        (res(INGRESS, ipProtocol="tcp", fromPort=443, toPort=443, cidrIpv4="0.0.0.0/0"),),
    ),
    Case(
        "security-group-no-open-admin-ports",
        False,
        (res(INGRESS, ipProtocol="tcp", fromPort=22, toPort=22, cidrIpv4="10.0.0.0/16"),),
        note="private-source",
    ),
    Case(
        "security-group-no-open-admin-ports",
        True,
        (res(INGRESS, ipProtocol="tcp", fromPort=22, toPort=22, cidrIpv4="0.0.0.0/0"),),
        note="ssh",
    ),
    Case(
        "security-group-no-open-admin-ports",
        True,
        (res(INGRESS, ipProtocol="tcp", fromPort=3389, toPort=3389, cidrIpv6="::/0"),),
        note="rdp-ipv6",
    ),
    Case(
        "security-group-no-open-admin-ports",
        True,
        (res(INGRESS, ipProtocol="-1", cidrIpv4="0.0.0.0/0"),),
        note="all-traffic",
    ),
    Case(
        "security-group-no-open-admin-ports",
        True,
        (res(SG_RULE, type="ingress", protocol="tcp", fromPort=80, toPort=8080, cidrBlocks=["0.0.0.0/0"]),),
        note="range",
    ),
    Case(
        "security-group-no-open-admin-ports",
        False,
        (res(SG_RULE, type="egress", protocol="-1", fromPort=0, toPort=0, cidrBlocks=["0.0.0.0/0"]),),
        note="egress",
    ),
    Case(
        "security-group-no-open-admin-ports",
        True,
        (res(SG, ingress=[{"protocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrBlocks": ["0.0.0.0/0"]}]),),
        note="inline",
    ),
    Case(
        "security-group-no-open-admin-ports",
        False,
        (res(INGRESS, ipProtocol="tcp", fromPort=8443, toPort=8443, cidrIpv4="0.0.0.0/0"),),
        {"publicPorts": [8443]},
        note="configured-port",
    ),
    Case(
        "security-group-no-open-admin-ports",
        False,
        (res(INGRESS, ipProtocol="icmp", fromPort=8, toPort=0, cidrIpv4="0.0.0.0/0"),),
        note="icmp",
    ),
    # imdsv2-required
    Case("imdsv2-required", False, (res(LT, metadataOptions={"httpTokens": "required", "httpEndpoint": "enabled"}),)),
    Case("imdsv2-required", True, (res(LT, metadataOptions={"httpTokens": "optional"}),)),
    Case("imdsv2-required", True, (res("aws:ec2/instance:Instance"),), note="unset"),
    Case("imdsv2-required", False, (res(LT, metadataOptions={"httpEndpoint": "disabled"}),), note="imds-off"),
    # rds-iam-auth
    Case("rds-iam-auth", False, (res(RDS, engine="postgres", iamDatabaseAuthenticationEnabled=True),)),
    Case("rds-iam-auth", True, (res(RDS, engine="postgres"),)),
    Case("rds-iam-auth", False, (res(RDS, engine="sqlserver-se"),), note="engine-without-iam-auth"),
    # iam-no-wildcard-statements
    Case("iam-no-wildcard-statements", False, (res(POLICY, policy=_doc(READ)),)),
    Case("iam-no-wildcard-statements", True, (res(POLICY, policy=_doc(READ, ADMIN)),)),
    Case(
        "iam-no-wildcard-statements",
        True,
        (
            res(
                "aws:iam/rolePolicy:RolePolicy",
                policy=json.loads(_doc({"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": "*"})),
            ),
        ),
        note="dict-and-star-star",
    ),
    Case(
        "iam-no-wildcard-statements",
        False,
        (res("aws:iam/userPolicy:UserPolicy", policy=_doc({"Effect": "Deny", "Action": "*", "Resource": "*"})),),
        note="deny-star",
    ),
    Case(
        "iam-no-wildcard-statements",
        False,
        (res("aws:iam/groupPolicy:GroupPolicy", policy=_doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})),),
        note="service-wildcard",
    ),
    Case(
        "iam-no-wildcard-statements",
        True,
        (res(ROLE, inlinePolicies=[{"name": "all", "policy": _doc(ADMIN)}]),),
        note="role-inline",
    ),
    Case("iam-no-wildcard-statements", False, (res(POLICY, policy="not json"),), note="unparseable"),
    # iam-admin-roles-require-mfa
    Case(
        "iam-admin-roles-require-mfa",
        False,
        (res(ROLE, name="platform-prod-platform-admin", assumeRolePolicy=_doc({**HUMANS, "Condition": MFA})),),
    ),
    Case(
        "iam-admin-roles-require-mfa",
        True,
        (res(ROLE, name="platform-prod-platform-admin", assumeRolePolicy=_doc(HUMANS)),),
    ),
    Case(
        "iam-admin-roles-require-mfa",
        True,
        (
            res(
                ROLE,
                "break-glass",
                assumeRolePolicy=_doc(
                    {**HUMANS, "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}
                ),
            ),
        ),
        note="logical-name-and-bool-if-exists",
    ),
    Case(
        "iam-admin-roles-require-mfa",
        False,
        (res(ROLE, name="platform-prod-developer", assumeRolePolicy=_doc(HUMANS)),),
        note="not-admin",
    ),
    Case(
        "iam-admin-roles-require-mfa",
        False,
        (res(ROLE, name="cluster-admin", assumeRolePolicy=_doc(SERVICE)),),
        note="service-principal",
    ),
    Case(
        "iam-admin-roles-require-mfa",
        False,
        (res(ROLE, name="platform-admin", assumeRolePolicy=_doc(HUMANS)),),
        {"required": False},
        note="not-required",
    ),
    Case(
        "iam-admin-roles-require-mfa",
        False,
        (
            res(
                ROLE,
                name="platform-prod-platform-admin",
                assumeRolePolicy=_doc(
                    {
                        **HUMANS,
                        "Condition": {
                            "ArnLike": {
                                "aws:PrincipalArn": [
                                    "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_PlatformAdmin_*",
                                    "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformAdmin_*",
                                ]
                            }
                        },
                    }
                ),
            ),
        ),
        note="identity-center-permission-set",
    ),
    Case(
        "iam-admin-roles-require-mfa",
        True,
        (
            res(
                ROLE,
                name="platform-prod-platform-admin",
                assumeRolePolicy=_doc(
                    {
                        **HUMANS,
                        "Condition": {
                            "ArnLike": {
                                "aws:PrincipalArn": [
                                    "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_PlatformAdmin_*",
                                    "arn:aws:iam::123456789012:role/ops-*",
                                ]
                            }
                        },
                    }
                ),
            ),
        ),
        note="identity-center-and-any-ops-role",
    ),
    # cloudtrail-enabled
    Case("cloudtrail-enabled", False, (res(TRAIL, **TRAIL_OK),)),
    Case("cloudtrail-enabled", True, (res(RDS),), note="no-trail"),
    Case("cloudtrail-enabled", True, (res(TRAIL, **{**TRAIL_OK, "isMultiRegionTrail": False}),), note="one-region"),
    Case("cloudtrail-enabled", True, (res(TRAIL, **{**TRAIL_OK, "enableLogging": False}),), note="stopped"),
    # guardduty-findings-routed (the detector is the account baseline's; the stack routes the findings)
    Case("guardduty-findings-routed", False, GUARDDUTY_ROUTED),
    Case(
        "guardduty-findings-routed",
        False,
        (
            _findings_rule(),
            res(TARGET, "t", arn="arn:aws:sns:topic", property_dependencies={"rule": [_urn(EVENT_RULE, "findings")]}),
        ),
        note="target-linked-by-dependency",
    ),
    Case("guardduty-findings-routed", False, (*GUARDDUTY_ROUTED, res(DETECTOR)), note="own-detector-enabled"),
    Case("guardduty-findings-routed", True, (), note="no-routing"),
    Case("guardduty-findings-routed", True, (_findings_rule(),), note="rule-without-target"),
    Case(
        "guardduty-findings-routed", True, (_findings_rule(state="DISABLED"), GUARDDUTY_ROUTED[1]), note="rule-disabled"
    ),
    Case(
        "guardduty-findings-routed",
        True,
        (_findings_rule(source="aws.backup"), GUARDDUTY_ROUTED[1]),
        note="other-source",
    ),
    Case("guardduty-findings-routed", True, (*GUARDDUTY_ROUTED, res(DETECTOR, enable=False)), note="suspended"),
]

RULES = {r.name: r for r in security.RULES + security_iam.RULES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule(case: Case) -> None:
    assert_case(RULES, case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_as_crossguard_sees_it(case):
    assert_case_as_crossguard_sees_it(RULES, case)


def test_unblocked_bucket_is_named() -> None:
    found = RULES["s3-public-access-blocked"].check_stack([res(BUCKET, "logs")], {})
    assert [v.urn for v in found] == [_urn(BUCKET, "logs")]


@pytest.mark.parametrize("tier", ["dev", "staging", "prod"])
def test_eks_endpoint_levels_per_tier(tier) -> None:
    """prod enforces the fenced public endpoint; dev and staging keep 0.0.0.0/0 as an advisory finding."""
    config = json.loads((REPO / "policies" / "config" / f"{tier}.json").read_text())
    private = config.get("eks-endpoint-private", {})
    restricted = config.get("eks-public-endpoint-restricted", RULES["eks-public-endpoint-restricted"].level)
    assert private.get("required", RULES["eks-endpoint-private"].config["required"]) is (tier == "prod")
    assert restricted == ("mandatory" if tier == "prod" else "advisory")
    rule_config = {**RULES["eks-endpoint-private"].config, **private}
    assert rule_config["publicEndpointAllowed"] is True and rule_config["minPublicPrefixLength"] == 24


def test_wide_endpoint_range_message_names_the_range() -> None:
    [message] = RULES["eks-endpoint-private"].check_resource(
        res(
            EKS,
            vpcConfig={
                "endpointPublicAccess": True,
                "endpointPrivateAccess": True,
                "publicAccessCidrs": ["10.0.0.0/16"],
            },
        )
    )
    assert "10.0.0.0/16" in message and "/24" in message


def test_open_port_message_names_port_and_source() -> None:
    rule = RULES["security-group-no-open-admin-ports"]
    [message] = rule.check_resource(res(INGRESS, ipProtocol="tcp", fromPort=22, toPort=22, cidrIpv4="0.0.0.0/0"))
    assert "22" in message and "0.0.0.0/0" in message
