"""The risk of a change, read from its preview: what needs the change advisory before `pulumi up`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platformctl.delivery import risk
from platformctl.delivery.deployed import read_deployed
from platformctl.preview.render import preview_json
from tests.platformctl.delivery.preview_steps import DB, step

SNAPSHOT = Path(__file__).resolve().parents[2] / "snapshots" / "stateful-prod.json"


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


def test_a_new_stack_rated_from_its_steps_is_high_risk(stacks):
    """Taken as real creates, a first deploy creates IAM and network resources: the change advisory sees it."""
    steps = preview_json(stacks["prod"].preview)["steps"]
    assessed = risk.assess(steps)
    assert assessed.level == risk.HIGH
    assert any(reason.startswith("create aws:iam/role:Role ") for reason in assessed.reasons)
    assert all(step["op"] == "create" for step in steps)  # no data loss: only the sensitive rule applies


# --- rate: what the change does to the deployed stack ------------------------------------------------------


def test_an_all_creates_preview_without_a_baseline_is_unrated(stacks):
    steps = preview_json(stacks["prod"].preview)["steps"]
    assert risk.rate(steps) == risk.Risk(risk.UNRATED, [risk.ALL_CREATES])
    assert risk.rate(steps).summary().startswith("risk unrated: the preview creates every resource")


def test_a_diffed_preview_is_rated_from_its_steps_whatever_the_baseline(tmp_path):
    """A real `pulumi preview` of a deployed stack has `same` steps: the engine diffed it; today's ratings hold."""
    steps = [step("same", "aws:sns/topic:Topic"), step("replace", DB, "db"), step("create", "aws:iam/role:Role")]
    baseline = tmp_path / "deployed.json"
    baseline.write_text(json.dumps({"steps": [step("same", "aws:sns/topic:Topic")]}))
    assert risk.rate(steps) == risk.assess(steps) == risk.rate(steps, read_deployed(baseline, "prod"))
    assert risk.rate(steps).level == risk.HIGH
    assert risk.rate([step("update", "aws:sns/topic:Topic", "alerts")]).level == risk.MEDIUM
    assert risk.rate([]) == risk.Risk(risk.LOW)  # nothing to do is nothing to rate


def test_a_real_preview_that_only_adds_resources_is_rated_from_its_steps():
    """Without --show-sames `pulumi preview --json` lists only changes, but always the root stack, as `same`."""
    root = {"op": "same", "urn": "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod"}
    steps = [root, step("create", "aws:sns/topic:Topic"), step("create", "aws:iam/role:Role", "ci")]
    assert risk.rate(steps) == risk.Risk(risk.HIGH, ["create aws:iam/role:Role ci (IAM, KMS or network)"])
    assert risk.rate(steps[:2]) == risk.Risk(risk.LOW)


def test_a_preview_the_same_as_its_baseline_is_low_risk(stacks, tmp_path):
    document = preview_json(stacks["prod"].preview)
    baseline = tmp_path / "deployed.json"
    baseline.write_text(json.dumps(document))
    assert risk.rate(document["steps"], read_deployed(baseline, "prod")) == risk.Risk(risk.LOW)


def test_only_what_differs_from_the_baseline_counts(stacks, tmp_path):
    document = preview_json(stacks["prod"].preview)
    deployed = json.loads(json.dumps(document))
    topic = next(s for s in deployed["steps"] if s["newState"]["type"] == "aws:sns/topic:Topic")
    topic["newState"]["inputs"]["displayName"] = "what was deployed"
    baseline = tmp_path / "deployed.json"
    baseline.write_text(json.dumps(deployed))
    name = topic["urn"].rsplit("::", 1)[-1]
    assert risk.rate(document["steps"], read_deployed(baseline, "prod")) == risk.Risk(
        risk.MEDIUM, [f"change aws:sns/topic:Topic {name}"]
    )


def test_a_changed_database_or_role_against_the_baseline_is_high_risk(stacks, tmp_path):
    document = preview_json(stacks["prod"].preview)
    deployed = json.loads(json.dumps(document))
    database = next(s for s in deployed["steps"] if s["newState"]["type"] == DB)
    database["newState"]["inputs"]["allocatedStorage"] = 1
    role = next(s for s in deployed["steps"] if s["newState"]["type"] == "aws:iam/role:Role")
    role["newState"]["inputs"]["description"] = "before"
    baseline = tmp_path / "deployed.json"
    baseline.write_text(json.dumps(deployed))
    assessed = risk.rate(document["steps"], read_deployed(baseline, "prod"))
    assert assessed.level == risk.HIGH
    assert assessed.reasons == [
        f"change {DB} {database['urn'].rsplit('::', 1)[-1]} (stateful; inputs differ from the baseline: "
        "an update or a replacement)",
        f"change aws:iam/role:Role {role['urn'].rsplit('::', 1)[-1]} (IAM, KMS or network)",
    ]


def test_a_stateful_resource_the_preview_drops_is_data_loss(stacks):
    document = preview_json(stacks["prod"].preview)
    database = next(s for s in document["steps"] if s["newState"]["type"] == DB)
    steps = [s for s in document["steps"] if s is not database]
    assessed = risk.rate(steps, read_deployed(SNAPSHOT, "prod"))
    assert (assessed.level, assessed.reasons[0]) == (
        risk.HIGH,
        f"delete {DB} {database['urn'].rsplit('::', 1)[-1]} (stateful)",
    )


def test_a_snapshot_baseline_leaves_an_intact_stack_unrated(stacks):
    steps = preview_json(stacks["prod"].preview)["steps"]
    assessed = risk.rate(steps, read_deployed(SNAPSHOT, "prod"))
    assert assessed.level == risk.UNRATED
    assert assessed.reasons[0].startswith(
        f"the baseline {SNAPSHOT} lists stateful URNs only: it shows no stateful resource lost, but not whether "
        f"{len(steps)} resource(s) changed"
    )
