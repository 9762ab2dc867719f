"""The network components' runs, shared by test_network.py and test_edge.py: one run per tier for the package."""

from __future__ import annotations

import pytest

from tests.components.configs import TIERS
from tests.components.network.runs import Run, run_components


@pytest.fixture(scope="package")
def runs() -> dict[str, Run]:
    results = {tier: run_components(tier) for tier in TIERS}
    failed = {tier: repr(run.error) for tier, run in results.items() if run.error}
    assert not failed, f"the edge and network components failed: {failed}"
    return results


@pytest.fixture(params=TIERS)
def run(request, runs) -> Run:
    return runs[request.param]
