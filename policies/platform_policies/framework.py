"""The rule model of the pack: small pure validators plus the metadata a reviewer needs.

A rule never talks to Pulumi: it gets plain data (`Resource`, or the list of them for a stack
rule) and its config, and returns violations. `crossguard.py` wraps each rule into a CrossGuard
policy; the tests call the validators directly.

Like Checkov's `supported_resources`, a rule declares the resource types it applies to, and the rule
model does the dispatching: a resource check never sees a resource of another type, and a stack check
that declares types is handed only the resources of those types.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Literal

Severity = Literal["low", "medium", "high", "critical"]
Level = Literal["advisory", "mandatory", "disabled"]


@dataclass(frozen=True)
class Resource:
    """What a rule may look at: a resource's type, inputs, options and its provider's inputs."""

    type: str
    props: Mapping[str, Any]
    urn: str = ""
    name: str = ""
    protect: bool = False
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    parent: str = ""
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, *path: str | int, default: Any = None) -> Any:
        """props["a"]["b"][0] without KeyErrors: missing anywhere on the path gives `default`."""
        value: Any = self.props
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return default
        return default if value is None else value

    def json(self, key: str) -> Any:
        """A property that holds JSON text (IAM and bucket policies), parsed; {} when absent or not JSON."""
        raw = self.props.get(key)
        if isinstance(raw, Mapping) or (isinstance(raw, Sequence) and not isinstance(raw, str)):
            return raw  # already a document (CrossGuard hands it over as a read-only proxy)
        try:
            return json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            return {}


@dataclass(frozen=True)
class Violation:
    message: str
    urn: str | None = None  # stack rules name the offending resource


ResourceCheck = Callable[[Resource, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[list[Resource], Mapping[str, Any]], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    name: str  # kebab-case, unique in the pack
    description: str
    severity: Severity
    remediation: str
    soc2: tuple[str, ...]  # SOC 2 trust-services criteria, e.g. ("CC6.1",)
    cis: tuple[str, ...] = ()  # CIS AWS Foundations / EKS benchmark controls, where one applies
    level: Level = "mandatory"  # the default; per-tier config files raise or lower it
    config: Mapping[str, Any] = field(default_factory=dict)  # default config properties (JSON-schema-able)
    # Type tokens, or shell patterns of them ("kubernetes:*:Deployment"); a stack rule may leave it empty
    # to see the whole stack.
    resource_types: tuple[str, ...] = ()
    resource_check: ResourceCheck | None = None
    stack_check: StackCheck | None = None

    def __post_init__(self) -> None:
        if (self.resource_check is None) == (self.stack_check is None):
            raise ValueError(f"rule {self.name} needs exactly one of resource_check or stack_check")
        if self.resource_check is not None and not self.resource_types:
            raise ValueError(f"resource rule {self.name} declares no resource_types")

    @property
    def is_stack_rule(self) -> bool:
        return self.stack_check is not None

    def applies_to(self, resource_type: str) -> bool:
        return not self.resource_types or any(fnmatchcase(resource_type, t) for t in self.resource_types)

    def check_resource(self, resource: Resource, config: Mapping[str, Any] | None = None) -> list[str]:
        assert self.resource_check is not None, f"{self.name} is a stack rule"
        if not self.applies_to(resource.type):
            return []
        return list(self.resource_check(resource, {**self.config, **(config or {})}))

    def check_stack(self, resources: list[Resource], config: Mapping[str, Any] | None = None) -> list[Violation]:
        assert self.stack_check is not None, f"{self.name} is a resource rule"
        relevant = [r for r in resources if self.applies_to(r.type)]
        return list(self.stack_check(relevant, {**self.config, **(config or {})}))


def of_type(resources: Iterable[Resource], *types: str) -> list[Resource]:
    return [r for r in resources if r.type in types]
