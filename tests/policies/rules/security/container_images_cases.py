"""Cases for the ECR repository rules (platform_policies/rules/security/container_images.py)."""

from __future__ import annotations

import json
from typing import Any

from tests.policies.cases import Case, res

REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/4115cc27-bcfe-a87a-1841-a1fcd2094b53"
NAME = "platform-prod/apps"
CMK = [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]


def repository(urn_name: str = "apps", **overrides: Any) -> Any:
    props: dict[str, Any] = {
        "name": NAME,
        "imageTagMutability": "IMMUTABLE",
        "imageScanningConfiguration": {"scanOnPush": True},
        "encryptionConfigurations": CMK,
        "forceDelete": False,
        **overrides,
    }
    return res(REPOSITORY, urn_name, **props)


def lifecycle(document: Any, urn_name: str = "apps-lifecycle", repo: str = NAME) -> Any:
    return res(LIFECYCLE, urn_name, repository=repo, policy=json.dumps(document))


# The shape of the program's policy (components/security/images.py): untagged by age, then tagged by count.
OWN_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["*"],
                "countType": "imageCountMoreThan",
                "countNumber": 200,
            },
            "action": {"type": "expire"},
        },
    ]
}
_EXPIRE = {"type": "expire"}
_ANY_FIRST = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5},
            "action": _EXPIRE,
        },
        {
            "rulePriority": 2,
            "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1},
            "action": _EXPIRE,
        },
    ]
}
_SAME_PRIORITY = {"rules": [{**rule, "rulePriority": 1} for rule in OWN_POLICY["rules"]]}

CASES: list[Case] = [
    # ecr-scan-on-push
    Case("ecr-scan-on-push", False, (repository(),)),
    Case("ecr-scan-on-push", True, (repository(imageScanningConfiguration={"scanOnPush": False}),), note="off"),
    Case("ecr-scan-on-push", True, (repository(imageScanningConfiguration=None),), note="unset"),
    # ecr-immutable-tags
    Case("ecr-immutable-tags", False, (repository(),)),
    Case("ecr-immutable-tags", True, (repository(imageTagMutability="MUTABLE"),), note="mutable"),
    Case("ecr-immutable-tags", True, (repository(imageTagMutability=None),), note="unset-is-mutable"),
    Case(
        "ecr-immutable-tags",
        True,
        (repository(imageTagMutability="IMMUTABLE_WITH_EXCLUSION"),),
        note="with-exclusions",
    ),
    # ecr-encrypted-with-cmk
    Case("ecr-encrypted-with-cmk", False, (repository(),)),
    Case("ecr-encrypted-with-cmk", True, (repository(encryptionConfigurations=None),), note="default-aes256"),
    Case(
        "ecr-encrypted-with-cmk",
        True,
        (repository(encryptionConfigurations=[{"encryptionType": "AES256"}]),),
        note="aes256",
    ),
    Case(
        "ecr-encrypted-with-cmk",
        True,
        (repository(encryptionConfigurations=[{"encryptionType": "KMS"}]),),
        note="aws-managed-key",
    ),
    Case(
        "ecr-encrypted-with-cmk",
        True,
        (repository(encryptionConfigurations=[{"encryptionType": "KMS", "kmsKey": "alias/aws/ecr"}]),),
        note="aws-ecr-alias",
    ),
    # ecr-lifecycle-policy
    Case("ecr-lifecycle-policy", False, (repository(), lifecycle(OWN_POLICY))),
    Case(
        "ecr-lifecycle-policy",
        False,
        (
            repository(),
            res(
                LIFECYCLE,
                "apps-lifecycle",
                property_dependencies={"repository": ["urn:pulumi:test::platform::" + REPOSITORY + "::apps"]},
                repository="unknown-in-preview",
                policy=json.dumps(OWN_POLICY),
            ),
        ),
        note="by-dependency",
    ),
    Case("ecr-lifecycle-policy", True, (repository(),), offender="apps", note="none"),
    Case(
        "ecr-lifecycle-policy",
        True,
        (repository(), lifecycle(OWN_POLICY, repo="platform-prod/other")),
        offender="apps",
        note="other-repository",
    ),
    Case(
        "ecr-lifecycle-policy",
        True,
        (repository(), lifecycle(_ANY_FIRST)),
        offender="apps-lifecycle",
        note="any-not-last",
    ),
    Case(
        "ecr-lifecycle-policy",
        True,
        (repository(), lifecycle(_SAME_PRIORITY)),
        offender="apps-lifecycle",
        note="repeated-priority",
    ),
    Case(
        "ecr-lifecycle-policy", True, (repository(), lifecycle({"rules": []})), offender="apps-lifecycle", note="empty"
    ),
]
