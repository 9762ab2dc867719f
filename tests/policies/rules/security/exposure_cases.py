"""Cases for network exposure (platform_policies/rules/security/exposure.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

RDS = "aws:rds/instance:Instance"
BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
EKS = "aws:eks/cluster:Cluster"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG = "aws:ec2/securityGroup:SecurityGroup"
LT = "aws:ec2/launchTemplate:LaunchTemplate"

ALL_BLOCKED = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def _pab(bucket: str, deps: bool = True, **flags) -> object:
    return res(
        PAB,
        f"{bucket}-pab",
        bucket=f"{bucket}-0a1b2c3",
        property_dependencies={"bucket": [urn(BUCKET, bucket)]} if deps else None,
        **flags,
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
    # The CLI analyses checked inputs, so the bucket's inputs carry the name the provider generated for it.
    Case(
        "s3-public-access-blocked",
        False,
        (res(BUCKET, "data", bucket="data-0a1b2c3"), _pab("data", deps=False, **ALL_BLOCKED)),
        note="matched-by-auto-name",
    ),
    Case("s3-public-access-blocked", True, (res(BUCKET, "data"),), note="no-block", offender="data"),
    Case(
        "s3-public-access-blocked",
        True,
        (res(BUCKET, "data"), _pab("data", **{**ALL_BLOCKED, "restrictPublicBuckets": False})),
        note="flag-off",
        offender="data-pab",
    ),
    Case(
        "s3-public-access-blocked",
        True,
        (res(BUCKET, "data"), res(BUCKET, "logs"), _pab("data", **ALL_BLOCKED)),
        note="second-bucket-unblocked",
        offender="logs",
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
]
