"""Security rules for every VPC's baseline: flow logs that record rejected traffic, and a default security group
that allows nothing (what an independent scanner checks: CIS AWS 3.7 and 5.4, Security Hub EC2.6 and EC2.2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import (
    DEFAULT_SECURITY_GROUP,
    FLOW_LOG,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SECURITY_GROUP_RULE,
    VPC,
)
from ...values import as_list

# A flow log that captures only accepted traffic misses the probes CIS 3.7 asks to see (at least REJECT).
_RECORDS_REJECTS = ("ALL", "REJECT")

# Rules added beside an aws.ec2.DefaultSecurityGroup: the provider calls them incompatible with it, and they
# open the group all the same.
_SEPARATE_RULES = (SECURITY_GROUP_RULE, SECURITY_GROUP_INGRESS_RULE, SECURITY_GROUP_EGRESS_RULE)


# --- vpc-flow-logs-enabled ----------------------------------------------------------------------------------------


def _check_flow_logs(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    flow_logs = of_type(resources, FLOW_LOG)
    for vpc in of_type(resources, VPC):
        mine = [f for f in flow_logs if refers_to(f, "vpcId", vpc)]
        if not mine:
            yield Violation(f"VPC {vpc.name} has no aws.ec2.FlowLog", vpc.urn)
        elif not any(str(f.get("trafficType", default="")).upper() in _RECORDS_REJECTS for f in mine):
            yield Violation(
                f"the flow logs of VPC {vpc.name} capture only accepted traffic; set trafficType ALL (or REJECT)",
                mine[0].urn,
            )


# --- vpc-default-security-group-closed ----------------------------------------------------------------------------


def _inline_rules(group: Resource) -> list[str]:
    return [key for key in ("ingress", "egress") if as_list(group.get(key))]


def _check_default_groups(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    groups = of_type(resources, DEFAULT_SECURITY_GROUP)
    for vpc in of_type(resources, VPC):
        if not any(refers_to(g, "vpcId", vpc) for g in groups):
            yield Violation(
                f"VPC {vpc.name} has no aws.ec2.DefaultSecurityGroup, so its default group keeps the rules AWS "
                "creates it with (all traffic between its members, all egress)",
                vpc.urn,
            )
    for group in groups:
        open_keys = _inline_rules(group)
        if open_keys:
            yield Violation(f"default security group {group.name} declares {' and '.join(open_keys)} rules", group.urn)
        for rule in of_type(resources, *_SEPARATE_RULES):
            if refers_to(rule, "securityGroupId", group):
                yield Violation(f"{rule.name} adds a rule to default security group {group.name}", rule.urn)


RULES = [
    Rule(
        name="vpc-flow-logs-enabled",
        description="Every VPC has a flow log that records rejected traffic (ALL or REJECT).",
        severity="medium",
        remediation='Add an aws.ec2.FlowLog with `vpc_id=<vpc>.id` and `traffic_type="ALL"`, delivering to a '
        "KMS-encrypted CloudWatch log group in the VPC's region through a role trusted by "
        "vpc-flow-logs.amazonaws.com (platform:network.flowLogs; components/network/vpc_baseline.py).",
        soc2=("CC7.2", "CC7.3"),
        cis=("3.7",),
        resource_types=(VPC, FLOW_LOG),
        stack_check=_check_flow_logs,
    ),
    Rule(
        name="vpc-default-security-group-closed",
        description="Every VPC's default security group is adopted with no ingress and no egress rules.",
        severity="high",
        remediation="Add `aws.ec2.DefaultSecurityGroup(vpc_id=<vpc>.id, ingress=[], egress=[])` (the provider "
        "then revokes every rule), give each workload a security group of its own, and attach no "
        "SecurityGroupRule or Ingress/EgressRule to the default group.",
        soc2=("CC6.1", "CC6.6"),
        cis=("5.4",),
        resource_types=(VPC, DEFAULT_SECURITY_GROUP, *_SEPARATE_RULES),
        stack_check=_check_default_groups,
    ),
]
