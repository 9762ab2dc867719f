"""The pack process's collector: imported objects frozen and rarer young passes, except on the reference path."""

from __future__ import annotations

import gc

import pytest

from platform_policies import collector


@pytest.fixture
def restored_collector():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_pack_freezes_its_imports_and_collects_the_young_generation_rarely(restored_collector, monkeypatch):
    monkeypatch.delenv("PLATFORMCTL_PREVIEW_REFERENCE", raising=False)
    gc.unfreeze()
    old = gc.get_threshold()
    collector.quiet()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, old[1], old[2])
    assert gc.isenabled(), "the collector still runs: only less often"


def test_the_reference_path_keeps_pythons_defaults(restored_collector, monkeypatch):
    monkeypatch.setenv("PLATFORMCTL_PREVIEW_REFERENCE", "1")
    gc.unfreeze()
    before = gc.get_threshold()
    collector.quiet()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
