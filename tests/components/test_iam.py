"""IAM documents: the shared trust policy and ARN partition, and no inline policy anywhere granting everything."""

from __future__ import annotations

import json

import pytest

from components.iam import partition, service_trust


def test_no_iam_policy_grants_everything(tier_stack):
    _, stack = tier_stack
    for resource in stack.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(resource["inputs"]["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not {"*", "*:*"} & set(actions), resource["urn"]


@pytest.mark.parametrize(
    ("region", "expected"), [("us-east-1", "aws"), ("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")]
)
def test_arn_partition_follows_the_region(region, expected):
    assert partition(region) == expected


def test_service_trust_admits_one_service_narrowed_by_its_condition():
    condition = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    (statement,) = json.loads(service_trust("backup.amazonaws.com", condition))["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Principal": {"Service": "backup.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }
    assert "Condition" not in json.loads(service_trust("events.amazonaws.com"))["Statement"][0]
