"""The bake after a deploy: watch the stack's critical alarms for the tier's bake time.

A deploy is called healthy only when none of the alarms was in ALARM when the watch began and none went
into ALARM during it. The first alarm to fire ends the watch at once: the rollback should not wait for the
rest of the bake time. An alarm already firing when the watch begins is reported apart ("already firing"):
it says nothing either way about this deploy, but it rules out calling it healthy.

The clock, the sleep and the AWS call are passed in, so the tests run a 20-minute bake in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from platform_core.errors import UsageError
from platform_core.tiers import facts_for

from ..ops.aws_errors import one_line

# DescribeAlarms takes at most 100 AlarmNames per call (botocore's model of the CloudWatch API: AlarmNames max 100,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
MAX_NAMES_PER_CALL = 100
# Without AlarmTypes, DescribeAlarms returns metric alarms only: a critical composite alarm would look missing.
ALARM_TYPES = ["MetricAlarm", "CompositeAlarm"]
ALARM = "ALARM"
DEFAULT_POLL_SECONDS = 30.0

HEALTHY, FIRED, ALREADY_FIRING, NOTHING_TO_WATCH = "healthy", "alarm", "already-firing", "nothing-to-watch"


class CouldNotWatch(Exception):
    """AWS (or the stack's outputs) could not be read: the deploy is neither healthy nor failing."""


@dataclass(frozen=True)
class AlarmState:
    name: str
    state: str
    reason: str
    updated: str  # ISO 8601, when the alarm entered its state

    def describe(self) -> str:
        return f"{self.name} went to {self.state} at {self.updated}: {self.reason}"


@dataclass
class Bake:
    alarms: list[str]
    minutes: float
    status: str = HEALTHY
    firing: list[AlarmState] = field(default_factory=list)
    elapsed_seconds: float = 0.0
    polls: int = 0

    @property
    def healthy(self) -> bool:
        return self.status in (HEALTHY, NOTHING_TO_WATCH)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "minutes": self.minutes,
            "alarms": self.alarms,
            "firing": [asdict(alarm) for alarm in self.firing],
            "elapsedSeconds": round(self.elapsed_seconds, 1),
            "polls": self.polls,
        }


Describe = Callable[[Sequence[str]], dict[str, AlarmState]]


def default_minutes(tier: str) -> int:
    """The tier's bake time, written once in platform_core.tiers."""
    return facts_for(tier).bake_minutes


def watch(
    alarms: Sequence[str],
    minutes: float,
    poll_seconds: float,
    describe: Describe,
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    progress: Callable[[str], None],
    since: datetime | None = None,
) -> Bake:
    """Poll `alarms` every `poll_seconds` for `minutes`; the result says healthy, fired or already firing.

    `since` is when the deploy started: an alarm found in ALARM at the start that entered it since then was set
    off during the deploy (status "alarm"); one firing from before is "already firing".
    """
    bake = Bake(alarms=sorted(set(alarms)), minutes=minutes)
    if minutes == 0 or not bake.alarms:
        bake.status = NOTHING_TO_WATCH
        return bake
    start = clock()
    deadline = start + minutes * 60
    firing = _poll(bake, describe, start, clock, progress)
    if firing:
        during_deploy = since is not None and all(_entered_since(alarm, since) for alarm in firing)
        return _fired(bake, FIRED if during_deploy else ALREADY_FIRING, firing)
    while (remaining := deadline - clock()) > 0:
        sleep(min(poll_seconds, remaining))
        firing = _poll(bake, describe, start, clock, progress)
        if firing:
            return _fired(bake, FIRED, firing)
    bake.elapsed_seconds = clock() - start
    return bake


def _poll(
    bake: Bake, describe: Describe, start: float, clock: Callable[[], float], progress: Callable[[str], None]
) -> list[AlarmState]:
    states = describe(bake.alarms)
    unknown = [name for name in bake.alarms if name not in states]
    if unknown:
        raise UsageError(
            f"no CloudWatch alarm named {', '.join(unknown)} in this region: check --alarms, --region or the "
            "stack output criticalAlarmNames"
        )
    bake.polls += 1
    bake.elapsed_seconds = clock() - start
    summary = ", ".join(f"{name} {states[name].state}" for name in bake.alarms)
    progress(f"bake: {_minutes(bake.elapsed_seconds)} of {bake.minutes:g} min: {summary}")
    return [states[name] for name in bake.alarms if states[name].state == ALARM]


def _fired(bake: Bake, status: str, firing: list[AlarmState]) -> Bake:
    bake.status, bake.firing = status, firing
    return bake


def _entered_since(alarm: AlarmState, since: datetime) -> bool:
    return bool(alarm.updated) and datetime.fromisoformat(alarm.updated) >= since


def _minutes(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}m{whole % 60:02d}s"


def cloudwatch_describe(client: Any) -> Describe:
    """DescribeAlarms by name, in batches; every AWS or connection error becomes CouldNotWatch."""
    from botocore.exceptions import BotoCoreError, ClientError

    def describe(names: Sequence[str]) -> dict[str, AlarmState]:
        try:
            return {state.name: state for batch in _batches(names) for state in _describe_batch(client, batch)}
        except (BotoCoreError, ClientError) as error:
            raise CouldNotWatch(one_line(error)) from None

    return describe


def _batches(names: Sequence[str]) -> Iterator[list[str]]:
    for first in range(0, len(names), MAX_NAMES_PER_CALL):
        yield list(names[first : first + MAX_NAMES_PER_CALL])


def _describe_batch(client: Any, names: list[str]) -> Iterator[AlarmState]:
    pages = client.get_paginator("describe_alarms").paginate(AlarmNames=names, AlarmTypes=ALARM_TYPES)
    for page in pages:
        for alarm in [*page.get("MetricAlarms", []), *page.get("CompositeAlarms", [])]:
            updated = alarm.get("StateUpdatedTimestamp")
            yield AlarmState(
                name=alarm["AlarmName"],
                state=alarm.get("StateValue", ""),
                reason=" ".join(str(alarm.get("StateReason", "")).split()),
                updated=updated.isoformat() if isinstance(updated, datetime) else str(updated or ""),
            )


def verdict(bake: Bake, stack: str) -> str:
    """The one line a deploy job shows as the outcome."""
    if bake.status == NOTHING_TO_WATCH:
        why = "bake time 0 (not watched)" if bake.minutes == 0 else "no critical alarms"
        return f"bake of {stack}: nothing to watch ({why}); not called healthy by any alarm"
    if bake.status == HEALTHY:
        return (
            f"bake of {stack}: healthy, {len(bake.alarms)} critical alarm(s) stayed out of ALARM for "
            f"{bake.minutes:g} min"
        )
    fired = "; ".join(alarm.describe() for alarm in bake.firing)
    if bake.status == ALREADY_FIRING:
        return f"bake of {stack}: already firing before the bake: cannot tell this deploy is healthy: {fired}"
    return f"bake of {stack}: ALARM after {_minutes(bake.elapsed_seconds)}: {fired}"
