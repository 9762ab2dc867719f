"""A preview's resources in an order that is the same on every run.

The SDK registers resources as their inputs resolve, and it awaits dependencies held in sets, so the
registration order changes with the interpreter's hash seed. The order kept here honours what every
registration order honours (a parent, a provider and every dependency come before the resources that name
them) and breaks ties by URN, so two previews of the same program print the same steps, tree and findings.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict

from .resource_monitor import ResourceRecord, plain


def stable_order(records: list[ResourceRecord]) -> list[ResourceRecord]:
    """`records` sorted topologically, ties broken by URN, then by inputs (a program may register one URN
    twice; the offline checks report it)."""
    by_urn: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_urn[record.urn].append(index)
    # Inputs only tell apart records of one URN, which almost never happens: serialising every record's took
    # 8 ms of prod's worker, against 3 ms for the whole ordering without it.
    keys = [(r.urn, _inputs_text(r) if len(by_urn[r.urn]) > 1 else "") for r in records]
    waiting_on = [0] * len(records)
    dependents: dict[int, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for urn in _predecessors(record):
            for before in by_urn.get(urn, []):
                if before != index:
                    dependents[before].append(index)
                    waiting_on[index] += 1
    ready = [(keys[i], i) for i in range(len(records)) if not waiting_on[i]]
    heapq.heapify(ready)
    ordered: list[int] = []
    while ready:
        _, index = heapq.heappop(ready)
        ordered.append(index)
        for after in dependents[index]:
            waiting_on[after] -= 1
            if not waiting_on[after]:
                heapq.heappush(ready, (keys[after], after))
    # Records caught in a cycle (only a duplicated URN can make one) keep a fixed order at the end.
    placed = set(ordered)
    ordered += sorted((i for i in range(len(records)) if i not in placed), key=lambda i: keys[i])
    return [records[i] for i in ordered]


def _inputs_text(record: ResourceRecord) -> str:
    return json.dumps(plain(record.inputs), sort_keys=True, default=str)


def _predecessors(record: ResourceRecord) -> set[str]:
    urns = {record.parent, record.provider.rsplit("::", 1)[0]}
    urns.update(record.dependencies)
    for linked in record.property_dependencies.values():
        urns.update(linked)
    urns.discard("")
    return urns
