"""Security rules for the stack's container image repositories (ECR): images are scanned for vulnerabilities when
pushed, a tag names one image forever, images are encrypted with a customer-managed key, and a lifecycle policy
expires old images.

Scan on push is the repository's setting under basic scanning; once Amazon Inspector's enhanced scanning is on for
the registry (an account-wide setting the account baseline owns), its filters decide instead. The rule still asks
for the repository setting: it is what applies wherever the registry is left on basic scanning.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import ECR_LIFECYCLE_POLICY, ECR_REPOSITORY
from ...values import as_int, as_list, is_true, shown
from ..encryption.customer_keys import key_problem


def _check_scan_on_push(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    scan = resource.get("imageScanningConfiguration", "scanOnPush")
    if not is_true(scan):
        yield (
            f"imageScanningConfiguration.scanOnPush is {shown(scan)}; images pushed to the repository are not "
            "scanned for known vulnerabilities"
        )


def _check_immutable_tags(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    # Unset means MUTABLE (CreateRepository's default); the *_WITH_EXCLUSION modes let some tags move.
    mutability = resource.get("imageTagMutability", default="MUTABLE")
    if mutability != "IMMUTABLE":
        yield (
            f"imageTagMutability is {shown(mutability)}; a tag can be pushed again and point at an image that was "
            "never scanned or deployed, so it no longer identifies what runs"
        )


def _check_cmk(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    configurations = as_list(resource.get("encryptionConfigurations"))
    first = configurations[0] if configurations and isinstance(configurations[0], Mapping) else {}
    encryption = first.get("encryptionType") or "AES256"  # CreateRepository's default
    if encryption not in ("KMS", "KMS_DSSE"):
        yield f"encryptionType is {shown(encryption)}; expected KMS with a customer-managed key"
        return
    # No key named: ECR uses the AWS managed aws/ecr key, whose policy nobody can edit.
    problem = key_problem(first.get("kmsKey"), "encryptionConfigurations[0].kmsKey")
    if problem:
        yield problem


def _lifecycle_problems(document: Any) -> Iterator[str]:
    rules = [r for r in as_list(document.get("rules") if isinstance(document, Mapping) else None) if r]
    if not rules:
        yield "has no rules"
        return
    priorities = [as_int(r.get("rulePriority")) for r in rules if isinstance(r, Mapping)]
    if len(set(priorities)) != len(priorities):
        yield f"repeats a rulePriority ({priorities}); ECR requires each to be unique"
    ranked = sorted((r for r in rules if isinstance(r, Mapping)), key=lambda r: as_int(r.get("rulePriority")) or 0)
    for rule in ranked[:-1]:
        if (rule.get("selection") or {}).get("tagStatus") == "any":
            yield "has a tagStatus `any` rule before another rule; ECR requires it to have the highest rulePriority"
    if not any((r.get("action") or {}).get("type") == "expire" for r in ranked):
        yield "expires no image"


def _check_lifecycle(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    policies = of_type(resources, ECR_LIFECYCLE_POLICY)
    for repository in of_type(resources, ECR_REPOSITORY):
        attached = [p for p in policies if refers_to(p, "repository", repository)]
        if not attached:
            yield Violation(
                f"repository {repository.name} has no aws.ecr.LifecyclePolicy; old images are kept (and billed) "
                "forever",
                repository.urn,
            )
        for policy in attached:
            for problem in _lifecycle_problems(policy.json("policy")):
                yield Violation(f"lifecycle policy {policy.name} {problem}", policy.urn)


RULES: list[Rule] = [
    Rule(
        name="ecr-scan-on-push",
        description="ECR repositories scan every image pushed to them for known vulnerabilities (Checkov CKV_AWS_163).",
        severity="high",
        remediation='Set `image_scanning_configuration={"scan_on_push": True}` on aws.ecr.Repository '
        "(components/security/images.py). Amazon Inspector's enhanced scanning, where the account baseline turns "
        "it on, then scans the repository through the registry's filters.",
        soc2=("CC7.1",),
        cis=("EKS-5.1.1",),
        resource_types=(ECR_REPOSITORY,),
        resource_check=_check_scan_on_push,
    ),
    Rule(
        name="ecr-immutable-tags",
        description="ECR repositories make image tags immutable, so a tag always names the image that was scanned "
        "and deployed (Checkov CKV_AWS_51).",
        severity="medium",
        remediation='Set `image_tag_mutability="IMMUTABLE"` on aws.ecr.Repository and tag each build uniquely '
        "(the commit SHA), never `latest`.",
        soc2=("CC8.1", "CC7.1"),
        resource_types=(ECR_REPOSITORY,),
        resource_check=_check_immutable_tags,
    ),
    Rule(
        name="ecr-encrypted-with-cmk",
        description="ECR repositories encrypt images with a customer-managed KMS key (Checkov CKV_AWS_136).",
        severity="medium",
        remediation='Set `encryption_configurations=[{"encryption_type": "KMS", "kms_key": <CMK ARN>}]` on '
        "aws.ecr.Repository (the platform's data key). Encryption is fixed at creation: changing it replaces the "
        "repository, so push the images again into the new one.",
        soc2=("CC6.1", "CC6.7"),
        resource_types=(ECR_REPOSITORY,),
        resource_check=_check_cmk,
    ),
    Rule(
        name="ecr-lifecycle-policy",
        description="Every ECR repository has a valid lifecycle policy that expires old images (untagged ones "
        "after days, tagged ones beyond a count).",
        severity="low",
        remediation="Declare aws.ecr.LifecyclePolicy(repository=<repository>.name, policy=...) with unique "
        "rulePriority values, any `tagStatus: any` rule last, and `expire` actions "
        "(platform:registry.untaggedExpiryDays / keepTaggedImages).",
        soc2=("CC6.5",),
        resource_types=(ECR_REPOSITORY, ECR_LIFECYCLE_POLICY),
        stack_check=_check_lifecycle,
    ),
]
