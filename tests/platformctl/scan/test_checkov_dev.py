"""The issue's acceptance test: Checkov reads the exported dev stack whole, a check that passes on our program
passes, and the same check fails on a deliberately broken copy of the plan. One Checkov run per plan."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.export.terraform_plan import plan_for, write_plans
from platformctl.scan.checkov import CheckovReport, run_checkov

from . import plans

ENCRYPTED = "CKV_AWS_16"  # "Ensure all data stored in the RDS is securely encrypted at rest"


@pytest.fixture(scope="module")
def dev_plan(stacks, tmp_path_factory):
    return write_plans([stacks["dev"].preview], tmp_path_factory.mktemp("export"))["dev"]


@pytest.fixture(scope="module")
def dev_report(checkov, dev_plan, tmp_path_factory) -> CheckovReport:
    return run_checkov(checkov, dev_plan.path, tmp_path_factory.mktemp("checkov"))


@pytest.fixture(scope="module")
def database_address(dev_plan) -> str:
    document = json.loads(dev_plan.path.read_text())
    primaries = [
        resource["address"]
        for resource in document["planned_values"]["root_module"]["resources"]
        if resource["type"] == "aws_db_instance" and not resource["values"].get("replicate_source_db")
    ]
    assert len(primaries) == 1, f"expected one primary database in the dev plan, found {primaries}"
    return primaries[0]


def test_checkov_reads_every_exported_aws_resource(dev_plan, dev_report):
    assert dev_plan.aws_resources > 100, "the dev plan should hold the whole program's AWS resources"
    assert dev_report.resource_count == dev_plan.aws_resources, (
        f"Checkov read {dev_report.resource_count} of the {dev_plan.aws_resources} resources in {dev_plan.path}"
    )
    assert dev_report.parsing_errors == []


def test_rds_storage_encrypted_passes_on_the_program(dev_report, database_address):
    assert (ENCRYPTED, database_address) in dev_report.passed
    assert ENCRYPTED not in {f.check_id for f in dev_report.failed if f.resource == database_address}


def test_rds_storage_encrypted_fails_on_a_broken_copy(checkov, stacks, database_address, tmp_path):
    document = json.loads(json.dumps(plan_for(stacks["dev"].preview)))  # values and `after` share objects
    _unencrypt(document, database_address)
    report = run_checkov(checkov, plans.write(tmp_path / "dev.tfplan.json", document), tmp_path)
    assert (ENCRYPTED, database_address) in {(f.check_id, f.resource) for f in report.failed}


def _unencrypt(document: dict[str, Any], address: str) -> None:
    """storage_encrypted false wherever the plan says it: planned values, the change, the configuration."""
    sections = {
        "planned_values": document["planned_values"]["root_module"]["resources"],
        "resource_changes": document["resource_changes"],
        "configuration": document["configuration"]["root_module"]["resources"],
    }
    for section, resources in sections.items():
        (resource,) = [r for r in resources if r["address"] == address]
        if section == "planned_values":
            resource["values"]["storage_encrypted"] = False
        elif section == "resource_changes":
            resource["change"]["after"]["storage_encrypted"] = False
        else:
            resource["expressions"]["storage_encrypted"] = {"constant_value": False}
