"""Turns the pure rules into CrossGuard policies, with exemptions applied and reported."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from . import conversion_cache
from .exemptions import Exemption, active, problems, stale
from .framework import Resource, Rule, Violation

EXEMPTIONS_VALID = "policy-exemptions-valid"
EXEMPTED_FINDINGS = "exempted-findings"
STALE_EXEMPTIONS = "stale-exemptions"
# Marks an exempted finding's message so reports can show it as exempted, not as advisory noise.
EXEMPTED_MARKER = "[exempted]"
_LEVELS = {
    "advisory": EnforcementLevel.ADVISORY,
    "mandatory": EnforcementLevel.MANDATORY,
    "disabled": EnforcementLevel.DISABLED,
}
_SEVERITIES = {"low": Severity.LOW, "medium": Severity.MEDIUM, "high": Severity.HIGH, "critical": Severity.CRITICAL}
_JSON_TYPES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    tuple: "array",
    dict: "object",
}


def build_policies(
    rules: list[Rule], exemptions: list[Exemption], today: datetime.date, broken_file: str | None = None
) -> list[Any]:
    """One policy per rule, then the exemption policies; `broken_file` says why the exemptions file was unreadable."""
    conversion_cache.install()  # the SDK converts each resource once per request, not once per policy
    names = [rule.name for rule in rules]
    excused = active(exemptions, today, names)
    policies = [_policy(rule, excused) for rule in rules]
    policies.append(
        StackValidationPolicy(
            name=EXEMPTIONS_VALID,
            description="Every exemption names a known rule and carries a reason, an owner "
            "and an expiry date that has not passed.",
            enforcement_level=EnforcementLevel.MANDATORY,
            severity=Severity.HIGH,
            framework=_framework(("CC3.4", "CC8.1")),
            remediation_steps="Fix or remove the entry in policies/exemptions.yaml; extend `expires` only with a "
            "new review.",
            validate=_check_exemptions(exemptions, today, names, broken_file),
        )
    )
    policies.append(
        StackValidationPolicy(
            name=EXEMPTED_FINDINGS,
            description="Findings excused by a valid exemption, kept visible.",
            enforcement_level=EnforcementLevel.ADVISORY,
            severity=Severity.LOW,
            framework=_framework(("CC3.4",)),
            remediation_steps="Fix the resource before the exemption expires.",
            validate=_report_exempted(rules, excused),
        )
    )
    policies.append(
        StackValidationPolicy(
            name=STALE_EXEMPTIONS,
            description="Every exemption for this stack names a resource the stack still has.",
            enforcement_level=EnforcementLevel.ADVISORY,
            severity=Severity.LOW,
            framework=_framework(("CC3.4", "CC8.1")),
            remediation_steps="Remove the entry from policies/exemptions.yaml, or correct its URN (from "
            "`platformctl preview --json` or `pulumi stack --show-urns`).",
            validate=_report_stale(exemptions),
        )
    )
    return policies


def _policy(rule: Rule, excused: Mapping[tuple[str, str], Exemption]) -> Any:
    common: dict[str, Any] = dict(
        name=rule.name,
        description=rule.description,
        enforcement_level=_LEVELS[rule.level],
        severity=_SEVERITIES[rule.severity],
        framework=_framework(rule.soc2),
        tags=[f"cis:{control}" for control in rule.cis],
        remediation_steps=rule.remediation,
        config_schema=_schema(rule.config),
    )
    if rule.is_stack_rule:
        return StackValidationPolicy(validate=_stack_validator(rule, excused), **common)
    return ResourceValidationPolicy(validate=_resource_validator(rule, excused), **common)


def _resource_validator(rule: Rule, excused: Mapping[tuple[str, str], Exemption]) -> Callable:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if (rule.name, args.urn) in excused:
            return  # reported by exempted-findings instead
        resource = Resource(
            type=args.resource_type,
            props=args.props,
            urn=args.urn,
            name=args.name,
            protect=bool(args.opts and args.opts.protect),
            provider_props=args.provider.props if args.provider else {},
        )
        for message in rule.check_resource(resource, args.get_config()):
            report_violation(message, None)

    return validate


def _stack_validator(rule: Rule, excused: Mapping[tuple[str, str], Exemption]) -> Callable:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for violation in rule.check_stack(to_resources(args.resources), args.get_config()):
            if (rule.name, violation.urn or "") not in excused:
                report_violation(violation.message, violation.urn)

    return validate


def _check_exemptions(
    exemptions: list[Exemption], today: datetime.date, names: list[str], broken_file: str | None
) -> Callable:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        if broken_file:  # the pack runs on without exemptions; the file itself is the violation
            report_violation(broken_file, None)
        urns = {resource.urn for resource in args.resources}
        for exemption in exemptions:
            found = problems(exemption, today, names)
            if found:
                report_violation(
                    f"exemption {exemption.label}: {'; '.join(found)}", exemption.urn if exemption.urn in urns else None
                )

    return validate


def _report_stale(exemptions: list[Exemption]) -> Callable:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for exemption in stale(exemptions, [resource.urn for resource in args.resources]):
            report_violation(
                f"exemption {exemption.label} matches no resource of this stack: it excuses nothing and would "
                "silently excuse a new resource that reuses the URN",
                None,
            )

    return validate


def _report_exempted(rules: list[Rule], excused: Mapping[tuple[str, str], Exemption]) -> Callable:
    by_name = {rule.name: rule for rule in rules}

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = to_resources(args.resources)
        by_urn = {resource.urn: resource for resource in resources}
        for (rule_name, urn), exemption in excused.items():
            for violation in _findings(by_name[rule_name], resources, by_urn.get(urn), urn):
                report_violation(f"{EXEMPTED_MARKER} {rule_name}: {violation.message} ({exemption.summary()})", urn)

    return validate


def _findings(rule: Rule, resources: list[Resource], resource: Resource | None, urn: str) -> Iterable[Violation]:
    if rule.is_stack_rule:
        return [v for v in rule.check_stack(resources) if v.urn == urn]
    return [Violation(message, urn) for message in rule.check_resource(resource)] if resource else []


def to_resources(policy_resources: Iterable[PolicyResource]) -> list[Resource]:
    return [
        Resource(
            type=r.resource_type,
            props=r.props,
            urn=r.urn,
            name=r.name,
            protect=bool(r.opts and r.opts.protect),
            provider_props=r.provider.props if r.provider else {},
            parent=r.parent.urn if r.parent else "",
            dependencies=tuple(d.urn for d in r.dependencies),
            property_dependencies={k: tuple(d.urn for d in v) for k, v in r.property_dependencies.items()},
        )
        for r in policy_resources
    ]


def _framework(soc2: tuple[str, ...]) -> PolicyComplianceFramework:
    return PolicyComplianceFramework(
        name="SOC 2",
        version="2017 TSC (2022 points of focus)",
        reference=", ".join(soc2),
        specification="AICPA Trust Services Criteria",
    )


def _schema(defaults: Mapping[str, Any]) -> PolicyConfigSchema | None:
    if not defaults:
        return None
    return PolicyConfigSchema(properties={key: _property_schema(value) for key, value in defaults.items()})


def _property_schema(default: Any) -> dict[str, Any]:
    """What a config value must be, from the rule's default: its JSON type, and a list's item type when uniform."""
    plain = list(default) if isinstance(default, tuple) else default
    schema: dict[str, Any] = {"type": _JSON_TYPES.get(type(default), "string"), "default": plain}
    item_types = {_JSON_TYPES.get(type(item)) for item in default} if isinstance(default, list | tuple) else set()
    if len(item_types) == 1 and None not in item_types:
        schema["items"] = {"type": item_types.pop()}
    return schema
