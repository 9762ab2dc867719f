"""AWS WAF in front of the public load balancer: a regional web ACL with AWS managed rule groups and a per-IP
rate limit, associated with the ALB, logging to a KMS-encrypted CloudWatch log group.

The web ACL is REGIONAL and created with the ALB's own provider: a regional web ACL protects only resources in
its region (https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html), and
CLOUDFRONT scope is for distributions only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input
from pulumi_aws import wafv2

from ..config.model import PlatformConfig

AWS_VENDOR = "AWS"

# AWS managed rule groups and the capacity (WCU) each documents, in evaluation order after the rate limit.
# The IP reputation list goes first: it is the cheapest and drops known-bad sources before any inspection.
# WCUs: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html (25),
# aws-managed-rule-groups-baseline.html (core rule set 700, known bad inputs 200),
# aws-managed-rule-groups-use-case.html (SQL database 200).
MANAGED_RULE_GROUPS: dict[str, int] = {
    "AWSManagedRulesAmazonIpReputationList": 25,
    "AWSManagedRulesCommonRuleSet": 700,
    "AWSManagedRulesKnownBadInputsRuleSet": 200,
    "AWSManagedRulesSQLiRuleSet": 200,
}
# A rate-based statement costs 2 WCUs with the IP aggregation key (no custom keys, no scope-down):
# https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
RATE_RULE_WCU = 2
# Beyond 1,500 WCUs a web ACL costs extra per request and needs care; stay within the default:
# https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
WEB_ACL_WCU_BUDGET = 1500

RATE_RULE = "rate-limit-per-ip"

# WAF writes only to a destination whose name starts with this:
# https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html#logging-cw-logs-naming
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"

# Credentials and session cookies stay out of the logs (GDPR data minimisation; they are secrets). Header
# names must be lower case (WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs).
REDACTED_HEADERS = ("authorization", "cookie")

# Web ACL names and metric names: 1-128 of [0-9A-Za-z_-] (terraform-provider-aws internal/service/wafv2/
# web_acl.go and schemas.go visibilityConfigSchema; API_VisibilityConfig.html). WAF reserves the metric
# names "All" and "Default_Action".
_WAF_NAME = re.compile(r"^[0-9A-Za-z_-]{1,128}$")
_RESERVED_METRIC_NAMES = frozenset({"All", "Default_Action"})


def web_acl_capacity() -> int:
    """The WCUs the web ACL needs: the documented capacity of each managed group plus the rate rule."""
    return sum(MANAGED_RULE_GROUPS.values()) + RATE_RULE_WCU


def metric_name(config: PlatformConfig, role: str) -> str:
    """`platform-prod-waf-<role>`, checked against WAF's metric-name rules before any AWS call."""
    name = f"{config.name_prefix}-waf-{role}"
    if not _WAF_NAME.match(name) or name in _RESERVED_METRIC_NAMES:
        raise ValueError(f"WAF metric name {name!r} must be 1-128 of A-Z a-z 0-9 _ - and not All/Default_Action")
    return name


@dataclass(frozen=True)
class WebFirewallArgs:
    config: PlatformConfig
    load_balancer_arn: Input[str]
    logs_key_arn: Input[str]  # the logs key: its policy admits logs.<region>.amazonaws.com for this account


class WebFirewall(pulumi.ComponentResource):
    def __init__(self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:edge:WebFirewall", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)
        capacity = web_acl_capacity()
        if capacity > WEB_ACL_WCU_BUDGET:
            raise ValueError(f"web ACL needs {capacity} WCUs, over the {WEB_ACL_WCU_BUDGET} budget")
        # Auto-named (logical name + 7 random characters, within 128): a replacement creates the new ACL first.
        self.web_acl = wafv2.WebAcl(
            f"{name}-acl",
            scope="REGIONAL",
            description=f"{config.name_prefix} public load balancer",
            # Allow by default: the rules block what they recognise; everything else reaches the ingress.
            default_action=wafv2.WebAclDefaultActionArgs(allow=wafv2.WebAclDefaultActionAllowArgs()),
            rules=[_rate_rule(config), *_managed_rules(config)],
            visibility_config=_acl_visibility(metric_name(config, "acl")),
            opts=child,
        )
        self.association = wafv2.WebAclAssociation(
            f"{name}-alb",
            resource_arn=args.load_balancer_arn,
            web_acl_arn=self.web_acl.arn,
            opts=child,
        )
        self.log_group = self._log_group(name, args)
        self.logging = wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.web_acl.arn,
            # The log group ARN without ":*" (logging-cw-logs.html); pulumi-aws's LogGroup.arn drops that suffix.
            log_destination_configs=[self.log_group.arn],
            redacted_fields=[
                wafv2.WebAclLoggingConfigurationRedactedFieldArgs(
                    single_header=wafv2.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(name=header)
                )
                for header in REDACTED_HEADERS
            ],
            opts=child,
        )
        self.web_acl_arn = self.web_acl.arn
        self.register_outputs({"webAclArn": self.web_acl.arn, "logGroupName": self.log_group.name})

    def _log_group(self, name: str, args: WebFirewallArgs) -> aws.cloudwatch.LogGroup:
        # On PutLoggingConfiguration WAF adds the CloudWatch Logs resource policy (AWSWAF-LOGS) that lets
        # delivery.logs.amazonaws.com write here, when the deployer may logs:PutResourcePolicy and
        # logs:DescribeResourcePolicies. An account has at most 10 such policies per region, 5,120 characters
        # each (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html);
        # WAF reuses one policy for its groups, so this does not add a policy per stack.
        # A fixed name: a replacement must delete the old group first, or the create fails on the name.
        return aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"{WAF_LOG_GROUP_PREFIX}{args.config.name_prefix}",
            kms_key_id=args.logs_key_arn,
            retention_in_days=args.config.ingress.waf_log_retention_days,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )


def _acl_visibility(metric: str) -> wafv2.WebAclVisibilityConfigArgs:
    return wafv2.WebAclVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _rule_visibility(metric: str) -> wafv2.WebAclRuleVisibilityConfigArgs:
    # Metrics per rule (blocked/allowed counts) and sampled requests, to tune a rule that blocks real users.
    return wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _rate_rule(config: PlatformConfig) -> wafv2.WebAclRuleArgs:
    # Evaluated first, so a flood is counted (and blocked) before the managed groups inspect it. The limit is
    # per client IP over the default 5-minute window (10 to 2,000,000,000:
    # https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html).
    return wafv2.WebAclRuleArgs(
        name=RATE_RULE,
        priority=0,
        action=wafv2.WebAclRuleActionArgs(block=wafv2.WebAclRuleActionBlockArgs()),
        statement=wafv2.WebAclRuleStatementArgs(
            rate_based_statement=wafv2.WebAclRuleStatementRateBasedStatementArgs(
                aggregate_key_type="IP", limit=config.ingress.waf_rate_limit
            )
        ),
        visibility_config=_rule_visibility(metric_name(config, RATE_RULE)),
    )


def _managed_rules(config: PlatformConfig) -> list[wafv2.WebAclRuleArgs]:
    # A rule group takes override_action, never action; "none" keeps each group rule's own action (block).
    return [
        wafv2.WebAclRuleArgs(
            name=group,
            priority=priority,
            override_action=wafv2.WebAclRuleOverrideActionArgs(none=wafv2.WebAclRuleOverrideActionNoneArgs()),
            statement=wafv2.WebAclRuleStatementArgs(
                managed_rule_group_statement=wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs(
                    name=group, vendor_name=AWS_VENDOR
                )
            ),
            visibility_config=_rule_visibility(metric_name(config, group)),
        )
        for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1)
    ]
