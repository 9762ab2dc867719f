"""Pack processes started ahead of the previews: used by the evaluation, and none outlives the command."""

from __future__ import annotations

from pathlib import Path

import pytest

from platformctl.policy.check import started_packs
from platformctl.policy.runner import evaluate, start_pack
from platformctl.project import load_project
from tests.platformctl.cli_runs import alive, tiny_project
from tests.policies.test_pack_main import QUEUE

PACK = Path(__file__).resolve().parents[3] / "policies"


def _key(finding) -> tuple[str, str, str]:
    return finding.policy, finding.urn, finding.message


def test_a_started_pack_gives_the_findings_a_pack_started_on_demand_gives():
    started = start_pack(PACK, {})
    with_started = evaluate(PACK, None, [QUEUE], "exempt", "dev", {}, started)
    assert started.returncode is not None, "the evaluation stops the process it was handed"
    on_demand = evaluate(PACK, None, [QUEUE], "exempt", "dev", {})
    assert sorted(map(_key, with_started)) == sorted(map(_key, on_demand))
    assert on_demand, "the queue has findings (no encryption, no tags): the comparison is not vacuous"


def test_every_started_pack_is_stopped_on_the_way_out_even_when_interrupted(tmp_path):
    project = load_project(tiny_project(tmp_path / "tiny"))
    with pytest.raises(KeyboardInterrupt), started_packs(project, ["test"], [PACK]) as started:
        (process,) = started.values()
        assert alive(process.pid), "started before any preview runs"
        raise KeyboardInterrupt
    assert process.returncode is not None and not alive(process.pid), "a pack process outlived the command"
