"""The prod stack's AWS resources, copied k times under unique names and URNs, for the pack and Checkov alike.

Copy 0 is the stack as previewed; copy i renames every AWS resource `<name>-copy<i>` (its URN likewise) and
points its parent, dependencies and property dependencies at the copies of the same set. Physical values
(ids, bucket names, ARNs) stay as they are: the exporter turns a value into a reference only when it equals
an output of a resource the input depends on, and those dependencies now name the resources of the same
copy, so each copy's references resolve inside that copy. The AWS providers (and the root stack) are
shared, not copied: they are configuration for both tools, not resources either tool checks.
"""

from __future__ import annotations

import copy
from typing import Any

from platformctl.export.terraform_plan import is_exported

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
AWS_PROVIDER_TYPE = "pulumi:providers:aws"


def replicated(resources: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    """The shared records, then `copies` copies of every exported (AWS) resource."""
    shared = [r for r in resources if r["type"] in (ROOT_STACK_TYPE, AWS_PROVIDER_TYPE)]
    aws = [r for r in resources if is_exported(r)]
    return shared + [_renamed(record, index, {r["urn"] for r in aws}) for index in range(copies) for record in aws]


def _renamed(record: dict[str, Any], index: int, copied: set[str]) -> dict[str, Any]:
    suffix = f"-copy{index}" if index else ""

    def urn(value: str) -> str:
        return value + suffix if value in copied else value

    out = copy.deepcopy(record)
    out["name"] = record["name"] + suffix
    out["urn"] = urn(record["urn"])
    out["parent"] = urn(record["parent"]) if record.get("parent") else record.get("parent", "")
    out["dependencies"] = [urn(u) for u in record.get("dependencies") or []]
    out["propertyDependencies"] = {
        key: [urn(u) for u in urns] for key, urns in (record.get("propertyDependencies") or {}).items()
    }
    return out
