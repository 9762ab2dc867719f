"""Run one measurement in a fresh child process: its wall time and the peak RSS of the processes it starts.

`getrusage(RUSAGE_CHILDREN).ru_maxrss` is the largest resident set of any waited-for descendant, and a new
process starts with none: in a spawned child it is exactly the peak of the worker, pack or Checkov that this
one measurement started, not of anything the bench ran before. Spawned, not forked: the bench process holds
gRPC channels and threads that a fork would copy in an undefined state.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Measured(Generic[T]):
    value: T
    seconds: float
    peak_rss_kib: int  # of the largest process the measurement started (Linux reports KiB)
    cpu_seconds: float  # user + system time of the processes it started: less sensitive to a loaded machine


def in_child(function: Callable[..., T], *args: Any) -> Measured[T]:
    """`function(*args)` in a new spawned process; `function` must be importable (module level)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measure, function, *args).result()


def _measure(function: Callable[..., T], *args: Any) -> Measured[T]:
    started = time.perf_counter()
    value = function(*args)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Measured(value, seconds, children.ru_maxrss, children.ru_utime + children.ru_stime)
