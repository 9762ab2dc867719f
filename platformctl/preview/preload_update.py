"""Regenerates `preload.LIBRARY_MODULES` from a preview of every stack: `python -m platformctl.preview.preload_update`
(from the project directory). Apart from preload.py, which the engine imports, because this imports the engine."""

from __future__ import annotations

import os
from pathlib import Path

from ..project import load_project
from . import preload
from .engine import preview_stacks


def _format(modules: list[str]) -> str:
    by_package: dict[str, list[str]] = {}
    for name in sorted(modules):
        if name.count(".") == 0 or name in by_package:
            by_package.setdefault(name, []).append(".")
            continue
        package, _, last = name.rpartition(".")
        by_package.setdefault(package, []).append(last)
    lines = []
    for package, children in sorted(by_package.items()):
        line = f"{package}:"
        for child in children:
            if len(line) + len(child) + 1 > 116:
                lines.append(line)
                line = f"{package}:"
            line += f" {child}"
        lines.append(line)
    return "\n".join(lines)


def _write() -> None:
    # The reference path: a worker per stack imports only what its program loads, nothing preloaded.
    os.environ["PLATFORMCTL_PREVIEW_REFERENCE"] = "1"
    previews = preview_stacks(load_project(Path.cwd()), list(preload.STACKS))
    failed = [preview.stack for preview in previews if not preview.ran]
    if failed:
        raise SystemExit(f"the preview of {', '.join(failed)} failed: nothing written")
    modules = sorted({name for preview in previews for name in preview.library_modules})
    path = Path(preload.__file__)
    text = path.read_text()
    block = f'_LISTED = """\n{_format(modules)}\n"""\n'
    start = text.index("\n", text.index(preload.BEGIN) + 1) + 1
    path.write_text(text[:start] + block + text[text.index(preload.END) + 1 :])
    print(f"{path}: {len(modules)} modules")


if __name__ == "__main__":
    _write()
