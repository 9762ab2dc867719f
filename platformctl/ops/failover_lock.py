"""One `dr failover --execute` at a time per stack, across machines: a lock object in the failover bucket.

Taken with a conditional create (If-None-Match: *), so of two runs exactly one gets it; released with a
conditional delete (If-Match: its ETag), so a run never removes a lock someone broke and re-took. A killed
run leaves its lock: the next run names the holder, and only `--break-lock --confirm <stack>` removes it.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .failover_errors import one_line
from .failover_store import Conflict, SharedStore


class LockHeld(Exception):
    """Another run holds the stack's failover lock: exit 3, naming the holder."""


@dataclass(frozen=True)
class Holder:
    who: str  # user@host
    caller_arn: str  # from STS: who the audit trail (CloudTrail) will show
    reason: str
    failover: dict[str, str]
    pid: int = field(default_factory=os.getpid)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def body(self) -> bytes:
        document = {
            "who": self.who,
            "callerArn": self.caller_arn,
            "pid": self.pid,
            "at": self.at,
            "reason": self.reason,
            "failover": self.failover,
            "runId": self.run_id,
        }
        return (json.dumps(document, indent=2) + "\n").encode()


@dataclass(frozen=True)
class Lock:
    store: SharedStore
    holder: Holder
    etag: str


def operator() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        user = f"uid{os.getuid()}"
    return f"{user}@{socket.gethostname()}"


def describe(body: bytes | None) -> str:
    """Who holds the lock, since when and why, from the lock object's body."""
    try:
        held = json.loads(body or b"")
        since = datetime.fromisoformat(held["at"])
        age = datetime.now(UTC) - since
        return (
            f"{held['who']} (pid {held.get('pid')}, {held.get('callerArn')}) since {held['at']} "
            f"({_rounded(age)} ago), reason: {held.get('reason')!r}, failing over "
            f"{held.get('failover', {}).get('source')} to {held.get('failover', {}).get('target')}"
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"an unknown holder (the lock object is not platformctl's JSON: {(body or b'')[:80]!r})"


def take(store: SharedStore, holder: Holder, break_hint: str) -> Lock:
    """The lock, or LockHeld naming whoever has it."""
    try:
        etag = store.write(store.lock_key, holder.body(), None)
    except Conflict:
        raise LockHeld(_held_message(store, store.read(store.lock_key)[0], break_hint)) from None
    # Reading back costs one GET and catches an S3-compatible store whose conditional create is not atomic.
    body, current = store.read(store.lock_key)
    if current != etag:
        raise LockHeld(_held_message(store, body, break_hint))
    return Lock(store, holder, etag)


def _held_message(store: SharedStore, body: bytes | None, break_hint: str) -> str:
    holder = describe(body) if body else "a run that released it a moment ago (try again)"
    return (
        f"another failover run holds the lock {store.url(store.lock_key)}: {holder}. Wait for it to finish; "
        f"if that run is dead (killed, machine lost), break the lock: {break_hint}"
    )


def release(lock: Lock) -> None:
    """Remove our lock; never someone else's. Problems are reported, not raised: the run's outcome stands."""
    from botocore.exceptions import BotoCoreError, ClientError

    where = lock.store.url(lock.store.lock_key)
    try:
        lock.store.delete(lock.store.lock_key, lock.etag)
    except Conflict:
        print(f"warning: the lock {where} was broken or replaced during this run; left as it is", file=sys.stderr)
    except (BotoCoreError, ClientError) as error:
        print(
            f"warning: could not release the lock {where} ({one_line(error)}); the next run will report it "
            "and --break-lock removes it",
            file=sys.stderr,
        )


def break_lock(store: SharedStore) -> str:
    """Remove whatever lock there is; what was broken, or that there was none."""
    where = store.url(store.lock_key)
    body, etag = store.read(store.lock_key)
    if etag is None:
        return f"no lock at {where}: nothing to break"
    try:
        store.delete(store.lock_key, etag)
    except Conflict:
        return f"the lock at {where} changed while breaking it (another run took or released it): left as it is"
    return f"broke the lock {where}, held by {describe(body)}"


def _rounded(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
