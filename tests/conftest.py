"""Shared fixtures: the program's three stacks, previewed once per session under the mocks.

Every stack runs through the same path as `platformctl preview`: a worker process executes
`__main__.py` against the SDK's mock monitor with `platformctl.preview.mocks.PlatformMocks`, the one
mocks class of this project (it returns camelCase outputs with realistic IDs and ARNs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from platformctl.preview.engine import StackPreview, preview_stacks
from platformctl.project import load_project

REPO = Path(__file__).resolve().parent.parent
TIERS = ("dev", "staging", "prod")


@dataclass
class Stack:
    """Registered resources of one previewed stack, with look-ups that name URNs in failures."""

    preview: StackPreview

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.preview.resources

    @property
    def outputs(self) -> dict[str, Any]:
        return self.preview.outputs

    def of_type(self, token: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == token]

    def one(self, token: str) -> dict[str, Any]:
        found = self.of_type(token)
        assert len(found) == 1, f"expected one {token} in {self.preview.stack}, found {[r['urn'] for r in found]}"
        return found[0]

    def database(self) -> dict[str, Any]:
        """The primary RDS instance (prod also has a read replica in the DR region)."""
        primaries = [r for r in self.of_type("aws:rds/instance:Instance") if "replicateSourceDb" not in r["inputs"]]
        assert len(primaries) == 1, f"expected one primary database, found {[r['urn'] for r in primaries]}"
        return primaries[0]

    def by_urn(self, urn: str) -> dict[str, Any]:
        return next(r for r in self.resources if r["urn"] == urn)

    def provider_region(self, resource: dict[str, Any]) -> str:
        """The region a resource lands in: its own `region` input, else its provider's."""
        if resource["inputs"].get("region"):
            return resource["inputs"]["region"]
        provider_urn = resource["provider"].rsplit("::", 1)[0]
        return self.by_urn(provider_urn)["inputs"]["region"]


@pytest.fixture(scope="session")
def project():
    return load_project(REPO)


@pytest.fixture(scope="session")
def stacks(project) -> dict[str, Stack]:
    previews = preview_stacks(project, list(TIERS))
    failed = {p.stack: p.message for p in previews if not p.ok}
    assert not failed, f"previews failed: {failed}"
    return {p.stack: Stack(p) for p in previews}


@pytest.fixture(params=TIERS)
def tier_stack(request, stacks) -> tuple[str, Stack]:
    return request.param, stacks[request.param]
