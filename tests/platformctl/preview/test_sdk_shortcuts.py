"""The worker's SDK shortcut: registrations carry no stack trace, and nothing else about them changes."""

from __future__ import annotations

import pytest
from pulumi.runtime import resource as sdk_resource

from platformctl.preview import sdk_shortcuts


@pytest.fixture
def restored(monkeypatch):
    monkeypatch.setattr(sdk_resource, "_get_stack_trace", sdk_resource._get_stack_trace)


def test_the_sdk_still_has_the_function_the_shortcut_replaces():
    # Renamed in a pulumi release, the shortcut would silently stop saving time: this says so.
    assert callable(getattr(sdk_resource, "_get_stack_trace", None)), "pulumi.runtime.resource._get_stack_trace"


def test_after_it_a_registration_has_no_stack_trace_and_no_source_position(restored):
    sdk_shortcuts.install()
    trace = sdk_resource._get_stack_trace()
    assert list(trace.frames) == []
    assert sdk_resource._get_source_position(trace) is None


def test_an_sdk_without_the_function_is_left_alone(monkeypatch):
    monkeypatch.delattr(sdk_resource, "_get_stack_trace")
    sdk_shortcuts.install()
    assert not hasattr(sdk_resource, "_get_stack_trace")
