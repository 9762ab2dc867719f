"""The fork server: its children are forked from it, each gets its own stack's environment, they give the same
result as spawned workers, and the modules it preloads are the ones the program loads."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from platformctl.preview import preload
from platformctl.preview.engine import StackPreview, preview_stacks
from platformctl.project import load_project
from tests.conftest import TIERS
from tests.platformctl.cli_runs import alive, tiny_project

# Which process forked this one, how many threads that one has (a gRPC or executor thread in the server would make a
# fork unsafe), and this stack's own config value.
FORKED = """
import os, pulumi
pulumi.export("parent", os.getppid())
pulumi.export("parentThreads", len(os.listdir(f"/proc/{os.getppid()}/task")))
pulumi.export("value", pulumi.Config().require("value"))
"""

# Kills the fork server under the preview, then waits far longer than the test does.
KILLS_SERVER = """
import os, pathlib, signal, time
pathlib.Path("child").write_text(str(os.getpid()))
os.kill(os.getppid(), signal.SIGKILL)
time.sleep(600)
"""


@pytest.fixture(scope="module")
def reference(project) -> dict[str, StackPreview]:
    """The three stacks through spawned workers, which import only what their program loads."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLATFORMCTL_PREVIEW_REFERENCE", "1")
        return {preview.stack: preview for preview in preview_stacks(project, list(TIERS))}


def test_the_preloaded_modules_are_the_ones_the_program_loads(reference):
    loaded = sorted({name for preview in reference.values() for name in preview.library_modules})
    assert list(preload.LIBRARY_MODULES) == loaded, (
        "the program loads other provider modules than the fork server preloads (that costs time, not results): "
        "regenerate the list with `python -m platformctl.preview.preload_update`"
    )


def test_forked_workers_give_the_spawned_workers_results(reference, stacks):
    for tier in TIERS:
        forked, spawned = stacks[tier].preview, reference[tier]
        assert (forked.status, forked.message) == (spawned.status, spawned.message), tier
        assert forked.resources == spawned.resources, tier
        assert forked.outputs == spawned.outputs, tier
        assert forked.diagnostics == spawned.diagnostics, tier
        assert forked.peak_rss_kib > 0 and spawned.peak_rss_kib > 0


def test_each_stack_is_forked_by_one_server_with_its_own_config(tmp_path, monkeypatch):
    monkeypatch.delenv("PLATFORMCTL_PREVIEW_REFERENCE", raising=False)
    project = tiny_project(tmp_path, FORKED, config="  tiny:value: first\n")
    (project / "Pulumi.other.yaml").write_text("config:\n  tiny:value: second\n")
    previews = preview_stacks(load_project(project), ["test", "other"])
    assert [p.status for p in previews] == ["ok", "ok"], [p.message for p in previews]
    outputs = [preview.outputs for preview in previews]
    assert [o["value"] for o in outputs] == ["first", "second"]
    [server] = {o["parent"] for o in outputs}
    assert server != os.getpid(), "the workers should be children of the fork server, not of the preview"
    assert {o["parentThreads"] for o in outputs} == {1}, "the fork server should run no thread besides its main one"


def test_a_dead_server_fails_its_stack_and_leaves_no_child(tmp_path, monkeypatch):
    monkeypatch.delenv("PLATFORMCTL_PREVIEW_REFERENCE", raising=False)
    project = tiny_project(tmp_path, KILLS_SERVER)
    started = time.monotonic()
    [preview] = preview_stacks(load_project(project), ["test"])
    assert time.monotonic() - started < 120
    assert preview.status == "program-error" and "fork server" in preview.message, preview.message
    child = int((project / "child").read_text())
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), "the dead server's child is still running"


def test_the_server_preloads_only_the_libraries_the_program_names(tmp_path):
    from platformctl.preview.engine import named_packages

    tiny = tiny_project(tmp_path / "tiny", "import pulumi\n")
    venv = tiny / "venv" / "lib"  # a virtualenv inside the project names every SDK: not the program's sources
    venv.mkdir(parents=True)
    (venv / "vendored.py").write_text("import pulumi_aws, pulumi_kubernetes\n")
    assert named_packages(tiny) == []
    (tiny / "buckets.py").write_text("import pulumi_aws as aws\n")
    assert named_packages(tiny) == ["pulumi_aws"]
    repository = Path(__file__).resolve().parents[3]
    assert named_packages(repository) == ["pulumi_aws", "pulumi_kubernetes", "pulumi_random", "pydantic"]


def test_preloading_no_package_imports_no_module():
    assert preload.load(packages=[]) == 0
    assert preload.load(modules=("pulumi_aws.s3", "pulumi_kubernetes.core"), packages=["pulumi_aws"]) == 1
