"""Shapes a stack preview the way `pulumi preview` prints it: a tree, or `--json`."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from .engine import StackPreview

_OP_SYMBOL = {"create": "+", "read": ">", "same": " "}


def display_type(token: str) -> str:
    """`aws:ec2/vpc:Vpc` is shown as `aws:ec2:Vpc`, as the CLI does."""
    package, module, kind = token.split(":", 2) if token.count(":") >= 2 else (token, "", "")
    module = module.split("/")[0]
    return f"{package}:{module}:{kind}" if kind else token


def preview_json(preview: StackPreview) -> dict[str, Any]:
    steps = [_step(resource, preview.outputs) for resource in preview.resources]
    summary = Counter(resource["op"] for resource in preview.resources)
    return {"steps": steps, "changeSummary": dict(summary), "diagnostics": preview.diagnostics}


def _step(resource: dict[str, Any], stack_outputs: dict[str, Any]) -> dict[str, Any]:
    new_state = {
        "urn": resource["urn"],
        "custom": resource["custom"],
        "type": resource["type"],
        "inputs": resource["inputs"],
        "parent": resource["parent"],
    }
    if resource["custom"]:
        new_state.update(id=resource["id"], outputs=resource["outputs"], provider=resource["provider"])
    if resource["protect"]:
        new_state["protect"] = True
    if resource["dependencies"]:
        new_state["dependencies"] = resource["dependencies"]
    if resource["type"] == "pulumi:pulumi:Stack":
        new_state["outputs"] = stack_outputs
    return {"op": resource["op"], "urn": resource["urn"], "provider": resource["provider"], "newState": new_state}


def preview_text(preview: StackPreview) -> str:
    rows = list(_tree_rows(preview.resources))
    type_width = max([len("Type")] + [len(indent + kind) for _, indent, kind, _, _ in rows]) + 2
    name_width = max([len("Name")] + [len(name) for _, _, _, name, _ in rows]) + 2
    lines = [f"Previewing update ({preview.stack}):", "", f"     {'Type':<{type_width}}{'Name':<{name_width}}Plan"]
    for op, indent, kind, name, protected in rows:
        plan = f"{op} (protected)" if protected else op
        lines.append(f" {_OP_SYMBOL.get(op, '~')}   {indent + kind:<{type_width}}{name:<{name_width}}{plan}")
    lines += _outputs_block(preview.outputs)
    lines += _diagnostics_block(preview.diagnostics)
    lines += ["", "Resources:"] + [
        f"    {_OP_SYMBOL.get(op, '~')} {count} to {op}"
        for op, count in sorted(Counter(r["op"] for r in preview.resources).items())
    ]
    return "\n".join(lines)


def _tree_rows(resources: list[dict[str, Any]]):
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    known = {resource["urn"] for resource in resources}
    roots = []
    for resource in resources:
        if resource["parent"] in known:
            children[resource["parent"]].append(resource)
        else:
            roots.append(resource)

    def walk(resource: dict[str, Any], prefix: str, connector: str):
        yield (
            resource["op"],
            prefix + connector,
            display_type(resource["type"]),
            resource["name"],
            resource["protect"],
        )
        kids = children.get(resource["urn"], [])
        child_prefix = prefix + ("" if not connector else ("   " if connector == "└─ " else "│  "))
        for index, child in enumerate(kids):
            yield from walk(child, child_prefix, "└─ " if index == len(kids) - 1 else "├─ ")

    for root in roots:
        yield from walk(root, "", "")


def _outputs_block(outputs: dict[str, Any]) -> list[str]:
    if not outputs:
        return []
    width = max(len(key) for key in outputs) + 1
    return ["", "Outputs:"] + [
        f"    {key + ':':<{width}} {json.dumps(value)}" for key, value in sorted(outputs.items())
    ]


def _diagnostics_block(diagnostics: list[dict[str, str]]) -> list[str]:
    if not diagnostics:
        return []
    return ["", "Diagnostics:"] + [
        f"    {entry['severity']}: {entry['urn'] + ': ' if entry.get('urn') else ''}{entry['message']}"
        for entry in diagnostics
    ]
