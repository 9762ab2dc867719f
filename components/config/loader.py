"""Reads the stack's `platform:*` keys, applies tier defaults and validates them.

Every mistake becomes one `InvalidConfigError` (a `pulumi.RunError`, which the Pulumi CLI
prints without a traceback) naming the key, the value and what is allowed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pulumi
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from platform_core.tiers import Tier

from .base import PROJECT_NAMESPACE
from .defaults import COMMON_DEFAULTS, TIER_DEFAULTS
from .model import PlatformConfig
from .secrets import SECRET_KEYS

# Map-valued fields are replaced whole by an override, never merged key by key.
_REPLACED_WHOLE = frozenset({"schedules"})


class InvalidConfigError(pulumi.RunError):
    """The stack configuration cannot build a platform; the message says what to change."""


def read_stack_config() -> dict[str, Any]:
    """The stack's plain keys in the project namespace, without the `platform:` prefix.

    Secrets stay out: they are read as Pulumi secrets (secrets.py), never into the model.
    """
    raw = {**pulumi.runtime.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    prefix = f"{PROJECT_NAMESPACE}:"
    return {
        key[len(prefix) :]: _decode(value)
        for key, value in raw.items()
        if key.startswith(prefix) and key[len(prefix) :] not in SECRET_KEYS
    }


def load_platform_config(raw: dict[str, Any] | None = None, aws_region: str | None = None) -> PlatformConfig:
    if raw is None:
        raw, aws_region = read_stack_config(), _stack_aws_region()
    tier = _tier(raw.get("tier"))
    merged = _deep_merge(tier_defaults(tier), raw)
    try:
        config = PlatformConfig.model_validate(merged)
    except ValidationError as error:
        raise InvalidConfigError(describe_errors(error)) from None
    _check_aws_region(aws_region, config.primary_region)
    return config


def _stack_aws_region() -> str | None:
    raw = {**pulumi.runtime.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    return raw.get("aws:region") or None


def _check_aws_region(aws_region: str | None, primary_region: str) -> None:
    """platform:primaryRegion is the one source of the region: every provider is explicit and takes it from
    there, so a different aws:region (read only by default providers, which are disabled) is a mistake."""
    if aws_region and aws_region != primary_region:
        raise InvalidConfigError(
            f"aws:region = {aws_region!r} conflicts with {PROJECT_NAMESPACE}:primaryRegion = {primary_region!r}; "
            f"the platform's providers take their region from {PROJECT_NAMESPACE}:primaryRegion. Remove aws:region "
            f"(`pulumi config rm aws:region`) or set it to {primary_region!r}"
        )


def tier_defaults(tier: Tier) -> dict[str, Any]:
    """What a stack of this tier gets before its own overrides, in stack-file form."""
    return _deep_merge(copy.deepcopy(COMMON_DEFAULTS), copy.deepcopy(TIER_DEFAULTS[tier]))


def describe_errors(error: ValidationError) -> str:
    lines = [_describe(item) for item in error.errors(include_url=False)]
    count = len(lines)
    head = f"invalid stack configuration ({count} problem{'s' if count > 1 else ''}):"
    return "\n".join([head, *(f"  - {line}" for line in lines)])


def _tier(value: Any) -> Tier:
    allowed = ", ".join(t.value for t in Tier)
    if value is None:
        raise InvalidConfigError(
            f"{PROJECT_NAMESPACE}:tier is not set; allowed: {allowed}. Set it with `pulumi config set tier dev`."
        )
    try:
        return Tier(value)
    except ValueError:
        raise InvalidConfigError(f"{PROJECT_NAMESPACE}:tier = {value!r} is not a tier; allowed: {allowed}") from None


def _decode(value: Any) -> Any:
    """Object and array values reach the program as JSON text, like they do under the CLI."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    for key, value in override.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict) and key not in _REPLACED_WHOLE:
            _deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _describe(item: ErrorDetails) -> str:
    location = [str(part) for part in item["loc"]]
    key = f"{PROJECT_NAMESPACE}:{'.'.join(location)}" if location else f"{PROJECT_NAMESPACE} config"
    if item["type"] == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(location[:-1]))
        return f"{key} is not a known key; allowed keys here: {allowed}"
    message = item["msg"].removeprefix("Value error, ")
    if not location:
        return f"{PROJECT_NAMESPACE} config: {message}"
    if isinstance(item.get("input"), dict):
        return f"{key}: {message}"
    return f"{key} = {json.dumps(item.get('input'), default=str)}: {message}"


def _allowed_keys(path: list[str]) -> list[str]:
    model: type[BaseModel] = PlatformConfig
    for part in path:
        field = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        if field is None or not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)):
            return []
        model = field.annotation
    return sorted(field.alias or name for name, field in model.model_fields.items())
