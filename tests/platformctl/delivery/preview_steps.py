"""Steps of a `preview --json` document, as the gate and the risk rating read them."""

from __future__ import annotations

from typing import Any

DB = "aws:rds/instance:Instance"


def step(op: str, kind: str, name: str = "thing", *, protect: bool = False, state: str = "newState") -> dict[str, Any]:
    urn = f"urn:pulumi:prod::platform::platform:database:Database${kind}::{name}"
    return {"op": op, "urn": urn, state: {"type": kind, "urn": urn, **({"protect": True} if protect else {})}}
