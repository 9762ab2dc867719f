"""Alerting's delivery: staging and prod post critical and warning alerts to Slack; dev, without Slack IDs,
mails its warnings instead."""

from __future__ import annotations

from typing import Any

import pytest

SLACK = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC = "aws:sns/topic:Topic"


def _chatbot_roles(stack) -> list[dict[str, Any]]:
    return [r for r in stack.of_type("aws:iam/role:Role") if "chatbot.amazonaws.com" in r["inputs"]["assumeRolePolicy"]]


@pytest.mark.parametrize("tier", ["staging", "prod"])
def test_staging_and_prod_post_critical_and_warning_to_slack(stacks, tier):
    stack = stacks[tier]
    topics = {t["outputs"]["arn"]: t["name"].rsplit("-", 1)[1] for t in stack.of_type(TOPIC)}
    configs = stack.of_type(SLACK)
    posted = {topics[arn]: c for c in configs for arn in c["inputs"]["snsTopicArns"]}
    assert set(posted) == {"critical", "warning"}, [c["urn"] for c in configs]
    for severity, config in posted.items():
        assert config["inputs"]["configurationName"] == f"platform-{tier}-{severity}", config["urn"]
        assert config["inputs"]["slackTeamId"] and config["inputs"]["slackChannelId"], config["urn"]
    (role,) = _chatbot_roles(stack)
    assert all(c["inputs"]["iamRoleArn"] == role["outputs"]["arn"] for c in configs), role["urn"]


def test_dev_without_slack_ids_has_no_chatbot_and_mails_its_warnings(stacks):
    dev = stacks["dev"]
    assert not dev.of_type(SLACK), [c["urn"] for c in dev.of_type(SLACK)]
    assert not _chatbot_roles(dev), [r["urn"] for r in _chatbot_roles(dev)]
    (warning,) = [t for t in dev.of_type(TOPIC) if t["name"].endswith("-warning")]
    deliveries = [s for s in dev.of_type(SUBSCRIPTION) if s["inputs"]["topic"] == warning["outputs"]["arn"]]
    assert [(s["inputs"]["protocol"], s["inputs"]["endpoint"]) for s in deliveries] == [
        ("email", "platform-team@company.com")
    ], f"{warning['urn']} must still deliver somewhere"
