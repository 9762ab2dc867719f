"""One registered Pulumi AWS resource as Terraform sees it: planned values and configuration expressions.

Pulumi inputs are camelCase and flatten single blocks into objects; the plan writes snake_case names and every
nested block as a list of objects. Map attributes stay objects and JSON documents (policies) stay strings.
"""

from __future__ import annotations

from typing import Any

from ..preview.resource_monitor import SECRET_PLACEHOLDER
from .sdk_types import BLOCK_LIST, BLOCK_ONE, MAP, shape_of
from .terraform_names import terraform_property

UNKNOWN = "[unknown]"  # how the preview shows a value known only after apply

# Outputs a reference most likely reads, in the order Terraform code would name them (aws_s3_bucket.x.id).
_REFERENCED_OUTPUTS = ("id", "arn", "name", "bucket")
# Shorter outputs (a port, "true", a 7-character suffix) would be found inside unrelated strings.
_MIN_CONTAINED_OUTPUT = 12


def planned_values(tf_type: str, args: type | None, inputs: dict[str, Any]) -> dict[str, Any]:
    """`values` of planned_values: known inputs under their Terraform names (unknown ones are left out)."""
    values: dict[str, Any] = {}
    for name, value in _inputs(inputs):
        if value == UNKNOWN:
            continue
        shape = shape_of(args, name)
        key = terraform_property(tf_type, name)
        if shape.kind in (BLOCK_LIST, BLOCK_ONE):
            values[key] = [planned_values(tf_type, shape.nested, item) for item in _blocks(value)]
        else:
            values[key] = value
    return values


def skeleton(values: Any, leaf: Any) -> Any:
    """The shape of `values` with `true` where `leaf` holds: how after_unknown and sensitive_values are written.

    Terraform leaves unmarked attributes out of objects, keeps nested lists and objects as (empty) containers and
    writes `false` for each unmarked item of a list.
    """
    if isinstance(values, dict):
        return {
            key: True if leaf(value) else skeleton(value, leaf)
            for key, value in values.items()
            if leaf(value) or isinstance(value, (dict, list))
        }
    if isinstance(values, list):
        return [True if leaf(item) else skeleton(item, leaf) for item in values]
    return False


def unknown_names(tf_type: str, inputs: dict[str, Any]) -> dict[str, bool]:
    return {terraform_property(tf_type, name): True for name, value in _inputs(inputs) if value == UNKNOWN}


def is_secret(value: Any) -> bool:
    return value == SECRET_PLACEHOLDER


def expressions(
    tf_type: str,
    args: type | None,
    inputs: dict[str, Any],
    targets: dict[str, list[tuple[str, dict[str, Any]]]],
) -> dict[str, Any]:
    """`expressions` of a configuration resource.

    `targets`: per top-level input, the (address, attributes) of each exported resource it depends on. A value
    equal to one of those attributes is a reference, as Terraform records `bucket = aws_s3_bucket.x.id`: it is
    what lets a scanner's graph checks connect a public access block or a policy to its bucket.
    """
    out: dict[str, Any] = {}
    for name, value in _inputs(inputs):
        shape = shape_of(args, name)
        key = terraform_property(tf_type, name)
        candidates = targets.get(name, [])
        if shape.kind in (BLOCK_LIST, BLOCK_ONE):
            nested = {inner: candidates for inner in _all_keys(value)}  # nested inputs share the top one's deps
            out[key] = [expressions(tf_type, shape.nested, item, nested) for item in _blocks(value)]
            continue
        references = _references(value, candidates) if shape.kind != MAP else []
        out[key] = {"references": references} if references else {"constant_value": value}
    return out


def _references(value: Any, candidates: list[tuple[str, dict[str, Any]]]) -> list[str]:
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items:
        match = _match(item, candidates)
        if match is None:
            return []  # a list mixing references and constants stays a constant: no half-connected graph
        found.extend(match)
    return found


def _match(item: Any, candidates: list[tuple[str, dict[str, Any]]]) -> list[str] | None:
    if not isinstance(item, str) or not item:
        return None
    for address, attributes in candidates:
        for attribute in _preferred(attributes):
            if attributes[attribute] == item:
                return [f"{address}.{attribute}", address]
    # An interpolation or a JSON document (`"${aws_cloudwatch_log_group.x.arn}:*"`, `jsonencode({...})`) records
    # every address it reads, so a value that contains a dependency's output refers to it too.
    found = [reference for address, attributes in candidates for reference in _contained(item, address, attributes)]
    return found or None


def _preferred(attributes: dict[str, Any]) -> list[str]:
    return [n for n in _REFERENCED_OUTPUTS if n in attributes] + sorted(set(attributes) - set(_REFERENCED_OUTPUTS))


def _contained(item: str, address: str, attributes: dict[str, Any]) -> list[str]:
    """The longest output found in `item` (an ARN rather than the name inside it), as the code would read it."""
    contained = [
        (len(output), attribute)
        for attribute, output in attributes.items()
        if isinstance(output, str) and len(output) >= _MIN_CONTAINED_OUTPUT and output in item
    ]
    if not contained:
        return []
    _, attribute = max(contained, key=lambda found: (found[0], found[1] in _REFERENCED_OUTPUTS, found[1]))
    return [f"{address}.{attribute}", address]


def _inputs(inputs: dict[str, Any]) -> list[tuple[str, Any]]:
    # Keys the SDK adds for itself (e.g. `__defaults`) are no argument of the resource.
    return sorted((name, value) for name, value in inputs.items() if not name.startswith("__") and value is not None)


def _blocks(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _all_keys(value: Any) -> set[str]:
    keys: set[str] = set()
    for block in _blocks(value):
        for key, inner in block.items():
            keys.add(key)
            keys |= _all_keys(inner) if isinstance(inner, (dict, list)) else set()
    return keys
