"""PLATFORMCTL_PREVIEW_REFERENCE: the plain path issue 15's speed-ups are compared with, not a user option.

Set to any value but "" or "0", the engine spawns a new interpreter per stack, the worker keeps Python's collector
on, calls the SDK as it is and exits normally, and the pack converts properties per policy. tests/
test_preview_identity.py compares that path's `--json` output with the default one. The pack reads the same rule
itself (policies/platform_policies/conversion_cache.py): it runs in its own virtualenv, without platformctl.
"""

from __future__ import annotations

import os

VARIABLE = "PLATFORMCTL_PREVIEW_REFERENCE"


def reference() -> bool:
    return os.environ.get(VARIABLE, "") not in ("", "0")
