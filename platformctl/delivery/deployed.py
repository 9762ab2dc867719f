"""What is deployed, for `gate --baseline FILE`: what turns an all-creates preview back into a change.

An offline preview runs the program without the stack's state, so every step is a `create`, and so is a real
preview of a stack never deployed. Compared with what is deployed, a create of a resource the baseline has with
the same inputs is no change; other inputs are a change (an update or a replacement: only the provider's diff
can tell); a baseline resource no step mentions is a delete. Three baselines:

- a `preview --json` of the deployed commit (`platformctl` or `pulumi`): every resource, its type and inputs.
  The best one for an offline preview: both come from the same engine, mock values included.
- `pulumi stack export`: the state. Its inputs are as the provider checked them: the fields it filled in are
  named in `__defaults` and ignored here, but inputs computed from other resources' outputs hold real values
  where an offline preview holds mock ones, so those resources count as changed.
- a stateful snapshot (`tests/snapshots/stateful-<stack>.json`): stateful URNs only, no inputs. It shows a lost
  stateful resource (data loss, high risk) but cannot show whether anything else changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

from .steps import DELETE_LIKE_OPS, Step, check_stack, read_json, read_steps, resource_name, step_inputs, step_type
from .urn_guard import STATEFUL_TYPES as SNAPSHOT_TYPES

FLAG = "--baseline"
# An offline create of a deployed resource with other inputs: Pulumi's `update` or `replace`, unknown which.
CHANGE = "change"
# How `pulumi stack export` stores a secret, and how previews show one: compared as equal, since neither side
# can be read (a changed secret alone is not seen).
SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET = "[secret]"


@dataclass(frozen=True)
class Known:
    type: str
    inputs: dict[str, Any] | None  # None: the baseline lists the URN only
    protect: bool = False
    read: bool = False  # a data source (`.get()`): dropping it from the program deletes nothing


@dataclass(frozen=True)
class Deployed:
    path: Path
    resources: dict[str, Known]
    stateful_only: bool = False  # a snapshot: a URN it does not list may still be deployed, unless stateful

    def covers(self, kind: str) -> bool:
        return not self.stateful_only or kind in SNAPSHOT_TYPES


@dataclass
class Comparison:
    steps: list[Step] = field(default_factory=list)  # the preview's steps as changes to what is deployed
    unknown: list[str] = field(default_factory=list)  # resources the baseline cannot say anything about


def read_deployed(path: Path, stack: str) -> Deployed:
    document = read_json(path, FLAG)
    if isinstance(document, dict) and isinstance(document.get("urns"), list):
        return _snapshot(path, stack, document)
    if isinstance(document, dict) and isinstance(document.get("deployment"), dict):
        return _export(path, stack, document["deployment"])
    if isinstance(document, dict) and ("steps" in document or "stacks" in document):
        return _preview(path, stack)
    raise UsageError(
        f"{FLAG} {path}: expected a `preview --json` document (`steps`), a `pulumi stack export` file "
        '(`deployment`) or a stateful snapshot ({"stack": ..., "urns": [...]})'
    )


def _snapshot(path: Path, stack: str, document: dict[str, Any]) -> Deployed:
    named = document.get("stack")
    if named is not None and named != stack:
        raise UsageError(f"{FLAG} {path} is the snapshot of stack {named!r}, not of the gated stack {stack!r}")
    urns = document["urns"]
    check_stack(path, FLAG, stack, urns)
    return Deployed(path, {urn: Known(urn.split("::")[2].split("$")[-1], None) for urn in urns}, stateful_only=True)


def _export(path: Path, stack: str, deployment: dict[str, Any]) -> Deployed:
    resources = deployment.get("resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise UsageError(f"{FLAG} {path}: `deployment.resources` must be a list of resources")
    live = [r for r in resources if not r.get("delete")]  # `delete: true` marks a replaced one awaiting deletion
    check_stack(path, FLAG, stack, [r.get("urn") for r in live])
    return Deployed(path, {r["urn"]: _known(r) for r in live})


def _known(resource: dict[str, Any]) -> Known:
    inputs = resource.get("inputs")
    return Known(
        str(resource.get("type", "")),
        inputs if isinstance(inputs, dict) else {},
        protect=bool(resource.get("protect")),
        read=bool(resource.get("external")),
    )


def _preview(path: Path, stack: str) -> Deployed:
    kept = [s for s in read_steps(path, stack, FLAG) if s["op"] not in DELETE_LIKE_OPS]
    return Deployed(path, {step["urn"]: _known_step(step) for step in kept})


def _known_step(step: Step) -> Known:
    protect = bool((step.get("newState") or {}).get("protect"))
    return Known(step_type(step), step_inputs(step), protect=protect, read=step["op"] == "read")


def compare(steps: list[Step], deployed: Deployed) -> Comparison:
    """An all-creates preview's steps as what they would do to the deployed stack."""
    result = Comparison()
    for step in steps:
        known = deployed.resources.get(step["urn"])
        kind = step_type(step)
        if step["op"] == "read":
            result.steps.append(step)  # a data-source read changes nothing, whatever its inputs
        elif known is None:
            if deployed.covers(kind):
                result.steps.append(step)  # new to the stack
            else:
                result.unknown.append(f"{kind} {resource_name(step)}")
        elif known.inputs is None:
            result.unknown.append(f"{kind} {resource_name(step)}")
        elif normalized(known.inputs) == normalized(step_inputs(step)):
            result.steps.append({**step, "op": "same"})
        else:
            result.steps.append({**step, "op": CHANGE})
    mentioned = {step["urn"] for step in steps}
    for urn, known in deployed.resources.items():
        if urn not in mentioned and not known.read and not _default_provider(urn, known):
            old_state = {"type": known.type, "protect": known.protect}
            result.steps.append({"op": "delete", "urn": urn, "oldState": old_state})
    return result


def _default_provider(urn: str, known: Known) -> bool:
    # The engine adds these for resources without an explicit provider; the offline preview does not list them.
    return known.type.startswith("pulumi:providers:") and urn.rsplit("::", 1)[-1].startswith("default")


def normalized(value: Any) -> Any:
    """Inputs as the program set them: provider-filled defaults dropped, secrets opaque."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG) == "1b47061264138c4ac30d75fd1eb44270":
            return SECRET
        defaults = set(value.get("__defaults") or [])
        return {k: normalized(v) for k, v in value.items() if k != "__defaults" and k not in defaults}
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return value
