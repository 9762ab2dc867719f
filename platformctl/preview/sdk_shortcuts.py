"""Work the Pulumi SDK does for the real engine that the offline monitor never reads, skipped in the worker.

For every registration the SDK walks the Python stack (`traceback.extract_stack`) and turns each frame into a
file URI (`pulumi.runtime.resource._get_stack_trace`): the CLI shows it as where a resource was declared.
RecordingMonitor keeps no source position or stack trace (see `RecordingMonitor.RegisterResource`), so the worker
hands the SDK an empty trace instead. Our components sit deep in the stack, so this walk cost the program more per
resource than a flat program pays: see README's performance section for the measured effect.

Only the SDK module's name is rebound, and only if the SDK still has it: a release without it keeps its own
behaviour, slower, never different. The reference path (PLATFORMCTL_PREVIEW_REFERENCE) does not install this.
"""

from __future__ import annotations

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

_NAME = "_get_stack_trace"


def install() -> None:
    if hasattr(sdk_resource, _NAME):
        setattr(sdk_resource, _NAME, _no_stack_trace)


def _no_stack_trace() -> source_pb2.StackTrace:
    # The SDK's own answer when it finds no user frame: `_get_source_position` then gives None.
    return source_pb2.StackTrace()
