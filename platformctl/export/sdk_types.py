"""What shape each input of an AWS resource has, read from the installed pulumi_aws SDK's own type information.

The plan format writes every nested block as a list of objects, even one Pulumi flattened into a single object
(MaxItems=1), while map attributes (tags, parameter maps) stay objects. The SDK tells the two apart: a block is
an `*Args` input type, a map is a `Mapping[...]`. Guessing from the value would turn every tags map into a block.
"""

from __future__ import annotations

import collections.abc
import importlib
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from pulumi import _types as pulumi_types  # the SDK's reader of its own input-type annotations

BLOCK_LIST = "block-list"  # a list of nested blocks
BLOCK_ONE = "block-one"  # a nested block Pulumi flattened into one object (MaxItems=1)
MAP = "map"
VALUE = "value"  # a primitive, or a list of primitives


@dataclass(frozen=True)
class Shape:
    kind: str
    nested: type | None = None  # the `*Args` class of a block's fields


def resource_args(token: str) -> type | None:
    """The `*Args` class of a resource token, e.g. aws:s3/bucket:Bucket -> pulumi_aws.s3.BucketArgs."""
    module_path, name = token.split(":")[1].split("/")[0], token.split(":")[2]
    try:
        module = importlib.import_module(f"pulumi_aws.{module_path}")
    except ImportError:
        return None
    # `InitArgs` when a nested type already took the name `<Resource>Args`.
    return getattr(module, f"{name}InitArgs", None) or getattr(module, f"{name}Args", None)


@cache
def shapes(args_class: type) -> dict[str, Shape]:
    """Pulumi (camelCase) property name -> its shape."""
    return {name: _shape(hint) for name, hint in pulumi_types.input_type_types(args_class).items()}


def shape_of(args_class: type | None, name: str) -> Shape:
    if args_class is None:
        return Shape(VALUE)
    return shapes(args_class).get(name, Shape(VALUE))


def _shape(hint: Any) -> Shape:
    hint = pulumi_types.unwrap_type(hint)
    if pulumi_types.is_input_type(hint):
        return Shape(BLOCK_ONE, hint)
    origin = typing.get_origin(hint)
    if origin in (collections.abc.Mapping, dict):
        return Shape(MAP)
    if origin in (collections.abc.Sequence, list):
        (item,) = typing.get_args(hint) or (Any,)
        item = pulumi_types.unwrap_type(item)
        if pulumi_types.is_input_type(item):
            return Shape(BLOCK_LIST, item)
    return Shape(VALUE)
