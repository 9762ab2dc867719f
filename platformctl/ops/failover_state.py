"""A failover's progress: tied to the failover it records, kept in the failover bucket, cached in a local file.

The identity (stack, source instance, replica or restore target, DR region) comes from the stack outputs, so it
is known before any AWS call, and a state recorded for another failover is refused rather than resumed: its
"promote: done" must never make this failover skip its promote. The shared copy is the truth (another operator
resumes from it); the local `--state` file is a cache for reading, written after the shared one.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from platform_core.errors import UsageError

from .failover_store import SharedStore

RESTORE_SUFFIX = "-dr-restore"
_RDS_ARN = re.compile(r"^arn:(?P<partition>[\w-]+):rds:(?P<region>[\w-]+):(?P<account>\d{12}):db:(?P<name>[\w-]+)$")


class Superseded(Exception):
    """The shared state changed under this run (its lock was broken and another run went on): exit 3."""


@dataclass(frozen=True)
class Identity:
    stack: str
    source: str  # ARN of the primary instance
    target: str  # ARN of the DR replica, or of the instance restored from a snapshot when there is no replica
    target_kind: str  # "replica" or "restore"
    region: str  # the DR region

    @classmethod
    def from_outputs(cls, stack: str, outputs: dict[str, Any], outputs_path: Path) -> Identity:
        source = str(outputs["databaseArn"])
        arn = _RDS_ARN.match(source)
        if arn is None:
            raise UsageError(
                f"--outputs {outputs_path}: databaseArn {source!r} is not an RDS instance ARN "
                "(arn:<partition>:rds:<region>:<account>:db:<identifier>)"
            )
        region = str(outputs["drRegion"])
        replica = outputs.get("databaseReplicaIdentifier")
        name = replica or f"{outputs['databaseIdentifier']}{RESTORE_SUFFIX}"
        target = f"arn:{arn['partition']}:rds:{region}:{arn['account']}:db:{name}"
        return cls(stack, source, target, "replica" if replica else "restore", region)

    @property
    def account(self) -> str:
        """The AWS account, from the source ARN (checked in from_outputs): it names the failover bucket."""
        return self.source.split(":")[4]

    def as_dict(self) -> dict[str, str]:
        fields = asdict(self)
        return {"targetKind" if name == "target_kind" else name: value for name, value in fields.items()}


def describe(identity: dict[str, Any] | None) -> str:
    if not identity:
        return "an unknown failover (no identity recorded: written by an older platformctl)"
    return (
        f"stack {identity.get('stack')}: {identity.get('source')} -> {identity.get('target')} "
        f"({identity.get('targetKind')}) in {identity.get('region')}"
    )


def check_state_path(path: Path) -> None:
    """UsageError unless the local cache can be written: checked before anything changes."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--state {path}: is a directory; name a file (default ./dr-failover-<stack>.json)")
    if not directory.is_dir():
        raise UsageError(f"--state {path}: directory {directory} does not exist; create it or name another file")
    try:  # the real test, for root and read-only mounts alike; O_TMPFILE leaves no name behind
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise UsageError(f"--state {path}: directory {directory} is not writable ({error.strerror})") from None
    if path.exists() and not _writable(path):
        raise UsageError(f"--state {path}: the file is not writable")


def _writable(path: Path) -> bool:
    try:
        with path.open("a", encoding="utf-8"):
            return True
    except OSError:
        return False


def parse(body: bytes | str, where: str) -> dict[str, Any]:
    try:
        state = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{where}: not a failover state ({error}); move it away to start over") from None
    if not isinstance(state, dict):
        raise UsageError(f"{where}: not a failover state (a JSON {type(state).__name__}); move it away")
    return state


def load_local(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return parse(path.read_text(encoding="utf-8"), f"--state {path}")
    except OSError as error:
        raise UsageError(f"--state {path}: unreadable ({error.strerror}); move it away to start over") from None


def accept(state: dict[str, Any] | None, identity: Identity, where: str, remedy: str) -> dict[str, Any]:
    """The state to resume: {} for none or a completed failover; UsageError for another failover's."""
    if not state:
        return {}
    if state.get("completedAt"):  # a finished failover's progress must not make a later one skip its promotion
        print(f"state {where}: the failover recorded there completed at {state['completedAt']}; starting afresh")
        return {}
    if state.get("failover") != identity.as_dict():
        raise UsageError(
            f"{where} records another failover, still unfinished: {describe(state.get('failover'))}; this run is "
            f"{describe(identity.as_dict())}. Resuming it would skip steps this failover has not done. Finish that "
            f"failover with its own outputs, or if it is abandoned, {remedy}"
        )
    return state


def fresh(identity: Identity) -> dict[str, Any]:
    return {"stack": identity.stack, "failover": identity.as_dict(), "startedAt": datetime.now(UTC).isoformat()}


class Book:
    """Writes the state: to the bucket (only over the version this run last saw), then to the local cache."""

    def __init__(self, store: SharedStore, etag: str | None, local: Path) -> None:
        self.store, self.etag, self.local = store, etag, local

    def save(self, state: dict[str, Any]) -> None:
        from .failover_store import Conflict

        state["updatedAt"] = datetime.now(UTC).isoformat()
        text = json.dumps(state, indent=2) + "\n"
        try:
            self.etag = self.store.write(self.store.state_key, text.encode(), self.etag)
        except Conflict:
            raise Superseded(
                f"the shared state {self.store.url(self.store.state_key)} changed under this run: its lock was "
                "broken and another run has gone on; stopping without touching anything else"
            ) from None
        try:
            self.local.write_text(text, encoding="utf-8")
        except OSError as error:  # only a cache: the shared copy is written
            print(f"warning: --state {self.local}: not updated ({error.strerror})", file=sys.stderr)
