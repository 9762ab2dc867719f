"""Runs one Pulumi Python program for one stack under the SDK's mock monitor.

Started as `python -m platformctl.preview.worker PROGRAM_DIR RESULT_FILE ENVIRONMENT_FILE`: the last is a JSON
object of the variables the Pulumi CLI would give the program (PULUMI_CONFIG among them), set here rather than
handed over by exec, where one value over 128 KiB fails with E2BIG. It executes the program the way the CLI's
Python language host does (`run_in_stack` around `runpy.run_path`), then writes every registration as JSON. One
process per stack: a program's module-level state never leaks into the next stack.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import logging
import os
import runpy
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from . import preload, sdk_shortcuts
from .mocks import PlatformMocks
from .offline_checks import check_records
from .ordering import stable_order
from .reference import reference
from .resource_monitor import RecordingMonitor, plain


class _DiagnosticsHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.entries: list[dict[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.INFO:
            self.entries.append({"severity": record.levelname.lower(), "message": record.getMessage()})

    def sorted_entries(self) -> list[dict[str, str]]:
        # Callbacks log in the order outputs resolve, which changes from run to run: sort, most severe first.
        rank = {"critical": 0, "error": 1, "warning": 2, "info": 3}
        return sorted(self.entries, key=lambda e: (rank.get(e["severity"], 4), e["message"]))


def run(program_dir: Path) -> dict[str, Any]:
    handler = _DiagnosticsHandler()
    logger = logging.getLogger("platformctl.program")
    logger.propagate = False
    logger.addHandler(handler)
    for key, value in pulumi.runtime.get_config_env().items():
        pulumi.runtime.set_config(key, value)
    region = pulumi.runtime.get_config_env().get("aws:region")
    mocks = PlatformMocks(default_region=region) if region else PlatformMocks()
    monitor = RecordingMonitor(mocks)
    _configure(monitor, logger)

    started = time.perf_counter()
    status, message = "ok", ""
    try:
        _sync_await(run_in_stack(lambda: _run_program(program_dir)))
    except pulumi.RunError as error:
        status, message = "config-error", str(error)
    except Exception:  # noqa: BLE001 a program bug: report it whole, like the CLI does
        status, message = "program-error", traceback.format_exc()
    elapsed = time.perf_counter() - started
    # The SDK's blocking calls ran on the loop's executor threads: joined here, so the worker exits with no thread
    # left running (see `exit_without_teardown`).
    _sync_await(asyncio.get_event_loop().shutdown_default_executor())
    records = stable_order(monitor.records)
    # What the real provider would refuse: every violation, not the first, like the engine's per-resource errors.
    violations = check_records(records)
    if violations and status == "ok":
        status, message = "check-error", "\n".join(map(str, violations))
    return {
        "status": status,
        "message": message,
        "programSeconds": elapsed,
        "violations": [violation.to_json() for violation in violations],
        "resources": [_record_json(record) for record in records],
        "stackOutputs": plain(monitor.stack_outputs),
        "diagnostics": handler.sorted_entries(),
        # Which modules of the preloadable libraries (`preload.PACKAGES`) the program loaded: the fork server
        # preloads them (`preload.LIBRARY_MODULES`), and `make bench` gives its baseline the same imports.
        "libraryModules": loaded_library_modules(),
    }


def loaded_library_modules() -> list[str]:
    # A provider SDK registers each subpackage in sys.modules as a lazy module (class `_LazyModule`, pulumi's
    # copy of importlib's) loaded on first attribute access: only those the program touched count. `type()`, unlike
    # an attribute, does not load it.
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.partition(".")[0] in preload.PACKAGES and type(module).__name__ != "_LazyModule"
    )


def _run_program(program_dir: Path) -> None:
    runpy.run_path(str(program_dir), run_name="__main__")  # its globals are not a result: the registrations are


def _configure(monitor: RecordingMonitor, logger: logging.Logger) -> None:
    # The same settings `pulumi.runtime.set_mocks` builds, without its pre-made root stack:
    # `run_in_stack` creates the stack itself, as under the CLI.
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    runtime_settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=features,
            engine=MockEngine(logger),
            project=os.environ["PULUMI_PROJECT"],
            stack=os.environ["PULUMI_STACK"],
            dry_run=True,
            organization=os.environ.get("PULUMI_ORGANIZATION", "organization"),
            callbacks=None,
        )
    )


def _record_json(record) -> dict[str, Any]:
    return {
        "urn": record.urn,
        "type": record.type,
        "name": record.name,
        "parent": record.parent,
        "custom": record.custom,
        "id": record.id,
        "protect": record.protect,
        "provider": record.provider,
        # The SDK collects dependencies in sets: sorted, so two runs list them alike.
        "dependencies": sorted(record.dependencies),
        "propertyDependencies": {key: sorted(urns) for key, urns in sorted(record.property_dependencies.items())},
        "aliases": record.aliases,
        "op": record.op,
        "deleteBeforeReplace": record.delete_before_replace,
        "ignoreChanges": record.ignore_changes,
        "inputs": plain(record.inputs),
        "outputs": plain(record.outputs),
    }


def main(argv: list[str]) -> int:
    program_dir, result_path, environment_path = map(Path, argv[:3])
    os.environ.update(json.loads(environment_path.read_text()))  # before the SDK reads any of it
    # Where the language host starts a program: in its directory, which is first on the import path (for the
    # program's own modules, also those a callback imports after `run_path` has taken it off again).
    os.chdir(program_dir)
    sys.path.insert(0, str(program_dir))
    if not reference():
        _without_cyclic_gc()
        sdk_shortcuts.install()
    result = run(program_dir)
    result["peakRssKib"] = _peak_rss_kib()
    result_path.write_text(json.dumps(result))
    return 0


def _peak_rss_kib() -> int:
    # Of this process only. A child of the fork server counts the pages it still shares with the server (the
    # preloaded SDK) as its own, so the children's figures overlap and do not add up to the machine's use.
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux


def _without_cyclic_gc() -> None:
    # The collector walked the ~1,000 provider modules the program imports again and again while it registered
    # resources (1.2-7.3 ms per added resource, 1.6 ms without it). One program's run is short and finite: off for
    # it, prod's preview took 0.91x the wall of a frozen collector with a 1,000,000-object threshold and 0.85x of
    # one at 50,000, for +1 % (about 2 MiB) peak memory. Frozen first: an explicit gc.collect() skips what the
    # worker imported itself.
    gc.freeze()
    gc.disable()


def exit_without_teardown(code: int) -> None:
    """Exit once the result is written, without tearing the interpreter down (0.9-1.1 s of freeing modules nobody
    uses again): what a normal exit does first still happens (a thread the program left running is waited for,
    atexit handlers run, e.g. the SDK's trace exporter, and buffered output the parent reads is flushed). A fork
    server's child never returns into the server's loop, whatever happens here. With the collector off, prod's
    preview took 0.43x the wall (--stack all 0.44x) of a worker doing neither (paired medians, 2 cores)."""
    try:
        current = threading.current_thread()
        for thread in threading.enumerate():
            if thread is not current and not thread.daemon:
                thread.join()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


if __name__ == "__main__":
    if reference():
        sys.exit(main(sys.argv[1:]))
    exit_without_teardown(main(sys.argv[1:]))
