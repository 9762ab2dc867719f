"""Security rules for the public edge: application load balancers log every request, internet-facing ones sit
behind an AWS WAF web ACL with the AWS managed baseline and a per-IP rate limit, and every web ACL logs what it
sees (what an independent scanner checks: Security Hub ELB.5, WAF.11 and the ALB WAF association, Checkov
CKV_AWS_91, CKV2_AWS_28, CKV2_AWS_31)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import LOAD_BALANCERS, WAF_LOGGING_CONFIGURATION, WAF_WEB_ACL, WAF_WEB_ACL_ASSOCIATION
from ...values import as_list, is_true

# The AWS managed groups every public web ACL runs: OWASP-style core rules, known bad inputs (Log4j and the
# like), SQL injection and Amazon's IP reputation list (all free with WAF).
BASELINE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
# Headers that carry credentials or session identifiers: kept out of WAF logs.
REDACTED_HEADERS = ("authorization", "cookie")


def _is_application(balancer: Resource) -> bool:
    return str(balancer.get("loadBalancerType", default="application")) == "application"


# --- alb-access-logs-enabled --------------------------------------------------------------------------------------


def _check_access_logs(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not _is_application(resource):
        return
    if not is_true(resource.get("accessLogs", "enabled")):
        yield "accessLogs.enabled is not true, so requests to the load balancer leave no record"
    # A bucket from another resource's output is named by the property's dependencies; read only a literal.
    elif not resource.property_dependencies.get("accessLogs") and not resource.get("accessLogs", "bucket"):
        yield "accessLogs names no bucket"


# --- alb-waf-protected ----------------------------------------------------------------------------------------------


def _baseline_gaps(acl: Resource, groups: list[str]) -> list[str]:
    """What the web ACL lacks: managed groups that block (not overridden to count) and a blocking rate rule.

    The actions are empty objects (`{"count": {}}`), so their presence is the test, never their truth."""
    blocking: set[str] = set()
    rate_limited = False
    for rule in as_list(acl.get("rules")):
        statement = rule.get("statement") or {}
        managed = statement.get("managedRuleGroupStatement")
        if managed and managed.get("vendorName") == "AWS" and "count" not in (rule.get("overrideAction") or {}):
            blocking.add(str(managed.get("name")))
        if statement.get("rateBasedStatement") and "block" in (rule.get("action") or {}):
            rate_limited = True
    gaps = [f"managed rule group {group}" for group in groups if group not in blocking]
    return gaps if rate_limited else [*gaps, "a rate-based rule that blocks"]


def _check_waf(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    groups = [str(g) for g in as_list(config.get("managedRuleGroups"))]
    acls = of_type(resources, WAF_WEB_ACL)
    associations = of_type(resources, WAF_WEB_ACL_ASSOCIATION)
    for balancer in of_type(resources, *LOAD_BALANCERS):
        if not _is_application(balancer) or is_true(balancer.get("internal")):
            continue
        mine = [a for a in associations if refers_to(a, "resourceArn", balancer)]
        protecting = [acl for acl in acls if any(refers_to(a, "webAclArn", acl) for a in mine)]
        if not mine:
            yield Violation(
                f"internet-facing load balancer {balancer.name} has no aws.wafv2.WebAclAssociation", balancer.urn
            )
        elif not protecting:
            yield Violation(f"the web ACL associated with {balancer.name} is not in the stack", mine[0].urn)
        for acl in protecting:
            gaps = _baseline_gaps(acl, groups)
            if gaps:
                yield Violation(f"web ACL {acl.name} in front of {balancer.name} lacks {', '.join(gaps)}", acl.urn)


# --- waf-logging-enabled -------------------------------------------------------------------------------------------


def _redacted_headers(logging: Resource) -> set[str]:
    return {
        str((field.get("singleHeader") or {}).get("name", "")).lower()
        for field in as_list(logging.get("redactedFields"))
    }


def _check_waf_logging(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    required = {str(h).lower() for h in as_list(config.get("redactedHeaders"))}
    configurations = of_type(resources, WAF_LOGGING_CONFIGURATION)
    for acl in of_type(resources, WAF_WEB_ACL):
        mine = [c for c in configurations if refers_to(c, "resourceArn", acl)]
        if not mine:
            yield Violation(f"web ACL {acl.name} has no aws.wafv2.WebAclLoggingConfiguration", acl.urn)
        for logging in mine:
            missing = sorted(required - _redacted_headers(logging))
            if missing:
                yield Violation(f"{logging.name} logs the {', '.join(missing)} header(s) unredacted", logging.urn)


RULES: list[Rule] = [
    Rule(
        name="alb-access-logs-enabled",
        description="Application load balancers write access logs to S3.",
        severity="medium",
        remediation="Set `access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=..., prefix=..., enabled=True)` on "
        "the load balancer, to an SSE-S3 bucket whose policy admits the region's ELB log delivery, and make the "
        "load balancer depend on that bucket policy (platform:ingress.accessLogs; components/network/edge.py).",
        soc2=("CC7.2", "CC7.3"),
        # No CIS AWS Foundations control covers load balancer logs; Security Hub ELB.5 does.
        resource_types=LOAD_BALANCERS,
        resource_check=_check_access_logs,
    ),
    Rule(
        name="alb-waf-protected",
        description="Internet-facing application load balancers are associated with a WAF web ACL that runs the "
        "AWS managed baseline rule groups and a blocking per-IP rate-based rule.",
        severity="high",
        remediation="Create an aws.wafv2.WebAcl (scope REGIONAL, in the load balancer's region) with "
        "managed_rule_group_statement rules for each AWS group in the rule's managedRuleGroups "
        "(override_action none) and a rate_based_statement rule (aggregate_key_type IP, action block), and an "
        "aws.wafv2.WebAclAssociation from the load balancer's ARN to it (platform:ingress.waf; "
        "components/network/web_firewall.py).",
        soc2=("CC6.6", "CC6.8"),
        config={"managedRuleGroups": list(BASELINE_GROUPS)},
        resource_types=(*LOAD_BALANCERS, WAF_WEB_ACL, WAF_WEB_ACL_ASSOCIATION),
        stack_check=_check_waf,
    ),
    Rule(
        name="waf-logging-enabled",
        description="Every WAF web ACL logs its traffic, with the credential headers redacted.",
        severity="medium",
        remediation="Add an aws.wafv2.WebAclLoggingConfiguration for the web ACL to a KMS-encrypted log group "
        "named aws-waf-logs-*, with redacted_fields single_header for each of the rule's redactedHeaders.",
        soc2=("CC7.2", "P4.1"),
        config={"redactedHeaders": list(REDACTED_HEADERS)},
        resource_types=(WAF_WEB_ACL, WAF_LOGGING_CONFIGURATION),
        stack_check=_check_waf_logging,
    ),
]
