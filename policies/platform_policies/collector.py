"""The pack process's cyclic garbage collector, set for serving one preview.

The pack process lives for one `pulumi preview`/`up` (or one `platformctl preview` stack) and creates many
short-lived objects per request (converted properties, proxies, findings). With Python's default thresholds the
collector ran a full pass over everything imported (pulumi-policy, protobuf, gRPC, the rules) again and again:
at 8x prod's resources the pack took 1.3-1.4x as long as with the settings below, at 1x 1.2x (paired runs, 2
cores), for the same peak memory (93 MiB at 8x: the requests leave almost no cyclic garbage). The collector still
runs, only less often, over what was not imported.
"""

from __future__ import annotations

import gc

from .conversion_cache import reference_path

# Allocations before a young-generation pass (Python's default 700); the older generations keep their defaults.
YOUNG_THRESHOLD = 50_000


def quiet() -> None:
    """Freeze what the pack imported out of the collector's reach and make its passes rarer; not on the reference
    path (PLATFORMCTL_PREVIEW_REFERENCE), which runs the pack as the SDK would."""
    if reference_path():
        return
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
