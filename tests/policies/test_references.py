"""One answer to "does input X of resource A point at resource B", for every rule that asks it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from platform_policies.references import refers_to
from tests.policies.cases import res

BUCKET = "aws:s3/bucket:Bucket"
BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
DATA = res(BUCKET, "data", bucket="data-0a1b2c3")
LOGS = res(BUCKET, "logs", bucket="logs-9f8e7d6")


def test_property_dependencies_decide_without_reading_a_value_unknown_in_preview():
    block = res(BLOCK, property_dependencies={"bucket": [DATA.urn]})
    unknown = replace(block, props=unknown_checking_proxy({"bucket": UNKNOWN_STRING_VALUE}))
    assert refers_to(unknown, "bucket", DATA)
    assert not refers_to(unknown, "bucket", LOGS)


def test_dependencies_win_over_a_value_that_happens_to_match():
    block = res(BLOCK, bucket="logs-9f8e7d6", property_dependencies={"bucket": [DATA.urn]})
    assert not refers_to(block, "bucket", LOGS)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("data-0a1b2c3", True),  # the physical name
        ("arn:aws:s3:::data-0a1b2c3", True),  # an ARN ending in it
        ("buckets/data-0a1b2c3", True),  # a path ending in it
        ("data", False),  # the logical name is no physical name
        ("other-bucket", False),
        (["x", "data-0a1b2c3"], True),  # one of a list
    ],
)
def test_a_value_written_in_the_program_is_compared_with_the_target_physical_name(value, expected):
    assert refers_to(res(BLOCK, bucket=value), "bucket", DATA) is expected


def test_a_rule_may_judge_written_values_its_own_way():
    schedule = res("aws:autoscaling/schedule:Schedule", autoscalingGroupName="eks-nodes-1a2b")
    group = res("aws:eks/nodeGroup:NodeGroup", "nodes")
    assert refers_to(schedule, "autoscalingGroupName", group, literal=lambda value, g: value.startswith("eks-nodes-"))
    assert not refers_to(schedule, "autoscalingGroupName", group)
