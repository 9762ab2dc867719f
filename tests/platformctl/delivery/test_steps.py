"""Reading a `preview --json` document: narrowed to one stack, and refused when it is another stack's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.delivery import steps
from tests.platformctl.delivery.preview_steps import DB, step


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document))
    return path


def test_read_steps_narrows_a_multi_stack_document(tmp_path):
    path = write(tmp_path, {"stacks": {"dev": {"steps": []}, "prod": {"steps": [step("replace", DB)]}}})
    assert steps.read_steps(path, "prod")[0]["op"] == "replace"
    with pytest.raises(UsageError, match="has no stack 'staging'; it has: dev, prod"):
        steps.read_steps(path, "staging")
    path.write_text("[]")
    with pytest.raises(UsageError, match="expected a `preview --json` document"):
        steps.read_steps(path, "prod")


def test_a_preview_of_another_stack_is_refused_naming_both(tmp_path):
    path = write(tmp_path, {"steps": [step("create", DB, "db")]})  # URNs of stack prod
    with pytest.raises(UsageError) as raised:
        steps.read_steps(path, "staging")
    assert str(raised.value) == (
        f"--preview {path} is of stack 'prod' (urn:pulumi:prod::platform::platform:database:Database${DB}::db), "
        "not of the gated stack 'staging'; give the preview of stack 'staging'"
    )


@pytest.mark.parametrize("urn", [None, "", "arn:aws:rds:us-east-1:1:db:x", "urn:pulumi:prod"])
def test_a_step_without_a_pulumi_urn_is_refused(tmp_path, urn):
    path = write(tmp_path, {"steps": [step("same", DB), {"op": "create", "urn": urn}]})
    with pytest.raises(UsageError, match=rf"entry 1 has no Pulumi URN .* got {urn!r}"):
        steps.read_steps(path, "prod")


@pytest.mark.parametrize("state", ["text", [1], {"type": DB, "inputs": "x"}])
def test_a_step_whose_state_is_not_an_object_is_refused(tmp_path, state):
    broken = {**step("create", DB, "db"), "newState": state}
    path = write(tmp_path, {"steps": [step("same", DB), broken]})
    with pytest.raises(UsageError) as raised:
        steps.read_steps(path, "prod")
    assert str(raised.value).startswith(f"--preview {path}: step 1 ({broken['urn']}) has newState {state!r}")


def test_unreadable_files_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="cannot read it as JSON"):
        steps.read_steps(tmp_path / "missing.json", "prod")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UsageError, match="cannot read it as JSON"):
        steps.read_steps(tmp_path / "binary.json", "prod")


def test_the_type_comes_from_the_urn_when_no_state_carries_it():
    assert steps.step_type({"op": "delete", "urn": f"urn:pulumi:prod::platform::a:b:C${DB}::db"}) == DB


def test_urn_stack():
    assert steps.urn_stack("urn:pulumi:blue::platform::pulumi:pulumi:Stack::platform-blue") == "blue"
    assert steps.urn_stack("urn:pulumi:blue::platform") is None


@pytest.mark.parametrize(
    ("ops", "everything"),
    [
        (["create", "create", "read"], True),
        (["create", "import"], True),
        (["create", "same"], False),  # a real preview of a deployed stack
        (["create", "update"], False),
        (["read"], False),
        ([], False),
    ],
)
def test_creates_everything(ops, everything):
    assert steps.creates_everything([step(op, DB) for op in ops]) is everything
