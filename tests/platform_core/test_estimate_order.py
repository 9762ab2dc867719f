"""A stack's totals do not depend on the order its resources were registered in (issue 15: a float `sum` in
registration order once made staging's total differ by a cent between two previews of the same program)."""

from __future__ import annotations

import itertools
import random

from platform_core.cost.estimate import CostLine, StackEstimate

from .estimate_cases import node_group, record, total

# Line amounts whose left-to-right float sum rounds to 838.73 in some orders and 838.74 in others.
AMOUNTS = [191.423, 1.142, 156.731, 164.097, 177.236, 148.101, 0.005]


def _estimate(amounts: tuple[float, ...]) -> StackEstimate:
    lines = [CostLine(f"urn:{a}", "t", f"r{a}", "c", "item", a, a, a) for a in amounts]
    return StackEstimate("t", lines=lines)


def test_the_amounts_would_round_differently_summed_in_order():
    # Guards the test below: a float `sum` of these lines depends on their order, to the cent.
    assert len({round(sum(order), 2) for order in itertools.permutations(AMOUNTS)}) > 1


def test_every_order_of_the_lines_gives_the_identical_totals():
    totals = {(e.low, e.high, e.on_demand_24x7) for e in map(_estimate, itertools.permutations(AMOUNTS))}
    assert totals == {(838.74, 838.74, 838.74)}, f"the totals depend on the lines' order: {sorted(totals)}"


RESOURCES = [
    *(node_group(f"nodes-{n}", 1 + n % 3, [["t3.large", "m5.large", "t3.medium"][n % 3]]) for n in range(12)),
    *(record("aws:ec2/natGateway:NatGateway", f"nat-{n}", {}) for n in range(5)),
    *(record("aws:kms/key:Key", f"key-{n}", {}) for n in range(40)),
    *(record("aws:cloudwatch/metricAlarm:MetricAlarm", f"alarm-{n}", {}) for n in range(60)),
    *(record("aws:s3/bucket:Bucket", f"bucket-{n}-data", {}) for n in range(7)),
]


def test_shuffling_the_resources_gives_the_identical_estimate():
    expected = total(RESOURCES)
    for seed in range(8):
        shuffled = RESOURCES[:]
        random.Random(seed).shuffle(shuffled)
        estimate = total(shuffled)
        assert (estimate.low, estimate.high, estimate.on_demand_24x7) == (
            expected.low,
            expected.high,
            expected.on_demand_24x7,
        ), f"seed {seed}: the totals depend on the resources' order"
        assert sorted(estimate.lines, key=repr) == sorted(expected.lines, key=repr)
