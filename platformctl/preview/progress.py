"""What a long preview is doing, on stderr (stdout stays the report, or the JSON document with --json).

On a terminal, one live line per stack, rewritten in place and erased at the end; elsewhere (a CI log, a
file), one line per stage, so the log shows where the time went without control characters.
"""

from __future__ import annotations

import shutil
import sys
import threading
from typing import TextIO

_UP_AND_CLEAR = "\x1b[{count}F\x1b[J"  # to the start of the line `count` lines up, then clear to the end


class Progress:
    def __init__(self, stacks: list[str], stream: TextIO | None, live: bool | None = None) -> None:
        self._stream = stream
        self._live = bool(stream is not None and (stream.isatty() if live is None else live))
        self._state = dict.fromkeys(stacks, "waiting")
        self._drawn = 0
        self._lock = threading.Lock()

    @classmethod
    def silent(cls) -> Progress:
        return cls([], None)

    @classmethod
    def on_stderr(cls, stacks: list[str], quiet: bool = False) -> Progress:
        return cls(stacks, None if quiet else sys.stderr)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def stage(self, stack: str, text: str) -> None:
        """`stack` has started `text` (running program, evaluating policies, pricing)."""
        if self._stream is None:
            return
        with self._lock:
            self._state[stack] = text
            if self._live:
                self._redraw()
            else:
                self._stream.write(f"{stack}: {text}\n")
            self._stream.flush()

    def close(self) -> None:
        """Erase the live lines: the results follow on stdout, on the same terminal."""
        if self._stream is None or not self._live:
            return
        with self._lock:
            if self._drawn:
                self._stream.write(_UP_AND_CLEAR.format(count=self._drawn))
                self._stream.flush()
            self._drawn = 0

    def _redraw(self) -> None:
        assert self._stream is not None
        width = shutil.get_terminal_size().columns - 1  # a wrapped line would throw the cursor arithmetic off
        lines = [f"{stack}: {state}"[:width] + "\n" for stack, state in self._state.items()]
        self._stream.write((_UP_AND_CLEAR.format(count=self._drawn) if self._drawn else "") + "".join(lines))
        self._drawn = len(self._state)
