"""Physical names two stacks would both claim: the second `pulumi up` fails with "already exists".

Each stack previews fine on its own; a collision only shows when stacks share an AWS account (or, for S3
bucket names, anywhere). Names are compared within the uniqueness scope of `aws_limits` (global, account,
account and region); singletons (one GuardDuty detector per account and region) collide whatever their
name. Auto-named resources never collide: their random suffix differs per stack.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .aws_limits import ACCOUNT, GLOBAL, REGION, NameRule, rule_for

AWS_PROVIDER = "pulumi:providers:aws"
# How the preview's JSON shows values it cannot know offline: never a real name.
_PLACEHOLDERS = frozenset({"[unknown]", "[secret]"})


def name_collisions(stacks: Mapping[str, list[dict[str, Any]]], account_of: Mapping[str, str]) -> list[str]:
    """One message per resource that claims a name (or singleton) another stack already claims.

    `stacks` maps a stack to its resources as `platformctl preview --json` records them; `account_of` maps
    a stack to its AWS account. A stack missing from `account_of` is only compared on global names.
    """
    claimed: dict[tuple[str, ...], tuple[str, str]] = {}
    messages = []
    for stack, resources in stacks.items():
        for key, urn, what in _claims(resources, account_of.get(stack)):
            first = claimed.setdefault(key, (stack, urn))
            if first[0] != stack:
                messages.append(
                    f"{what} in {_scope_text(key)}: stacks {first[0]!r} ({first[1]}) and "
                    f"{stack!r} ({urn}) both create it"
                )
    return messages


def _claims(resources: list[dict[str, Any]], account: str | None) -> Iterator[tuple[tuple[str, ...], str, str]]:
    regions = {r["urn"]: (r.get("inputs") or {}).get("region") for r in resources if r["type"] == AWS_PROVIDER}
    for resource in resources:
        rule = rule_for(resource["type"])
        if rule is None or rule.scope not in (GLOBAL, ACCOUNT, REGION) or resource.get("op", "create") != "create":
            continue
        name = _claimed_name(rule, resource.get("inputs") or {})
        if name is None:
            continue
        region = (resource.get("inputs") or {}).get("region") or regions.get(
            resource.get("provider", "").rsplit("::", 1)[0]
        )
        where = _where(rule.scope, account, region)
        if where is not None:
            what = (
                f"{resource['type']} (one per {'account' if rule.scope == ACCOUNT else 'account and region'})"
                if rule.singleton
                else f"{resource['type']} {rule.prop} {name!r}"
            )
            yield (resource["type"], name, *where), resource["urn"], what


def _claimed_name(rule: NameRule, inputs: Mapping[str, Any]) -> str | None:
    if rule.singleton:
        return ""
    value = inputs.get(rule.prop) if rule.prop else None
    if not isinstance(value, str) or value in _PLACEHOLDERS:
        return None
    return value.lower() if rule.fold_case else value


def _where(scope: str, account: str | None, region: str | None) -> tuple[str, ...] | None:
    if scope == GLOBAL:
        return (GLOBAL,)
    if account is None:
        return None
    if scope == ACCOUNT:
        return (ACCOUNT, account)
    return (REGION, account, region) if isinstance(region, str) else None


def _scope_text(key: tuple[str, ...]) -> str:
    scope = key[2]
    if scope == GLOBAL:
        return "every AWS account (names are global)"
    if scope == ACCOUNT:
        return f"account {key[3]}"
    return f"account {key[3]}, region {key[4]}"
