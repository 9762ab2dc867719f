"""Two previews of the same program print the same thing, whatever order the SDK registered resources in."""

from __future__ import annotations

import json
import random
import re

import pytest

from platformctl.preview import ordering
from platformctl.preview.ordering import stable_order
from platformctl.preview.resource_monitor import ResourceRecord
from tests.platformctl.cli_runs import platformctl

STACK = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev"
PROVIDER = "urn:pulumi:dev::p::pulumi:providers:aws::aws"


def record(name: str, parent: str = STACK, dependencies: tuple[str, ...] = (), inputs=None, **more) -> ResourceRecord:
    return ResourceRecord(
        urn=f"urn:pulumi:dev::p::aws:x:X::{name}",
        type="aws:x:X",
        name=name,
        parent=parent,
        custom=True,
        inputs=inputs or {},
        provider=f"{PROVIDER}::id",
        dependencies=list(dependencies),
        **more,
    )


def urn(name: str) -> str:
    return f"urn:pulumi:dev::p::aws:x:X::{name}"


RECORDS = [
    ResourceRecord(urn=STACK, type="pulumi:pulumi:Stack", name="p-dev", parent="", custom=False, inputs={}),
    ResourceRecord(urn=PROVIDER, type="pulumi:providers:aws", name="aws", parent=STACK, custom=True, inputs={}),
    record("z-vpc"),
    record("a-subnet", dependencies=(urn("z-vpc"),)),
    record("m-route", property_dependencies={"subnetId": [urn("a-subnet")]}),
    record("b-child", parent=urn("z-vpc")),
    record("c-alone"),
]


def test_any_registration_order_gives_one_order_that_keeps_what_registration_keeps():
    expected = stable_order(RECORDS)
    for seed in range(20):
        shuffled = RECORDS[:]
        random.Random(seed).shuffle(shuffled)
        assert [r.urn for r in stable_order(shuffled)] == [r.urn for r in expected]
    names = [r.name for r in expected]
    assert names[:2] == ["p-dev", "aws"], "the stack, then the provider everything else names"
    assert names.index("z-vpc") < names.index("a-subnet") < names.index("m-route"), "dependencies first"
    assert names.index("z-vpc") < names.index("b-child"), "a parent before its children"
    assert names.index("c-alone") < names.index("z-vpc"), "ties broken by URN"


def test_a_urn_registered_twice_keeps_both_records_in_a_fixed_order():
    twice = [*RECORDS, record("c-alone", inputs={"size": 2})]
    orders = {
        tuple(json.dumps(r.inputs) for r in stable_order(random.Random(s).sample(twice, len(twice)))) for s in range(10)
    }
    assert len(orders) == 1 and len(next(iter(orders))) == len(twice)


TIMINGS = re.compile(r" +\d+\.\d\ds\b")  # the summary's wall time per stack: the one part allowed to differ


@pytest.fixture(scope="module")
def two_runs():
    """Every stack previewed twice, as JSON and as text, under different hash seeds (set iteration order)."""
    return [
        (
            platformctl("preview", "--stack", "all", "--json", "--quiet", env={"PYTHONHASHSEED": str(seed)}),
            platformctl("preview", "--stack", "all", "--quiet", env={"PYTHONHASHSEED": str(seed)}),
        )
        for seed in (1, 2)
    ]


def test_two_previews_of_every_stack_give_identical_json(two_runs):
    (first, _), (second, _) = two_runs
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    documents = [json.loads(run.stdout)["stacks"] for run in (first, second)]
    assert set(documents[0]) == {"dev", "staging", "prod"}
    for stack in documents[0]:
        for part in ("steps", "diagnostics", "changeSummary", "cost"):
            assert documents[0][stack][part] == documents[1][stack][part], f"{stack}: {part} differs"
    assert first.stdout == second.stdout


def test_two_previews_of_every_stack_give_identical_text_apart_from_timings(two_runs):
    (_, first), (_, second) = two_runs
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert TIMINGS.search(first.stdout), "the summary shows timings"
    assert TIMINGS.sub(" 0.00s", first.stdout) == TIMINGS.sub(" 0.00s", second.stdout)


def test_only_records_sharing_a_urn_have_their_inputs_serialised(monkeypatch):
    # The inputs only break ties between records of one URN; serialising every record's is work for nothing.
    serialised: list[str] = []
    original = ordering._inputs_text
    monkeypatch.setattr(ordering, "_inputs_text", lambda r: serialised.append(r.urn) or original(r))
    stable_order([*RECORDS, record("c-alone", inputs={"size": 2})])
    assert serialised == [urn("c-alone"), urn("c-alone")]
