"""The steps of a `preview --json` document (`platformctl preview --json` or `pulumi preview --json`).

Both carry `steps[]` with `op`, `urn` and `newState`/`oldState` (`type`, `inputs`, `protect`); a
`platformctl` document of several stacks nests them under `stacks.<name>`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

Step = dict[str, Any]

REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "read-replacement", "import-replacement"})
DELETE_OPS = frozenset({"delete", "discard", "discard-replaced", "remove-pending-replace"})
# Steps after which their URN names nothing (the replacement of a `delete-replaced` has its own step).
DELETE_LIKE_OPS = DELETE_OPS | {"delete-replaced"}
CREATE_OPS = frozenset({"create", "import"})
# Steps that change nothing in the cloud: a data-source read is not a "touch" even on an IAM type.
UNCHANGED_OPS = frozenset({"same", "read", "refresh"})
URN_PREFIX = "urn:pulumi:"


def step_type(step: Step) -> str:
    for state in ("newState", "oldState"):
        kind = (step.get(state) or {}).get("type")
        if kind:
            return str(kind)
    # urn:pulumi:<stack>::<project>::<parent types$>type::<name>
    parts = str(step.get("urn", "")).split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else "unknown"


def step_protected(step: Step) -> bool:
    return any(bool((step.get(state) or {}).get("protect")) for state in ("newState", "oldState"))


def step_inputs(step: Step) -> dict[str, Any]:
    return dict((step.get("newState") or step.get("oldState") or {}).get("inputs") or {})


def resource_name(step: Step) -> str:
    return str(step.get("urn", "")).rsplit("::", 1)[-1] or "?"


def urn_stack(urn: str) -> str | None:
    """The stack a URN belongs to, or None when `urn` is not a Pulumi URN."""
    if not urn.startswith(URN_PREFIX) or urn.count("::") < 3:
        return None
    return urn.removeprefix(URN_PREFIX).split("::", 1)[0]


def creates_everything(steps: list[Step]) -> bool:
    """No step keeps, changes or deletes a resource: the preview was made without the stack's state.

    That is every offline preview, and a real preview of a stack never deployed; either way no step says what
    the deploy would change in what exists.
    """
    ops = {str(step.get("op")) for step in steps}
    return bool(ops & CREATE_OPS) and ops <= CREATE_OPS | {"read"}


def read_steps(path: Path, stack: str, flag: str = "--preview") -> list[Step]:
    """The steps of `stack` from a preview document; a multi-stack `platformctl` document is narrowed to it."""
    document = read_json(path, flag)
    if isinstance(document, dict) and isinstance(document.get("stacks"), dict):
        stacks = document["stacks"]
        if stack not in stacks:
            raise UsageError(f"{flag} {path} has no stack {stack!r}; it has: {', '.join(stacks) or 'none'}")
        document = stacks[stack]
    steps = document.get("steps") if isinstance(document, dict) else None
    if not isinstance(steps, list) or not all(isinstance(s, dict) and isinstance(s.get("op"), str) for s in steps):
        raise UsageError(f"{flag} {path}: expected a `preview --json` document with `steps`, each with an `op`")
    check_stack(path, flag, stack, [step.get("urn") for step in steps])
    for index, step in enumerate(steps):
        _check_states(path, flag, index, step)
    return steps


def _check_states(path: Path, flag: str, index: int, step: Step) -> None:
    for key in ("newState", "oldState"):
        state = step.get(key)
        if state is not None and not (isinstance(state, dict) and isinstance(state.get("inputs", {}), dict | None)):
            raise UsageError(
                f"{flag} {path}: step {index} ({step['urn']}) has {key} {state!r}; expected an object whose "
                "`inputs`, when present, is an object"
            )


def read_json(path: Path, flag: str) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{flag} {path}: cannot read it as JSON ({error})") from None


def check_stack(path: Path, flag: str, stack: str, urns: list[Any]) -> None:
    """Every URN names `stack`: a preview or state of another stack would rate (or deploy) the wrong change."""
    for index, urn in enumerate(urns):
        found = urn_stack(urn) if isinstance(urn, str) else None
        if found is None:
            raise UsageError(
                f"{flag} {path}: entry {index} has no Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>), "
                f"got {urn!r}"
            )
        if found != stack:
            raise UsageError(
                f"{flag} {path} is of stack {found!r} ({urn}), not of the gated stack {stack!r}; "
                f"give the {flag.removeprefix('--')} of stack {stack!r}"
            )
