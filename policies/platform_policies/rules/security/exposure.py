"""Security rules for network exposure: public databases, buckets, API endpoints, ingress and metadata."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import (
    ACCOUNT_PUBLIC_ACCESS_BLOCK,
    BUCKET_PUBLIC_ACCESS_BLOCK,
    BUCKETS,
    EC2_INSTANCE,
    EKS_CLUSTER,
    LAUNCH_TEMPLATE,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    SECURITY_GROUP_INGRESS_RULE,
    SECURITY_GROUP_RULE,
    SECURITY_GROUPS,
)
from ...values import as_int, as_list, is_true

PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")

# The widest range a required-private tier admits on a public EKS endpoint (prod: the deploy runners' egress).
MIN_PUBLIC_PREFIX_LENGTH = 24

# Engines that support IAM database authentication.
_IAM_AUTH_ENGINES = ("mysql", "mariadb", "postgres", "aurora")


# --- rds-not-public -----------------------------------------------------------------------------


def _check_rds_public(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if is_true(resource.get("publiclyAccessible")):
        yield "publiclyAccessible is true; database instances must only be reachable inside the VPC"


# --- s3-public-access-blocked -------------------------------------------------------------------


def _unset_flags(block: Resource) -> list[str]:
    return [f for f in PAB_FLAGS if not is_true(block.get(f))]


def _check_s3_public_access(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    if any(not _unset_flags(a) for a in of_type(resources, ACCOUNT_PUBLIC_ACCESS_BLOCK)):
        return  # the account-level block covers every bucket
    blocks = of_type(resources, BUCKET_PUBLIC_ACCESS_BLOCK)
    for bucket in of_type(resources, *BUCKETS):
        mine = [b for b in blocks if refers_to(b, "bucket", bucket)]
        if not mine:
            yield Violation(f"bucket {bucket.name} has no aws.s3.BucketPublicAccessBlock", bucket.urn)
        elif all(_unset_flags(b) for b in mine):
            unset = ", ".join(_unset_flags(mine[0]))
            yield Violation(
                f"the public access block of bucket {bucket.name} does not set {unset} to true", mine[0].urn
            )


# --- eks-endpoint-private / eks-public-endpoint-restricted --------------------------------------


def _endpoint_is_public(cluster: Resource) -> bool:
    # EKS enables the public endpoint unless endpointPublicAccess is explicitly false.
    value = cluster.get("vpcConfig", "endpointPublicAccess")
    return value is None or value is True or (isinstance(value, str) and value.lower() != "false")


def _check_eks_private(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    """Private access always; a public endpoint only fenced to narrow ranges (the deploy runners' egress)."""
    if not config.get("required"):
        return
    if not is_true(resource.get("vpcConfig", "endpointPrivateAccess")):
        yield "vpcConfig.endpointPrivateAccess is not true; nodes and operators must reach the API privately"
    if not _endpoint_is_public(resource):
        return
    if not is_true(config.get("publicEndpointAllowed")):
        yield "vpcConfig.endpointPublicAccess is not false; this tier requires a private-only API endpoint"
        return
    min_prefix = as_int(config.get("minPublicPrefixLength"))
    min_prefix = MIN_PUBLIC_PREFIX_LENGTH if min_prefix is None else min_prefix
    cidrs = as_list(resource.get("vpcConfig", "publicAccessCidrs"))
    if not cidrs:
        # EKS then admits 0.0.0.0/0 (https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html).
        yield (
            f"the API endpoint is public and publicAccessCidrs is not set, so EKS allows 0.0.0.0/0; this tier "
            f"allows a public endpoint only for ranges of /{min_prefix} or narrower"
        )
    wide = [str(cidr) for cidr in cidrs if (_prefix_length(cidr) or 0) < min_prefix]
    if wide:
        yield (
            f"the public API endpoint allows {', '.join(wide)}; this tier allows only ranges of /{min_prefix} or "
            "narrower (the deploy runners' static egress addresses)"
        )


def _prefix_length(cidr: Any) -> int | None:
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen
    except ValueError:
        return None


def _is_anywhere(cidr: Any) -> bool:
    return _prefix_length(cidr) == 0


def _check_eks_cidrs(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not _endpoint_is_public(resource):
        return
    cidrs = as_list(resource.get("vpcConfig", "publicAccessCidrs"))
    if not cidrs:
        yield "the API endpoint is public and publicAccessCidrs is not set, so EKS allows 0.0.0.0/0"
    for cidr in cidrs:
        if _is_anywhere(cidr):
            yield f"the public API endpoint allows {cidr}; list only the operator and CI egress ranges"


# --- security-group-no-open-admin-ports ---------------------------------------------------------


def _ingress_entries(resource: Resource) -> Iterator[tuple[str, Any, Any, list[Any]]]:
    """(protocol, fromPort, toPort, source CIDRs) of each ingress permission the resource declares."""
    if resource.type == SECURITY_GROUP_INGRESS_RULE:
        cidrs = [c for c in (resource.get("cidrIpv4"), resource.get("cidrIpv6")) if c]
        yield str(resource.get("ipProtocol", default="")), resource.get("fromPort"), resource.get("toPort"), cidrs
    elif resource.type == SECURITY_GROUP_RULE and resource.get("type") == "ingress":
        cidrs = as_list(resource.get("cidrBlocks")) + as_list(resource.get("ipv6CidrBlocks"))
        yield str(resource.get("protocol", default="")), resource.get("fromPort"), resource.get("toPort"), cidrs
    elif resource.type in SECURITY_GROUPS:
        for rule in as_list(resource.get("ingress")):
            if isinstance(rule, Mapping):
                cidrs = as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks"))
                yield str(rule.get("protocol", "")), rule.get("fromPort"), rule.get("toPort"), cidrs


def _check_open_ingress(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    public_ports = {p for p in (as_int(x) for x in as_list(config.get("publicPorts"))) if p is not None}
    for protocol, from_port, to_port, cidrs in _ingress_entries(resource):
        if protocol.lower() in ("icmp", "icmpv6", "1", "58"):
            continue  # ports of ICMP rules are message types, not services
        open_cidrs = [str(c) for c in cidrs if _is_anywhere(c)]
        if not open_cidrs:
            continue
        low, high = as_int(from_port), as_int(to_port)
        if protocol in ("-1", "all") or low is None or high is None or low < 0:
            yield f"ingress from {', '.join(open_cidrs)} to all ports; only {sorted(public_ports)} may be public"
            continue
        exposed = [p for p in range(low, high + 1) if p not in public_ports] if high - low < 1024 else [low]
        if exposed:
            ports = str(low) if low == high else f"{low}-{high}"
            yield (
                f"ingress from {', '.join(open_cidrs)} to {protocol} port {ports}; only ports "
                f"{sorted(public_ports)} may be open to the internet"
            )


# --- imdsv2-required ----------------------------------------------------------------------------


def _check_imdsv2(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.get("metadataOptions", "httpEndpoint") == "disabled":
        return
    tokens = resource.get("metadataOptions", "httpTokens")
    if tokens != "required":
        yield f"metadataOptions.httpTokens is {tokens or 'not set (IMDSv1 allowed)'}; it must be required"


# --- rds-iam-auth -------------------------------------------------------------------------------


def _check_rds_iam_auth(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    engine = str(resource.get("engine", default=""))
    if engine and not engine.startswith(_IAM_AUTH_ENGINES):
        return
    if not is_true(resource.get("iamDatabaseAuthenticationEnabled")):
        yield "iamDatabaseAuthenticationEnabled is not true; applications should use IAM tokens, not passwords"


RULES: list[Rule] = [
    Rule(
        name="rds-not-public",
        description="RDS instances are not publicly accessible.",
        severity="critical",
        remediation="Set `publicly_accessible=False` on aws.rds.Instance and place it in private subnets via "
        "`db_subnet_group_name`.",
        soc2=("CC6.1", "CC6.6"),
        cis=("2.3.3",),
        resource_types=(RDS_INSTANCE, RDS_CLUSTER_INSTANCE),
        resource_check=_check_rds_public,
    ),
    Rule(
        name="s3-public-access-blocked",
        description="Every S3 bucket has a public access block with all four settings on (or the account has one).",
        severity="high",
        remediation="Add an aws.s3.BucketPublicAccessBlock with `bucket=<bucket>.id` and `block_public_acls`, "
        "`block_public_policy`, `ignore_public_acls`, `restrict_public_buckets` all True.",
        soc2=("CC6.1", "CC6.6"),
        cis=("2.1.4",),
        resource_types=(*BUCKETS, BUCKET_PUBLIC_ACCESS_BLOCK, ACCOUNT_PUBLIC_ACCESS_BLOCK),
        stack_check=_check_s3_public_access,
    ),
    Rule(
        name="eks-endpoint-private",
        description="When required, the EKS API endpoint has private access, and a public endpoint (where allowed) "
        "admits only narrow source ranges, each /minPublicPrefixLength (24) or narrower.",
        severity="high",
        remediation="Set `vpc_config.endpoint_private_access=True` on aws.eks.Cluster, and either "
        "`endpoint_public_access=False` or `public_access_cidrs` listing only the deploy runners' static "
        "egress ranges (platform:cluster.publicAccessCidrs), each /24 or narrower.",
        soc2=("CC6.6",),
        cis=("EKS-5.4.2",),
        # publicEndpointAllowed false: private-only; true: public fenced to ranges of /minPublicPrefixLength or
        # narrower (the deploy runners' static egress: GitHub-hosted runners cannot reach a private endpoint).
        config={"required": True, "publicEndpointAllowed": True, "minPublicPrefixLength": MIN_PUBLIC_PREFIX_LENGTH},
        resource_types=(EKS_CLUSTER,),
        resource_check=_check_eks_private,
    ),
    Rule(
        name="eks-public-endpoint-restricted",
        description="A public EKS API endpoint only accepts the listed source ranges, never 0.0.0.0/0.",
        severity="medium",
        remediation="Set `vpc_config.public_access_cidrs` on aws.eks.Cluster to the operator and CI egress ranges, "
        "or make the endpoint private with `endpoint_public_access=False`.",
        soc2=("CC6.6",),
        cis=("EKS-5.4.1",),
        level="advisory",
        resource_types=(EKS_CLUSTER,),
        resource_check=_check_eks_cidrs,
    ),
    Rule(
        name="security-group-no-open-admin-ports",
        description="No security group admits 0.0.0.0/0 or ::/0 except on the public ports (default 80, 443).",
        severity="high",
        remediation="Narrow `cidr_ipv4`/`cidr_ipv6` on aws.vpc.SecurityGroupIngressRule (or `cidr_blocks` on "
        "aws.ec2.SecurityGroupRule and inline `ingress`) to known ranges or use "
        "`referenced_security_group_id`; reach hosts through SSM Session Manager instead of SSH/RDP.",
        soc2=("CC6.6",),
        cis=("5.2", "5.3"),
        config={"publicPorts": [80, 443]},
        resource_types=(SECURITY_GROUP_INGRESS_RULE, SECURITY_GROUP_RULE, *SECURITY_GROUPS),
        resource_check=_check_open_ingress,
    ),
    Rule(
        name="imdsv2-required",
        description="Launch templates and EC2 instances require IMDSv2 session tokens.",
        severity="high",
        remediation='Set `metadata_options={"http_tokens": "required", "http_endpoint": "enabled", '
        '"http_put_response_hop_limit": 1}` on aws.ec2.LaunchTemplate (or aws.ec2.Instance).',
        soc2=("CC6.1", "CC6.8"),
        cis=("5.6",),
        resource_types=(LAUNCH_TEMPLATE, EC2_INSTANCE),
        resource_check=_check_imdsv2,
    ),
    Rule(
        name="rds-iam-auth",
        description="RDS instances on MySQL, MariaDB or PostgreSQL enable IAM database authentication.",
        severity="low",
        remediation="Set `iam_database_authentication_enabled=True` on aws.rds.Instance and grant `rds-db:connect` "
        "to the application roles.",
        soc2=("CC6.1",),
        level="advisory",
        resource_types=(RDS_INSTANCE,),
        resource_check=_check_rds_iam_auth,
    ),
]
