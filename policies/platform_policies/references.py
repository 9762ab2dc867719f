"""Whether input `key` of resource A points at resource B: the one cross-resource matcher of the pack.

Under the Pulumi CLI a value that comes from another resource's output always carries that resource in
the property's dependencies, in a preview as in an update, while the value itself may still be unknown.
So dependencies decide whenever the property has any, and the value is then never read: reading an
unknown value makes CrossGuard skip the whole check. A property without dependencies holds a value
written in the program, compared with what B's inputs say it is called: its physical name, or an ARN
or path ending in it. (B's inputs carry its auto-generated name too: the engine analyses checked inputs.)
"""

from __future__ import annotations

from collections.abc import Callable

from .framework import Resource
from .values import as_list

# The inputs that hold a resource's physical name, by service.
NAME_KEYS = ("name", "bucket", "identifier", "nodeGroupName", "clusterName")

LiteralMatch = Callable[[str, Resource], bool]


def physical_names(target: Resource) -> set[str]:
    return {str(target.props[key]) for key in NAME_KEYS if target.props.get(key)}


def names(value: str, target: Resource) -> bool:
    """`value` is `target`'s physical name, or an ARN (`…:name`) or path (`…/name`) ending in it."""
    found = physical_names(target)
    return value in found or any(value.endswith((":" + name, "/" + name)) for name in found)


def refers_to(source: Resource, key: str, target: Resource, literal: LiteralMatch = names) -> bool:
    """Whether input `key` of `source` points at `target`; `literal` judges values written in the program."""
    dependencies = source.property_dependencies.get(key)
    if dependencies:
        return target.urn in dependencies
    return any(isinstance(value, str) and value and literal(value, target) for value in as_list(source.get(key)))
