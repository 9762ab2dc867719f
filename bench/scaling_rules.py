"""Each pack rule's own cost at two sizes, in-process: is any rule's cost per resource growing with the stack?

The rules are pure validators (policies/platform_policies/framework.py); they get the preview's resources as
the pack's CrossGuard wrapper builds them: props converted by pulumi-policy's own deserialisation (every
number a double) behind its unknown-checking proxy, the provider's inputs alongside. A rule that reads a value
unknown during preview raises, as in the pack (which then reports "can't run policy during preview").
"""

from __future__ import annotations

import contextlib
import gc
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

RULE_REPEAT = 5
SUPER_LINEAR = 1.5  # growth of the cost per resource seen, 1x to 8x, beyond touching them, that flags a rule
STILL_GROWING = 1.25  # per-resource growth from 4x to 8x with it (linear 1.0, quadratic 2.0)
NOISE_FLOOR_SECONDS = 0.002  # below this at the larger size, a ratio is timer noise, not a trend
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class RuleCost:
    """A rule's time at 1x, 4x and 8x over the resources of its types (all, for a stack rule declaring none)."""

    name: str
    kind: str  # resource | stack
    seen: tuple[int, int, int]
    seconds: tuple[float, float, float]  # the validator over each resource it sees, or once (stack rule)

    def time_growth(self) -> float:
        return self._ratio(0, 2)

    def growth(self, first: int = 0, last: int = 2) -> float:
        """Cost per resource seen at one size over another's: 1.0 is linear, 2.0 per doubling is quadratic."""
        return self._ratio(first, last) / (self.seen[last] / self.seen[first]) if self.seen[first] else float("inf")

    def super_linear(self, touch_growth: float) -> bool:
        """Growing faster than touching the resources does from 1x to 8x (memory effects cost a pure
        per-resource pass up to ~1.7x there), and still growing per resource from 4x to 8x: at 1x a rule sees
        few objects of the kind the knob multiplies, so the first ratio alone also reflects a change of mix."""
        return (
            self.seconds[2] >= NOISE_FLOOR_SECONDS
            and self.growth() / touch_growth > SUPER_LINEAR
            and self.growth(1, 2) > STILL_GROWING
        )

    def _ratio(self, first: int, last: int) -> float:
        return self.seconds[last] / self.seconds[first] if self.seconds[first] else float("inf")


def rule_costs(repo: Path, sizes: list[list[dict[str, Any]]]) -> tuple[list[RuleCost], float]:
    """Every rule of ALL_RULES timed over the resources of 1x, 4x and 8x with prod's policy config, most
    expensive first; and the growth per resource, 1x to 8x, of merely touching every resource.

    Only the validator is timed, on the resources of its types: dispatching by type is the framework's linear
    pass, and the scaling knob adds Kubernetes objects only, so an AWS rule sees as many resources at 8x as
    at 1x and its cost per resource seen must stay flat.
    """
    if str(repo / "policies") not in sys.path:
        sys.path.insert(0, str(repo / "policies"))  # platform_policies as the pack imports it
    from platform_policies.rules import ALL_RULES

    config = json.loads((repo / "policies" / "config" / "prod.json").read_text())
    views = [pack_view(resources) for resources in sizes]
    touched = [_best(_touch, view) / len(view) for view in views]
    costs = []
    for rule in ALL_RULES:
        properties = config.get(rule.name)
        check = _checker(rule, {**rule.config, **(properties if isinstance(properties, dict) else {})})
        seen = [[r for r in view if rule.applies_to(r.type)] for view in views]
        seconds = [_best(check, resources) for resources in seen]
        kind = "stack" if rule.is_stack_rule else "resource"
        counts = (len(seen[0]), len(seen[1]), len(seen[2]))
        costs.append(RuleCost(rule.name, kind, counts, (seconds[0], seconds[1], seconds[2])))
    return sorted(costs, key=lambda cost: -cost.seconds[2]), touched[2] / touched[0]


def _touch(resources: list[Any]) -> None:
    """The least a per-resource rule does: read a nested property of each resource."""
    for resource in resources:
        resource.get("metadata", "name")


def pack_view(resources: list[dict[str, Any]]) -> list[Any]:
    from platform_policies.framework import Resource

    by_urn = {r["urn"]: r for r in resources}
    viewed = []
    for record in resources:
        if record["type"] == ROOT_STACK_TYPE:
            continue  # the engine never analyzes the root stack
        provider = by_urn.get(record["provider"].rsplit("::", 1)[0]) if record["provider"] else None
        viewed.append(
            Resource(
                type=record["type"],
                props=_props(record["inputs"]),
                urn=record["urn"],
                name=record["name"],
                protect=bool(record["protect"]),
                provider_props=_props(provider["inputs"]) if provider else {},
                parent=record["parent"],
                dependencies=tuple(record["dependencies"]),
                property_dependencies={k: tuple(v) for k, v in (record.get("propertyDependencies") or {}).items()},
            )
        )
    return viewed


def _props(inputs: dict[str, Any]) -> Mapping[str, Any]:
    struct = struct_pb2.Struct()
    struct.update(json.loads(json.dumps(inputs, default=str)))  # as platformctl.policy.runner sends them
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def _checker(rule: Any, config: dict[str, Any]) -> Callable[[list[Any]], None]:
    def resource_rule(resources: list[Any]) -> None:
        for resource in resources:
            with contextlib.suppress(UnknownValueError):
                list(rule.resource_check(resource, config))

    def stack_rule(resources: list[Any]) -> None:
        with contextlib.suppress(UnknownValueError):
            list(rule.stack_check(resources, config))

    return stack_rule if rule.is_stack_rule else resource_rule


def _best(check: Callable[[list[Any]], None], resources: list[Any]) -> float:
    """Best of RULE_REPEAT, the cyclic GC off: a collection walks every live object of the bench, which grows
    with the size measured and would be charged to whichever rule it interrupts."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(RULE_REPEAT):
            started = time.perf_counter()
            check(resources)
            times.append(time.perf_counter() - started)
    finally:
        gc.enable()
    return min(times)
