"""Cases for the public edge (platform_policies/rules/security/edge_protection.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

LB = "aws:lb/loadBalancer:LoadBalancer"
ACL = "aws:wafv2/webAcl:WebAcl"
ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def _alb(name: str = "alb", **props) -> object:
    return res(LB, name, **{"loadBalancerType": "application", "internal": False, **props})


def _logged_alb(**access_logs) -> object:
    # The bucket comes from the storage component's bucket: the engine sends it as the property's dependency.
    return res(
        LB,
        "alb",
        loadBalancerType="application",
        accessLogs={"bucket": "alb-logs-0a1b2c3", "prefix": "alb", "enabled": True, **access_logs},
        property_dependencies={"accessLogs": [urn("aws:s3/bucket:Bucket", "alb-logs")]},
    )


def _managed(group: str, override: str = "none") -> dict:
    return {
        "name": group,
        "overrideAction": {override: {}},
        "statement": {"managedRuleGroupStatement": {"name": group, "vendorName": "AWS"}},
    }


_RATE = {"name": "rate", "action": {"block": {}}, "statement": {"rateBasedStatement": {"aggregateKeyType": "IP"}}}


def _acl(name: str = "acl", rules: list | None = None) -> object:
    return res(ACL, name, scope="REGIONAL", rules=[_RATE, *(_managed(g) for g in GROUPS)] if rules is None else rules)


def _association(alb: str = "alb", acl: str = "acl") -> object:
    return res(
        ASSOCIATION,
        f"{alb}-waf",
        resourceArn="arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1",
        webAclArn="arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1",
        property_dependencies={"resourceArn": [urn(LB, alb)], "webAclArn": [urn(ACL, acl)]},
    )


def _logging(acl: str = "acl", headers: tuple[str, ...] = ("authorization", "cookie")) -> object:
    return res(
        LOGGING,
        f"{acl}-logging",
        resourceArn="arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1",
        logDestinationConfigs=["arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-x"],
        redactedFields=[{"singleHeader": {"name": header}} for header in headers],
        property_dependencies={"resourceArn": [urn(ACL, acl)]},
    )


CASES: list[Case] = [
    # alb-access-logs-enabled
    Case("alb-access-logs-enabled", False, (_logged_alb(),)),
    Case(
        "alb-access-logs-enabled",
        False,
        (_alb(accessLogs={"bucket": "platform-alb-logs", "enabled": True}),),
        note="literal-bucket",
    ),
    Case("alb-access-logs-enabled", False, (res(LB, "nlb", loadBalancerType="network"),), note="network-lb"),
    Case("alb-access-logs-enabled", True, (_alb(),), note="no-access-logs"),
    Case("alb-access-logs-enabled", True, (_logged_alb(enabled=False),), note="disabled"),
    Case("alb-access-logs-enabled", True, (_alb(accessLogs={"enabled": True}),), note="no-bucket"),
    # alb-waf-protected
    Case("alb-waf-protected", False, (_alb(), _acl(), _association())),
    Case("alb-waf-protected", False, (_alb(internal=True),), note="internal-alb"),
    Case("alb-waf-protected", True, (_alb(), _acl()), note="not-associated", offender="alb"),
    Case(
        "alb-waf-protected",
        True,
        (_alb(), _acl(rules=[_RATE, *(_managed(g) for g in GROUPS[:3])]), _association()),
        note="missing-sqli",
        offender="acl",
    ),
    Case(
        "alb-waf-protected",
        True,
        (
            _alb(),
            _acl(rules=[_RATE, *(_managed(g, "count" if i == 1 else "none") for i, g in enumerate(GROUPS))]),
            _association(),
        ),
        note="group-counts-only",
        offender="acl",
    ),
    Case(
        "alb-waf-protected",
        True,
        (_alb(), _acl(rules=[_managed(g) for g in GROUPS]), _association()),
        note="no-rate-rule",
        offender="acl",
    ),
    Case(
        "alb-waf-protected",
        True,
        (_alb(), _acl(name="other"), _association(acl="elsewhere")),
        note="acl-outside-stack",
        offender="alb-waf",
    ),
    # waf-logging-enabled
    Case("waf-logging-enabled", False, (_acl(), _logging())),
    Case("waf-logging-enabled", False, (_alb(),), note="no-web-acl"),
    Case("waf-logging-enabled", True, (_acl(),), note="not-logged", offender="acl"),
    Case(
        "waf-logging-enabled",
        True,
        (_acl(), _logging(headers=("authorization",))),
        note="cookie-logged",
        offender="acl-logging",
    ),
]
