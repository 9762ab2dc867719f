"""The exit statuses of every platformctl command: workflows branch on them, so the numbers never change."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    # Findings (policy, audit, URN guard), a failed drill or program, or a resource the AWS provider would refuse.
    FINDINGS = 1
    # Bad usage or bad configuration: one paragraph on stderr naming what is wrong, never a traceback.
    USAGE = 2
    # `gate` refused the deploy: distinct from a failure, so a pipeline can tell "not now" from "broken".
    REFUSED = 3
    # `bake` could not watch (AWS unreachable, no credentials, denied, throttled past retries; the stack's outputs
    # unreadable): neither healthy nor failing, so a pipeline must read it as neither (no rollback on it).
    NOT_WATCHED = 4
