"""Cases for identity and audit: IAM, MFA, CloudTrail, GuardDuty (platform_policies/rules/security/identity.py)."""

from __future__ import annotations

import json

from tests.policies.cases import Case, res
from tests.policies.rules.security.exposure_cases import urn

RDS = "aws:rds/instance:Instance"
POLICY = "aws:iam/policy:Policy"
ROLE = "aws:iam/role:Role"
TRAIL = "aws:cloudtrail/trail:Trail"
DETECTOR = "aws:guardduty/detector:Detector"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"


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
    Case(
        "cloudtrail-enabled",
        True,
        (res(TRAIL, **{**TRAIL_OK, "isMultiRegionTrail": False}),),
        note="one-region",
        offender="r",
    ),
    Case(
        "cloudtrail-enabled", True, (res(TRAIL, **{**TRAIL_OK, "enableLogging": False}),), note="stopped", offender="r"
    ),
    # guardduty-findings-routed (the detector is the account baseline's; the stack routes the findings)
    Case("guardduty-findings-routed", False, GUARDDUTY_ROUTED),
    Case(
        "guardduty-findings-routed",
        False,
        (
            _findings_rule(),
            res(TARGET, "t", arn="arn:aws:sns:topic", property_dependencies={"rule": [urn(EVENT_RULE, "findings")]}),
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
    Case(
        "guardduty-findings-routed",
        True,
        (*GUARDDUTY_ROUTED, res(DETECTOR, enable=False)),
        note="suspended",
        offender="r",
    ),
]
