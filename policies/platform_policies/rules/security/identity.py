"""Security rules for identity and audit: IAM statements, MFA on admin roles, CloudTrail, GuardDuty findings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import CLOUDTRAIL, EVENT_RULE, EVENT_TARGET, GUARDDUTY_DETECTOR, IAM_POLICIES, IAM_ROLE
from ...values import as_list, is_true

_WILDCARD_ACTIONS = {"*", "*:*"}


def _parse(document: Any) -> Any:
    if isinstance(document, str):
        try:
            return json.loads(document)
        except ValueError:
            return {}
    return document


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document given as JSON text or a dict; one statement may be a bare object."""
    doc = _parse(document)
    if not isinstance(doc, Mapping):
        return []
    return [s for s in as_list(doc.get("Statement")) if isinstance(s, Mapping)]


def _label(statement: Mapping[str, Any], index: int) -> str:
    return f"statement {statement['Sid']!r}" if statement.get("Sid") else f"statement #{index + 1}"


# --- iam-no-wildcard-statements -----------------------------------------------------------------


def _documents(resource: Resource) -> Iterator[tuple[str, Any]]:
    if resource.type in IAM_POLICIES:
        yield "policy", resource.json("policy")
    else:  # a role, whose policies may be inline
        for inline in as_list(resource.get("inlinePolicies")):
            if isinstance(inline, Mapping) and inline.get("policy"):
                yield f"inline policy {inline.get('name', '?')}", inline.get("policy")


def _check_wildcards(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    for where, document in _documents(resource):
        for i, statement in enumerate(statements(document)):
            if statement.get("Effect") != "Allow":
                continue
            wild = sorted(_WILDCARD_ACTIONS & {str(a) for a in as_list(statement.get("Action"))})
            if wild:
                yield (
                    f"{where}, {_label(statement, i)} allows Action {wild[0]!r}; grant the specific actions "
                    "the principal needs"
                )


# --- iam-admin-roles-require-mfa ----------------------------------------------------------------


def _has_aws_principal(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    return principal == "*" or (isinstance(principal, Mapping) and "AWS" in principal)


def _requires_mfa(statement: Mapping[str, Any]) -> bool:
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    # BoolIfExists passes when the key is absent (e.g. long-term access keys), so only Bool counts.
    for operator, clauses in condition.items():
        if operator != "Bool" or not isinstance(clauses, Mapping):
            continue
        for key, value in clauses.items():
            if key.lower() == "aws:multifactorauthpresent" and all(is_true(v) for v in as_list(value) or [None]):
                return True
    return False


# IAM Identity Center's permission-set roles: MFA is enforced by the identity provider at sign-in, and their
# sessions never carry aws:MultiFactorAuthPresent (https://docs.aws.amazon.com/singlesignon/latest/userguide/
# referencingpermissionsets.html).
_SSO_ROLE_ARN = re.compile(
    r"^arn:aws[\w-]*:iam::(\d{12}|\*):role/aws-reserved/sso\.amazonaws\.com/"
    r"([\w*-]+/)?AWSReservedSSO_[\w+=,.@-]+_\*?$"
)


def _only_identity_center(statement: Mapping[str, Any]) -> bool:
    """Admits nothing but Identity Center permission-set roles, by ArnLike/ArnEquals on aws:PrincipalArn."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator in ("ArnLike", "ArnEquals"):
        clauses = condition.get(operator)
        values = as_list(clauses.get("aws:PrincipalArn")) if isinstance(clauses, Mapping) else []
        if values and all(isinstance(v, str) and _SSO_ROLE_ARN.match(v) for v in values):
            return True
    return False


def _check_admin_mfa(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if not config.get("required"):
        return
    role_name = str(resource.get("name") or resource.get("namePrefix") or resource.name)
    if not re.search(str(config.get("namePattern") or "$^"), role_name, re.IGNORECASE):
        return
    for i, statement in enumerate(statements(resource.json("assumeRolePolicy"))):
        if (
            statement.get("Effect") == "Allow"
            and _has_aws_principal(statement)
            and not _requires_mfa(statement)
            and not _only_identity_center(statement)
        ):
            yield (
                f"role {role_name} can be assumed without MFA: assumeRolePolicy {_label(statement, i)} lacks "
                'Condition Bool aws:MultiFactorAuthPresent "true"'
            )


# --- cloudtrail-enabled -------------------------------------------------------------------------


def _trail_problems(trail: Resource) -> list[str]:
    problems = []
    if not is_true(trail.get("isMultiRegionTrail")):
        problems.append("isMultiRegionTrail is not true")
    if not is_true(trail.get("enableLogFileValidation")):
        problems.append("enableLogFileValidation is not true")
    if trail.get("enableLogging") is False:
        problems.append("enableLogging is false")
    return problems


def _check_cloudtrail(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    trails = of_type(resources, CLOUDTRAIL)
    if not trails:
        yield Violation("the stack has no aws.cloudtrail.Trail: declare a multi-region trail with log file validation")
        return
    problems = {t.urn: _trail_problems(t) for t in trails}
    if any(not p for p in problems.values()):
        return
    for trail in trails:
        yield Violation(f"trail {trail.name} does not qualify: {'; '.join(problems[trail.urn])}", trail.urn)


# --- guardduty-findings-routed ------------------------------------------------------------------
# The detector is an account-level singleton (one per account and region) owned by the account baseline
# (account-baseline/), not by a platform stack; what a stack controls is where the findings go.


def _routes_guardduty(rule: Resource) -> bool:
    pattern = rule.json("eventPattern")
    sources = pattern.get("source") if isinstance(pattern, Mapping) else None
    return (
        "aws.guardduty" in [str(s) for s in as_list(sources)]
        and str(rule.get("state") or "ENABLED") != "DISABLED"
        and rule.get("isEnabled") is not False
    )


def _targets(rule: Resource, targets: list[Resource]) -> bool:
    return any(refers_to(target, "rule", rule) for target in targets)


def _check_guardduty(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    # `enable` defaults to true; only an explicit false suspends a detector a stack still declares.
    for detector in of_type(resources, GUARDDUTY_DETECTOR):
        if detector.get("enable") is not None and not is_true(detector.get("enable")):
            yield Violation(f"GuardDuty detector {detector.name} is suspended (enable is false)", detector.urn)
    targets = of_type(resources, EVENT_TARGET)
    if not any(_routes_guardduty(rule) and _targets(rule, targets) for rule in of_type(resources, EVENT_RULE)):
        yield Violation(
            "no enabled EventBridge rule with source aws.guardduty has a target: GuardDuty findings "
            "reach no one; declare an aws.cloudwatch.EventRule for them and an EventTarget to alerting"
        )


RULES: list[Rule] = [
    Rule(
        name="iam-no-wildcard-statements",
        description='No IAM policy statement allows every action ("*" or "*:*").',
        severity="critical",
        remediation='Replace `"Action": "*"` in the `policy` of aws.iam.Policy / RolePolicy / UserPolicy / '
        "GroupPolicy (and in aws.iam.Role `inline_policies`) with the specific actions; attach the "
        "AWS managed AdministratorAccess only to MFA-protected admin roles.",
        soc2=("CC6.1", "CC6.3"),
        cis=("1.16",),
        resource_types=(*IAM_POLICIES, IAM_ROLE),
        resource_check=_check_wildcards,
    ),
    Rule(
        name="iam-admin-roles-require-mfa",
        description="Admin and break-glass roles that people assume require MFA in every Allow statement of their "
        "trust policy, or admit only IAM Identity Center permission-set roles (MFA at sign-in).",
        severity="high",
        remediation='Add `"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}` to each Allow '
        "statement with an AWS principal in the `assume_role_policy` of aws.iam.Role, or limit the "
        "statement to Identity Center roles with `ArnLike aws:PrincipalArn "
        "arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_<set>_*` "
        "(platform:access.identityCenterPermissionSets).",
        soc2=("CC6.1", "CC6.2"),
        config={"required": True, "namePattern": "(admin|break-glass)"},
        resource_types=(IAM_ROLE,),
        resource_check=_check_admin_mfa,
    ),
    Rule(
        name="cloudtrail-enabled",
        description="The stack declares a logging, multi-region CloudTrail trail with log file validation.",
        severity="high",
        remediation="Declare an aws.cloudtrail.Trail with `is_multi_region_trail=True`, "
        "`enable_log_file_validation=True` and `enable_logging=True`.",
        soc2=("CC7.2", "CC7.3"),
        cis=("3.1", "3.2"),
        resource_types=(CLOUDTRAIL,),
        stack_check=_check_cloudtrail,
    ),
    Rule(
        name="guardduty-findings-routed",
        description="GuardDuty findings reach alerting: an enabled EventBridge rule for source aws.guardduty has a "
        "target, and no detector the stack declares is suspended (the detector itself is account-level, "
        "owned by the account baseline).",
        severity="high",
        remediation='Declare an aws.cloudwatch.EventRule with event pattern `{"source": ["aws.guardduty"]}` and '
        "an aws.cloudwatch.EventTarget sending it to an alert topic; enable the detector in "
        "account-baseline/ for every region the stack uses.",
        soc2=("CC7.2",),
        resource_types=(GUARDDUTY_DETECTOR, EVENT_RULE, EVENT_TARGET),
        stack_check=_check_guardduty,
    ),
]
