"""The ImageRegistry component: ECR repositories as the pack and Checkov ask, a lifecycle policy ECR accepts, and
Inspector's high findings routed like GuardDuty's."""

from __future__ import annotations

import json

import pytest

from components.config.loader import InvalidConfigError
from components.security.images import lifecycle_policy, repository_name
from platformctl.preview.aws_limits import rule_for
from tests.components.configs import load

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
KEY = "aws:kms/key:Key"
KEEP_TAGGED = {"dev": 30, "staging": 50, "prod": 200}


def test_every_tier_has_the_apps_repository_hardened(tier_stack):
    tier, stack = tier_stack
    repository = stack.one(REPOSITORY)
    inputs = repository["inputs"]
    assert inputs["name"] == f"platform-{tier}/apps", repository["urn"]
    assert inputs["imageTagMutability"] == "IMMUTABLE", repository["urn"]
    assert inputs["imageScanningConfiguration"] == {"scanOnPush": True}, repository["urn"]
    assert inputs["forceDelete"] is False, repository["urn"]
    assert repository["protect"] is (tier == "prod"), repository["urn"]
    (encryption,) = inputs["encryptionConfigurations"]
    data_key = next(k for k in stack.of_type(KEY) if k["name"].endswith("-keys-data"))
    assert encryption == {"encryptionType": "KMS", "kmsKey": data_key["outputs"]["arn"]}, repository["urn"]
    assert stack.outputs["imageRepositoryUrls"] == {"apps": repository["outputs"]["repositoryUrl"]}


def test_the_repository_name_is_one_ecr_accepts(tier_stack):
    _, stack = tier_stack
    repository = stack.one(REPOSITORY)
    rule = rule_for(REPOSITORY)
    assert rule is not None and rule.allowed is not None
    assert rule.allowed.fullmatch(repository["inputs"]["name"]), repository["urn"]


def test_the_lifecycle_policy_is_attached_and_keeps_more_in_prod(tier_stack):
    tier, stack = tier_stack
    repository = stack.one(REPOSITORY)
    policy = stack.one(LIFECYCLE)
    assert policy["inputs"]["repository"] == repository["inputs"]["name"], policy["urn"]
    rules = json.loads(policy["inputs"]["policy"])["rules"]
    kept = next(r["selection"]["countNumber"] for r in rules if r["selection"]["tagStatus"] == "tagged")
    assert kept == KEEP_TAGGED[tier], policy["urn"]


@pytest.mark.parametrize(("days", "keep"), [(1, 1), (14, 200)])
def test_the_lifecycle_policy_follows_ecrs_rules(days, keep):
    """https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html"""
    rules = lifecycle_policy(days, keep)["rules"]
    priorities = [r["rulePriority"] for r in rules]
    assert len(set(priorities)) == len(priorities), "rulePriority must be unique"
    by_priority = sorted(rules, key=lambda r: r["rulePriority"])
    assert all(r["selection"]["tagStatus"] != "any" for r in by_priority[:-1]), "tagStatus any must come last"
    for rule in rules:
        selection = rule["selection"]
        assert rule["action"] == {"type": "expire"}
        assert selection["countNumber"] >= 1
        if selection["tagStatus"] == "tagged":
            assert selection.get("tagPatternList") or selection.get("tagPrefixList"), "tagged needs a tag list"
        if selection["tagStatus"] == "untagged":
            assert "tagPatternList" not in selection and "tagPrefixList" not in selection
        if selection["countType"] == "sinceImagePushed":
            assert selection["countUnit"] == "days"
        else:
            assert selection["countType"] == "imageCountMoreThan" and "countUnit" not in selection


def test_high_and_critical_inspector_findings_page_or_warn_without_a_critical_topic(tier_stack):
    tier, stack = tier_stack
    rule = next(r for r in stack.of_type(RULE) if r["name"].endswith("-inspector-high"))
    assert json.loads(rule["inputs"]["eventPattern"]) == {
        "source": ["aws.inspector2"],
        "detail-type": ["Inspector2 Finding"],
        "detail": {"severity": ["HIGH", "CRITICAL"], "status": ["ACTIVE"]},
    }, rule["urn"]
    target = next(t for t in stack.of_type(TARGET) if t["inputs"]["rule"] == rule["inputs"]["name"])
    topics = stack.outputs["alertTopicArns"]
    expected = topics.get("critical", topics["warning"])
    assert "critical" in topics or tier == "dev", tier
    assert target["inputs"]["arn"] == expected, target["urn"]


@pytest.mark.parametrize("names", [["Apps"], ["apps/web"], ["-apps"], ["a__b"], ["apps", "apps"], []])
def test_repository_names_ecr_would_refuse_are_config_errors(names):
    with pytest.raises(InvalidConfigError) as caught:
        load("dev", registry={"repositories": names})
    assert "registry.repositories" in str(caught.value)


def test_more_repositories_each_get_the_same_controls():
    config = load("prod", registry={"repositories": ["api", "web.frontend"]})
    assert [repository_name(config, r) for r in config.registry.repositories] == [
        "platform-prod/api",
        "platform-prod/web.frontend",
    ]
