"""The baselines of what is deployed, and an all-creates preview compared with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from platform_core.errors import UsageError
from platformctl.delivery import deployed
from tests.platformctl.delivery.preview_steps import DB, step

TOPIC = "aws:sns/topic:Topic"
SECRET_STATE = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "AAAA"}


def urn(kind: str, name: str, stack: str = "prod") -> str:
    return f"urn:pulumi:{stack}::platform::platform:database:Database${kind}::{name}"


def created(kind: str, resource: str, **inputs: Any) -> dict[str, Any]:
    return {"op": "create", "urn": urn(kind, resource), "newState": {"type": kind, "inputs": inputs}}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(document))
    return path


def export(tmp_path: Path, *resources: dict[str, Any]) -> deployed.Deployed:
    return deployed.read_deployed(write(tmp_path, {"version": 3, "deployment": {"resources": list(resources)}}), "prod")


def test_an_export_compares_inputs_as_the_program_set_them(tmp_path):
    """`__defaults` names what the provider filled in; a secret is opaque on both sides."""
    state = export(
        tmp_path,
        {
            "urn": urn(TOPIC, "alerts"),
            "type": TOPIC,
            "inputs": {
                "__defaults": ["fifoTopic"],
                "fifoTopic": False,
                "name": "alerts",
                "deliveryPolicy": {"__defaults": ["retries"], "retries": 3, "path": "x"},
                "kmsMasterKeyId": SECRET_STATE,
            },
        },
    )
    same = created(TOPIC, "alerts", name="alerts", deliveryPolicy={"path": "x"}, kmsMasterKeyId="[secret]")
    assert deployed.compare([same], state).steps == [{**same, "op": "same"}]
    renamed = created(TOPIC, "alerts", name="alerts-2", deliveryPolicy={"path": "x"}, kmsMasterKeyId="[secret]")
    assert deployed.compare([renamed], state).steps == [{**renamed, "op": deployed.CHANGE}]


def test_a_removed_input_the_program_had_set_is_a_change(tmp_path):
    state = export(tmp_path, {"urn": urn(TOPIC, "t"), "type": TOPIC, "inputs": {"name": "t", "displayName": "T"}})
    assert deployed.compare([created(TOPIC, "t", name="t")], state).steps[0]["op"] == deployed.CHANGE


def test_a_new_resource_stays_a_create_and_a_dropped_one_is_a_delete(tmp_path):
    state = export(
        tmp_path,
        {"urn": urn(DB, "db"), "type": DB, "inputs": {}, "protect": True},
        {"urn": urn(DB, "old"), "type": DB, "inputs": {}, "delete": True},  # replaced, awaiting deletion
        {"urn": urn("aws:iam/role:Role", "looked-up"), "type": "aws:iam/role:Role", "external": True},
        {
            "urn": "urn:pulumi:prod::platform::pulumi:providers:aws::default_7_51_1",
            "type": "pulumi:providers:aws",
            "inputs": {"version": "7.51.1"},
        },
    )
    new = created(TOPIC, "new")
    assert deployed.compare([new], state).steps == [
        new,
        {"op": "delete", "urn": urn(DB, "db"), "oldState": {"type": DB, "protect": True}},
    ]


def test_a_read_is_never_a_change(tmp_path):
    state = export(tmp_path, {"urn": urn(TOPIC, "t"), "type": TOPIC, "inputs": {"name": "old"}, "external": True})
    read = {**created(TOPIC, "t", name="new"), "op": "read"}
    assert deployed.compare([read], state).steps == [read]


def test_a_preview_baseline_keeps_what_survives_its_deploy(tmp_path):
    document = {"steps": [step("same", TOPIC, "kept"), step("delete", DB, "gone", state="oldState")]}
    state = deployed.read_deployed(write(tmp_path, document), "prod")
    assert list(state.resources) == [document["steps"][0]["urn"]]
    assert not state.stateful_only


def test_a_snapshot_knows_stateful_urns_only(tmp_path):
    state = deployed.read_deployed(write(tmp_path, {"stack": "prod", "urns": [urn(DB, "db")]}), "prod")
    assert state.resources == {urn(DB, "db"): deployed.Known(DB, None)}
    compared = deployed.compare([created(DB, "db"), created(TOPIC, "t"), created(DB, "new-db")], state)
    assert compared.unknown == [f"{DB} db", f"{TOPIC} t"]
    assert compared.steps == [created(DB, "new-db")]  # the snapshot lists every stateful URN: this one is new


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"stack": "dev", "urns": []}, "is the snapshot of stack 'dev', not of the gated stack 'prod'"),
        ({"urns": [urn(DB, "db", "dev")]}, "is of stack 'dev' .*, not of the gated stack 'prod'"),
        ({"deployment": {"resources": [{"urn": urn(DB, "db", "dev")}]}}, "is of stack 'dev'"),
        ({"deployment": {"resources": [{"type": DB}]}}, "entry 0 has no Pulumi URN"),
        ({"deployment": {"resources": "none"}}, r"`deployment.resources` must be a list"),
        ({"steps": [step("same", DB)]} | {"stacks": {}}, "has no stack 'prod'"),
        ({"resources": []}, "expected a `preview --json` document"),
        ([], "expected a `preview --json` document"),
    ],
)
def test_a_baseline_of_another_stack_or_shape_is_a_usage_error(tmp_path, document, message):
    path = write(tmp_path, document)
    with pytest.raises(UsageError, match=f"^--baseline {path}.*{message}"):
        deployed.read_deployed(path, "prod")
