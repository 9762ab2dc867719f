"""The registered resources of every stack, byte for byte, against a snapshot taken before the code moved.

Reorganising modules must not change what a stack registers: type tokens, names, parents, providers,
options and inputs all feed the URNs and the diffs `pulumi preview` shows. Mock IDs differ between runs,
so references are kept by URN only. Refresh after an intended change:

    python -m tests.test_registered_inputs
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
_OPTIONS = ("type", "parent", "custom", "protect", "aliases", "deleteBeforeReplace", "ignoreChanges")


def registered(preview: Any) -> dict[str, Any]:
    """What a stack registered, without the mock monitor's per-run IDs."""
    resources = {}
    for resource in preview.resources:
        entry = {key: resource[key] for key in _OPTIONS}
        entry["provider"] = resource["provider"].rsplit("::", 1)[0] if resource["provider"] else ""
        entry["dependencies"] = sorted(resource["dependencies"])
        entry["inputs"] = resource["inputs"]
        resources[resource["urn"]] = entry
    return {"resources": dict(sorted(resources.items())), "outputs": sorted(preview.outputs)}


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_stack_registers_what_it_registered_before(stacks, stack):
    expected = json.loads((SNAPSHOTS / f"registered-{stack}.json").read_text())
    actual = json.loads(_text(registered(stacks[stack].preview)))
    missing = sorted(set(expected["resources"]) - set(actual["resources"]))
    added = sorted(set(actual["resources"]) - set(expected["resources"]))
    assert not missing and not added, f"{stack}: URNs gone {missing}, URNs new {added}"
    for urn, entry in expected["resources"].items():
        assert actual["resources"][urn] == entry, f"{urn}: registered differently than in the snapshot"
    assert actual["outputs"] == expected["outputs"], f"{stack}: stack outputs changed"


def _write_snapshots() -> None:
    from platformctl.preview.engine import preview_stacks
    from platformctl.project import load_project

    for preview in preview_stacks(load_project(SNAPSHOTS.parent.parent), ["dev", "staging", "prod"]):
        if not preview.ok:
            sys.exit(f"{preview.stack}: {preview.message}")
        (SNAPSHOTS / f"registered-{preview.stack}.json").write_text(_text(registered(preview)))


if __name__ == "__main__":
    _write_snapshots()
