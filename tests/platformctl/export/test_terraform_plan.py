"""The Terraform plan export of the dev stack: what a plan scanner (Checkov, Trivy, KICS) reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from platformctl.export.sdk_types import resource_args
from platformctl.export.terraform_plan import is_exported, plan_for
from platformctl.export.translate import planned_values


@pytest.fixture(scope="module")
def plan(stacks) -> dict[str, Any]:
    return plan_for(stacks["dev"].preview)


def _planned(plan: dict[str, Any], tf_type: str) -> list[dict[str, Any]]:
    return [r for r in plan["planned_values"]["root_module"]["resources"] if r["type"] == tf_type]


def _configured(plan: dict[str, Any], tf_type: str) -> list[dict[str, Any]]:
    return [r for r in plan["configuration"]["root_module"]["resources"] if r["type"] == tf_type]


def test_every_aws_resource_is_exported_once_under_a_unique_address(stacks, plan) -> None:
    addresses = [r["address"] for r in plan["planned_values"]["root_module"]["resources"]]
    assert len(addresses) == len(set(addresses)), "duplicate addresses"
    registered = [r for r in stacks["dev"].resources if is_exported(r)]
    assert len(addresses) == len(registered)
    assert [r["address"] for r in plan["resource_changes"]] == addresses
    assert [r["address"] for r in plan["configuration"]["root_module"]["resources"]] == addresses
    assert all(r["change"]["actions"] == ["create"] for r in plan["resource_changes"])
    assert plan["format_version"] == "1.2"


def test_kubernetes_resources_are_not_exported(plan) -> None:
    assert all(r["type"].startswith("aws_") for r in plan["planned_values"]["root_module"]["resources"])


def test_encryption_rules_are_lists_of_blocks(plan) -> None:
    for resource in _planned(plan, "aws_s3_bucket_server_side_encryption_configuration"):
        rules = resource["values"]["rule"]
        assert isinstance(rules, list) and len(rules) == 1, resource["address"]
        default = rules[0]["apply_server_side_encryption_by_default"]
        assert isinstance(default, list) and len(default) == 1, resource["address"]
        assert default[0]["sse_algorithm"] == "aws:kms", resource["address"]


def test_public_access_block_references_its_bucket(plan) -> None:
    buckets = {r["address"] for r in _configured(plan, "aws_s3_bucket")}
    blocks = _configured(plan, "aws_s3_bucket_public_access_block")
    assert blocks
    for block in blocks:
        references = block["expressions"]["bucket"]["references"]
        assert references[1] in buckets and references[0] == f"{references[1]}.id", block["address"]


def test_every_taggable_resource_carries_the_provider_default_tags(plan) -> None:
    (vpc,) = _planned(plan, "aws_vpc")
    tags_all = vpc["values"]["tags_all"]
    assert isinstance(tags_all, dict) and tags_all["managed-by"] == "pulumi", vpc["address"]
    assert plan["configuration"]["provider_config"]["aws"]["expressions"]["default_tags"] == [
        {"tags": {"constant_value": tags_all}}
    ]


def test_tags_stay_a_map_while_blocks_become_lists() -> None:
    args = resource_args("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    inputs = {"bucket": "b", "rules": [{"id": "r", "status": "Enabled", "expiration": {"days": 30}}]}
    values = planned_values("aws_s3_bucket_lifecycle_configuration", args, inputs)
    assert values["rule"] == [{"id": "r", "status": "Enabled", "expiration": [{"days": 30}]}]
    vpc = planned_values(
        "aws_vpc", resource_args("aws:ec2/vpc:Vpc"), {"tags": {"team": "a"}, "cidrBlock": "10.0.0.0/16"}
    )
    assert vpc == {"tags": {"team": "a"}, "cidr_block": "10.0.0.0/16"}


def test_policies_stay_json_strings(plan) -> None:
    for resource in _planned(plan, "aws_s3_bucket_policy"):
        policy = resource["values"]["policy"]
        assert isinstance(policy, str), resource["address"]
        assert "Statement" in json.loads(policy), resource["address"]


def test_the_provider_config_names_the_region(plan) -> None:
    assert plan["configuration"]["provider_config"]["aws"]["expressions"]["region"] == {"constant_value": "us-east-1"}


def test_the_export_is_deterministic(stacks, plan) -> None:
    assert json.dumps(plan_for(stacks["dev"].preview), sort_keys=True) == json.dumps(plan, sort_keys=True)
