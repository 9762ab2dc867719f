"""The application images: an ECR repository per `registry.repositories` entry, and Inspector findings to alerting.

Each repository has immutable tags (a tag names one build forever, so what was scanned is what runs), scan on
push, the platform's data KMS key and a lifecycle policy. Which scan actually runs is the registry's scanning
configuration, not the repository's: once the account baseline (account-baseline/) activates Amazon Inspector's
ECR scanning, the registry is ENHANCED and Inspector scans every repository its filters match (all of them,
continuously, by default), and `scan_on_push` is kept only for a registry left on BASIC scanning
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html, "Using filters"). The registry
scanning configuration is per account and region, so this per-stack program never sets it.

The nodes pull with AmazonEC2ContainerRegistryReadOnly on their role (cluster/cluster.py) and need no KMS
permission: ECR decrypts with the grants it creates on the key when the repository is created, under the
deployer's kms:CreateGrant/DescribeKey, which the key policy's account statement delegates to IAM
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html).

Inspector's findings for the account (these images; the EKS nodes where EC2 scanning is on) of HIGH or
CRITICAL severity page through the critical topic, or go to the warning topic in a tier without one (as
GuardDuty's do, security/audit.py). MEDIUM and below stay in the Inspector console and Security Hub: base
images carry many, and a channel flooded with them is one nobody reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..events import notify_topic

# Inspector's finding events (https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html):
# severity is a string; a finding is re-sent on every change, so CLOSED and SUPPRESSED updates are left out.
PAGED_SEVERITIES = ("HIGH", "CRITICAL")
INSPECTOR_FINDINGS = {
    "source": ["aws.inspector2"],
    "detail-type": ["Inspector2 Finding"],
    "detail": {"severity": list(PAGED_SEVERITIES), "status": ["ACTIVE"]},
}


def repository_name(config: PlatformConfig, repository: str) -> str:
    """`platform-<tier>/<repository>`: the stack's prefix keeps tiers apart should two share an account."""
    return f"{config.name_prefix}/{repository}"


def lifecycle_policy(untagged_expiry_days: int, keep_tagged_images: int) -> dict[str, Any]:
    """Expire untagged images after N days and all but the newest K tagged ones.

    Rule priorities are unique; neither rule uses tagStatus `any` (which would have to come last); a `tagged`
    rule needs a tag pattern or prefix list, and `*` matches every tag
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
    """
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images {untagged_expiry_days} days after push",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": untagged_expiry_days,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the newest {keep_tagged_images} tagged images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPatternList": ["*"],
                    "countType": "imageCountMoreThan",
                    "countNumber": keep_tagged_images,
                },
                "action": {"type": "expire"},
            },
        ]
    }


@dataclass(frozen=True)
class ImageRegistryArgs:
    config: PlatformConfig
    # A customer managed key in the repositories' region; the key policy needs only the account statement.
    key_arn: Input[str]
    critical_topic_arn: Input[str] | None
    warning_topic_arn: Input[str]


class ImageRegistry(pulumi.ComponentResource):
    """The ECR repositories of the application images, and Inspector's high and critical findings routed."""

    repositories: dict[str, aws.ecr.Repository]
    repository_urls: dict[str, Output[str]]

    def __init__(self, name: str, args: ImageRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:images:ImageRegistry", name, None, opts)
        registry = args.config.registry
        policy = json.dumps(lifecycle_policy(registry.untagged_expiry_days, registry.keep_tagged_images))
        self.repositories = {repo: self._repository(name, args, repo, policy) for repo in registry.repositories}
        self.repository_urls = {repo: r.repository_url for repo, r in self.repositories.items()}
        self._route_findings(name, args)
        self.register_outputs({"repositoryUrls": self.repository_urls})

    def _repository(self, name: str, args: ImageRegistryArgs, repo: str, policy: str) -> aws.ecr.Repository:
        config = args.config
        repository = aws.ecr.Repository(
            f"{name}-{repo}",
            name=repository_name(config, repo),
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            # Encryption is fixed at creation (a change replaces the repository and its images): stateful.
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.key_arn)
            ],
            # Never delete images with the repository: a delete of one that holds images fails instead.
            force_delete=False,
            # A fixed name: an unprotected replacement deletes the old repository first (refused while it
            # holds images, see force_delete), or the create fails because the name already exists.
            opts=pulumi.ResourceOptions(
                parent=self, protect=config.protect_stateful, delete_before_replace=not config.protect_stateful
            ),
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-{repo}-lifecycle",
            repository=repository.name,
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return repository

    def _route_findings(self, name: str, args: ImageRegistryArgs) -> None:
        topic_arn = args.critical_topic_arn if args.critical_topic_arn is not None else args.warning_topic_arn
        notify_topic(
            self,
            f"{name}-inspector-high",
            rule_name=f"{args.config.name_prefix}-inspector-high",
            description="Amazon Inspector findings of HIGH or CRITICAL severity, active",
            pattern=json.dumps(INSPECTOR_FINDINGS),
            topic_arn=topic_arn,
            target_name=f"{name}-inspector-high-sns",
            state="ENABLED",
        )
