"""The Audit component's CloudTrail: the logs key admits CloudTrail as its guide says, and the trail bucket's
bucket key is why CloudTrail needs Decrypt."""

from __future__ import annotations

import json

import pytest

KEY = "aws:kms/key:Key"
CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}


def test_logs_key_has_the_three_cloudtrail_statements_of_the_guide(tier_stack):
    """https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"""
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")
    key = next(k for k in stack.of_type(KEY) if k["outputs"]["arn"] == trail["inputs"]["kmsKeyId"])
    account = trail["outputs"]["arn"].split(":")[4]
    statements = [s for s in json.loads(key["inputs"]["policy"])["Statement"] if s.get("Principal") == CLOUDTRAIL]
    assert statements == [
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{account}:trail/*"},
            },
        },
        # DescribeKey carries no encryption context: under that condition CreateTrail would fail.
        {
            "Sid": "Allow CloudTrail to describe key",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]}},
        },
        {
            "Sid": "Allow CloudTrail to decrypt a trail",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "kms:Decrypt",
            "Resource": "*",
        },
    ], f"{key['urn']} (used by {trail['urn']})"


def test_the_trail_bucket_uses_a_bucket_key_which_is_why_cloudtrail_needs_decrypt(tier_stack):
    _, stack = tier_stack
    trail = stack.one("aws:cloudtrail/trail:Trail")
    encryption = next(
        e
        for e in stack.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        if e["inputs"]["bucket"] == trail["inputs"]["s3BucketName"]
    )
    (rule,) = encryption["inputs"]["rules"]
    assert rule["bucketKeyEnabled"] is True, encryption["urn"]
    assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == trail["inputs"]["kmsKeyId"], encryption[
        "urn"
    ]


# --- log-file delivery notifications -------------------------------------------------------------------------

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _delivery_topics(stack) -> list[dict]:
    return [t for t in stack.of_type(TOPIC) if t["urn"].endswith("-trail-delivery")]


def test_dev_trail_sends_no_delivery_notifications(stacks):
    trail = stacks["dev"].one("aws:cloudtrail/trail:Trail")
    assert not trail["inputs"].get("snsTopicName"), trail["urn"]
    assert _delivery_topics(stacks["dev"]) == []


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_trail_notifies_its_own_encrypted_topic_which_admits_only_the_trail(stacks, tier):
    """https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html"""
    stack = stacks[tier]
    trail = stack.one("aws:cloudtrail/trail:Trail")
    (topic,) = _delivery_topics(stack)
    assert trail["inputs"]["snsTopicName"] == topic["outputs"]["name"], trail["urn"]
    alert_topics = [t for t in stack.of_type(TOPIC) if t is not topic]
    assert {t["inputs"]["kmsMasterKeyId"] for t in alert_topics} == {topic["inputs"]["kmsMasterKeyId"]}, topic["urn"]
    policy = next(p for p in stack.of_type(TOPIC_POLICY) if p["inputs"]["arn"] == topic["outputs"]["arn"])
    assert json.loads(policy["inputs"]["policy"])["Statement"] == [
        {
            "Sid": "AWSCloudTrailSNSPolicy",
            "Effect": "Allow",
            "Principal": CLOUDTRAIL,
            "Action": "SNS:Publish",
            "Resource": topic["outputs"]["arn"],
            "Condition": {"StringEquals": {"aws:SourceArn": trail["outputs"]["arn"]}},
        }
    ], policy["urn"]


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_delivery_topic_key_admits_cloudtrail(stacks, tier):
    """The same page: an encrypted topic's key must let cloudtrail.amazonaws.com GenerateDataKey* and Decrypt."""
    stack = stacks[tier]
    (topic,) = _delivery_topics(stack)
    key = next(k for k in stack.of_type(KEY) if k["outputs"]["arn"] == topic["inputs"]["kmsMasterKeyId"])
    granted = set()
    for statement in json.loads(key["inputs"]["policy"])["Statement"]:
        services = statement.get("Principal", {}).get("Service", [])
        if "cloudtrail.amazonaws.com" in ([services] if isinstance(services, str) else services):
            actions = statement["Action"]
            granted |= {actions} if isinstance(actions, str) else set(actions)
    assert {"kms:GenerateDataKey*", "kms:Decrypt"} <= granted, f"{key['urn']} (encrypts {topic['urn']})"


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_an_hour_without_delivery_warns(stacks, tier):
    stack = stacks[tier]
    (topic,) = _delivery_topics(stack)
    alarm = next(
        a for a in stack.of_type(ALARM) if a["inputs"].get("dimensions") == {"TopicName": topic["outputs"]["name"]}
    )
    warning = next(t for t in stack.of_type(TOPIC) if t["urn"].endswith("-alerting-warning"))
    inputs = alarm["inputs"]
    assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == (
        "AWS/SNS",
        "NumberOfMessagesPublished",
        "Sum",
    ), alarm["urn"]
    assert inputs["treatMissingData"] == "breaching" and inputs["period"] == 3600, alarm["urn"]
    assert inputs["alarmActions"] == [warning["outputs"]["arn"]], alarm["urn"]
