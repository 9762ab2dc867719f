"""The risk of a change, read from its preview: what needs the change advisory before `pulumi up`."""

from __future__ import annotations

import json

import pytest

from platform_core.errors import UsageError
from platformctl.delivery import risk
from platformctl.preview.render import preview_json
from tests.platformctl.delivery.preview_steps import DB, step


def test_only_creates_and_sames_are_low_risk():
    assert risk.assess(
        [step("create", "aws:sns/topic:Topic"), step("same", DB), step("read", "aws:iam/role:Role")]
    ) == risk.Risk(risk.LOW)


def test_an_update_of_an_ordinary_resource_is_medium_risk():
    assessed = risk.assess([step("update", "aws:sns/topic:Topic", "alerts"), step("create", "aws:sns/topic:Topic")])
    assert assessed == risk.Risk(risk.MEDIUM, ["update aws:sns/topic:Topic alerts"])


def test_deleting_an_unprotected_ordinary_resource_is_medium_risk():
    assert risk.assess([step("delete", "aws:cloudwatch/metricAlarm:MetricAlarm", state="oldState")]).level == "medium"


@pytest.mark.parametrize("op", ["replace", "create-replacement", "delete-replaced", "delete"])
def test_a_database_replacement_or_deletion_is_high_risk(op):
    assessed = risk.assess([step(op, DB, "platform-prod-db")])
    assert assessed == risk.Risk(risk.HIGH, [f"{op} {DB} platform-prod-db (stateful)"])


def test_an_iam_change_is_high_risk_even_a_create():
    assert risk.assess([step("update", "aws:iam/role:Role", "ci-deployer")]).reasons == [
        "update aws:iam/role:Role ci-deployer (IAM, KMS or network)"
    ]
    assert risk.assess([step("create", "aws:iam/rolePolicy:RolePolicy")]).level == "high"


@pytest.mark.parametrize(
    "kind",
    [
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/natGateway:NatGateway",
        "aws:kms/alias:Alias",
        "aws:ec2/subnet:Subnet",
    ],
)
def test_network_and_key_changes_are_high_risk(kind):
    assert risk.assess([step("update", kind)]).level == "high"


def test_replacing_a_protected_resource_is_high_risk():
    assessed = risk.assess([step("replace", "aws:sns/topic:Topic", "critical", protect=True)])
    assert assessed.reasons == ["replace aws:sns/topic:Topic critical (protected)"]


def test_data_loss_is_listed_before_sensitive_changes():
    assessed = risk.assess([step("update", "aws:iam/role:Role"), step("delete", DB, "db", state="oldState")])
    assert assessed.reasons[0] == f"delete {DB} db (stateful)"


def test_the_type_comes_from_the_urn_when_no_state_carries_it():
    assert risk.step_type({"op": "delete", "urn": f"urn:pulumi:prod::platform::a:b:C${DB}::db"}) == DB


def test_read_steps_narrows_a_multi_stack_document(tmp_path):
    path = tmp_path / "all.json"
    path.write_text(json.dumps({"stacks": {"dev": {"steps": []}, "prod": {"steps": [step("replace", DB)]}}}))
    assert risk.read_steps(path, "prod")[0]["op"] == "replace"
    with pytest.raises(UsageError, match="has no stack 'staging'; it has: dev, prod"):
        risk.read_steps(path, "staging")
    path.write_text("[]")
    with pytest.raises(UsageError, match="expected a `preview --json` document"):
        risk.read_steps(path, "prod")


def test_a_new_stack_is_high_risk(stacks):
    """A first deploy creates IAM and network resources: the change advisory sees every new stack."""
    steps = preview_json(stacks["prod"].preview)["steps"]
    assessed = risk.assess(steps)
    assert assessed.level == risk.HIGH
    assert any(reason.startswith("create aws:iam/role:Role ") for reason in assessed.reasons)
    assert all(step["op"] == "create" for step in steps)  # no data loss: only the sensitive rule applies
