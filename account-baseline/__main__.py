"""Account-level singletons the platform stacks need but must not own: created once per AWS account.

Several platform stacks can share one account (dev and staging in a non-prod account), and each of these exists
once per account (or once per account and region), so no platform stack may create it: the second one would fail
with "already exists", and destroying the first would take it away from the others. The platform stacks look
them up by their well-known name instead (components/security/access.py, components/security/audit.py,
components/network/edge.py).

- the GitHub Actions OIDC provider (IAM, global): the ci-deployer and ci-previewer roles trust it;
- a GuardDuty detector in every region the platform uses (one per account and region);
- Amazon Inspector scanning EC2 instances and ECR images in every region (a per-account, per-region service);
- Security Hub CSPM in every region, with the AWS Foundational Security Best Practices and CIS AWS Foundations
  standards: the compliance score, and where GuardDuty's and Inspector's findings are aggregated;
- AWS Config recording every resource type in every region (global IAM resources in the primary one), to one
  encrypted bucket: what most Security Hub controls evaluate (config_recording.py);
- EBS encryption by default in every region (a per-region account setting);
- the account's S3 public access block (one per account);
- the public Route 53 hosted zones of the platform's domains, `protect`ed, their name servers exported for the
  delegation from the parent zone;
- the role of the daily security-score workflow (.github/workflows/security-score.yml), trusting GitHub's OIDC
  tokens of the repository's main branch.
"""

from __future__ import annotations

import re
from typing import cast

import pulumi
import pulumi_aws as aws
from config_recording import config_recording

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"
FINDING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
# Inspector's scan types: EC2 instances (the EKS nodes) and ECR images; the provider also accepts LAMBDA,
# LAMBDA_CODE and CODE_REPOSITORY, priced separately and not asked for.
INSPECTOR_RESOURCE_TYPES = ("EC2", "ECR")
# The standards the compliance score is computed on, by their per-region ARN path
# (https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html; the provider's
# StandardsSubscription docs list the same ARNs). CIS v3.0.0 is the newest CIS version with a regional ARN there.
SECURITY_STANDARDS = {
    "fsbp": "standards/aws-foundational-security-best-practices/v/1.0.0",
    "cis": "standards/cis-aws-foundations-benchmark/v/3.0.0",
}
# The namespace `platformctl security-score --publish` writes to (platformctl/ops/security_score.py NAMESPACE).
SECURITY_SCORE_NAMESPACE = "Platform/SecurityHub"
SECURITY_SCORE_ROLE = "platform-security-score"
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")  # as access.githubRepository of the platform


def _settings() -> tuple[str, list[str], list[str], str, str, dict[str, str]]:
    """The stack's config, checked before any resource is registered: one message per mistake."""
    config = pulumi.Config()
    account_id = config.require("accountId")
    regions = config.get_object("regions")  # Pulumi.yaml gives the default
    domains = config.require_object("domains")
    frequency = config.get("findingPublishingFrequency") or "FIFTEEN_MINUTES"
    repository = config.get("githubRepository")  # Pulumi.yaml gives the default
    problems = []
    if not _ACCOUNT_ID.match(account_id):
        problems.append(f"accountId must be the 12-digit AWS account ID; got {account_id!r}")
    if not (
        isinstance(regions, list)
        and regions
        and all(isinstance(r, str) and _REGION.match(r) for r in regions)
        and len(set(regions)) == len(regions)
    ):
        problems.append(f"regions must be a non-empty list of distinct AWS regions, primary first; got {regions!r}")
    if not (
        isinstance(domains, list)
        and all(isinstance(d, str) and _DOMAIN.match(d) for d in domains)
        and len(set(domains)) == len(domains)
    ):
        problems.append(f"domains must be a list of distinct lower-case DNS names; got {domains!r}")
    if frequency not in FINDING_FREQUENCIES:
        problems.append(
            f"findingPublishingFrequency must be one of {', '.join(FINDING_FREQUENCIES)}; got {frequency!r}"
        )
    if not (repository and _REPOSITORY.match(repository)):
        problems.append(f"githubRepository must be the GitHub repository as owner/name; got {repository!r}")
    if problems:
        raise pulumi.RunError("; ".join(problems))
    tags = {
        "environment": config.get("environment") or "shared",
        "owner": config.get("owner") or "platform-team",
        "cost-center": config.get("costCenter") or "platform-engineering",
        "managed-by": "pulumi",
        "data-classification": "internal",
        "project": "platform-account-baseline",
    }
    # Checked above: a list of region names and an owner/name string.
    return account_id, cast(list[str], regions), domains, frequency, cast(str, repository), tags


account_id, regions, domains, frequency, repository, tags = _settings()
# One explicit provider per region, each refusing every account but this one ("AWS account ID not allowed"):
# a baseline applied with the wrong credentials stops before it changes anything.
providers = {
    region: aws.Provider(
        f"aws-{region}",
        region=region,
        allowed_account_ids=[account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
    )
    for region in regions
}
primary = providers[regions[0]]  # IAM, S3 account settings and Route 53 are global: they go with the first region


def singleton(provider: aws.Provider) -> pulumi.ResourceOptions:
    """Options of a resource that exists once per account (or account and region), whatever its name.

    Replacing one create-first would configure the account twice and then have the old resource's delete undo
    it (or fail with "already exists"): delete first instead.
    """
    return pulumi.ResourceOptions(provider=provider, delete_before_replace=True)


# The identity provider of GitHub Actions' OIDC tokens. No thumbprints: IAM verifies the provider's TLS certificate
# against its own trusted CAs (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html).
github_oidc = aws.iam.OpenIdConnectProvider(
    "github-actions-oidc", url=GITHUB_OIDC_URL, client_id_lists=[STS_AUDIENCE], opts=singleton(primary)
)

# Blocks public ACLs and policies on every bucket of the account, present and future; where an AWS Organizations
# S3 policy manages Block Public Access, the account setting cannot be changed (AccessDenied)
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html).
aws.s3.AccountPublicAccessBlock(
    "s3-account-public-access",
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
    opts=singleton(primary),
)


def security_score_role(oidc_arn: pulumi.Output[str], provider: aws.Provider) -> aws.iam.Role:
    """The role .github/workflows/security-score.yml assumes: read the control findings, publish the score.

    Trusted only for this repository's main branch (the subject of a scheduled run outside a GitHub
    environment, https://docs.github.com/en/actions/reference/security/oidc). GetFindings takes the hub as its
    resource (Service Authorization Reference, AWS Security Hub); PutMetricData has no resource-level permission,
    so the namespace condition is what confines it
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
    """
    host = GITHUB_OIDC_URL.removeprefix("https://")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": oidc_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{host}:aud": STS_AUDIENCE,
                        f"{host}:sub": f"repo:{repository}:ref:refs/heads/main",
                    }
                },
            }
        ],
    }
    role = aws.iam.Role(
        "security-score-role",
        name=SECURITY_SCORE_ROLE,
        description="platformctl security-score from GitHub Actions, main branch: reads findings, publishes the score",
        assume_role_policy=pulumi.Output.json_dumps(trust),
        max_session_duration=3600,
        opts=pulumi.ResourceOptions(provider=provider),
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadControlFindings",
                "Effect": "Allow",
                "Action": "securityhub:GetFindings",
                "Resource": [f"arn:aws:securityhub:{region}:{account_id}:hub/default" for region in regions],
            },
            {
                "Sid": "PublishSecurityScore",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": SECURITY_SCORE_NAMESPACE}},
            },
        ],
    }
    aws.iam.RolePolicy(
        "security-score-policy",
        name="security-score",
        role=role.id,
        policy=pulumi.Output.json_dumps(policy),
        opts=pulumi.ResourceOptions(provider=provider),
    )
    return role


def security_hub(region: str, provider: aws.Provider) -> aws.securityhub.Account:
    """Security Hub CSPM in one region, subscribed to the scored standards only.

    Default standards off (they would add CIS v1.2.0 besides the ones chosen here); one consolidated finding
    per control even when it belongs to both standards (what `platformctl security-score` groups on); new
    controls of the standards enabled as AWS adds them. GuardDuty and Inspector send their findings to Security
    Hub once both are on in the region: no product subscription needed
    (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-internal-providers.html).
    """
    hub = aws.securityhub.Account(
        f"securityhub-{region}",
        enable_default_standards=False,
        control_finding_generator="SECURITY_CONTROL",
        auto_enable_controls=True,
        opts=singleton(provider),
    )
    for key, path in SECURITY_STANDARDS.items():
        aws.securityhub.StandardsSubscription(
            f"securityhub-{key}-{region}",
            standards_arn=f"arn:aws:securityhub:{region}::{path}",
            opts=pulumi.ResourceOptions(provider=provider, depends_on=[hub], delete_before_replace=True),
        )
    return hub


detectors = {}
security_hubs: dict[str, aws.securityhub.Account] = {}
for region, provider in providers.items():
    # One detector per account and region
    # (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html). New findings are
    # published at once; the frequency only paces updates of existing ones.
    detectors[region] = aws.guardduty.Detector(
        f"guardduty-{region}", enable=True, finding_publishing_frequency=frequency, opts=singleton(provider)
    )
    # A per-region account setting; removing the resource turns it off again
    # (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableEbsEncryptionByDefault.html).
    aws.ebs.EncryptionByDefault(f"ebs-encryption-by-default-{region}", enabled=True, opts=singleton(provider))
    # Activating ECR scanning makes Inspector the registry's scanner (enhanced scanning, continuous for every
    # repository), so no separate aws.ecr.RegistryScanningConfiguration: two resources would own one setting
    # (https://docs.aws.amazon.com/inspector/latest/user/ecr-integration.html). Inspector creates its
    # service-linked role AWSServiceRoleForAmazonInspector2 itself on activation
    # (https://docs.aws.amazon.com/inspector/latest/user/using-service-linked-roles.html).
    aws.inspector2.Enabler(
        f"inspector-{region}",
        account_ids=[account_id],
        resource_types=list(INSPECTOR_RESOURCE_TYPES),
        opts=singleton(provider),
    )
    security_hubs[region] = security_hub(region, provider)

recording = config_recording(account_id, providers)
score_role = security_score_role(github_oidc.arn, primary)

# Public zones: deleting one loses every record and, once re-created, its name servers change, so the parent's
# delegation breaks: protected, and never force-destroyed with records in it.
zones = {
    domain: aws.route53.Zone(
        f"zone-{domain}",
        name=domain,
        comment=f"Public zone of {domain} (platform account baseline)",
        force_destroy=False,
        opts=pulumi.ResourceOptions(provider=primary, protect=True),
    )
    for domain in domains
}

pulumi.export("accountId", account_id)
pulumi.export("regions", regions)
pulumi.export("githubOidcProviderArn", github_oidc.arn)
pulumi.export("guardDutyDetectorIds", {region: detector.id for region, detector in detectors.items()})
pulumi.export("securityHubArns", {region: hub.arn for region, hub in security_hubs.items()})
pulumi.export("configRecorders", {region: recorder.name for region, recorder in recording.recorders.items()})
pulumi.export("configBucket", recording.bucket.bucket)
# vars.AWS_SECURITY_SCORE_ROLE_<STACK> of the repository (.github/workflows/security-score.yml).
pulumi.export("securityScoreRoleArn", score_role.arn)
pulumi.export("hostedZoneIds", {domain: zone.zone_id for domain, zone in zones.items()})
# Delegation: create an NS record for each domain in its parent zone with these name servers.
pulumi.export("nameServers", {domain: zone.name_servers for domain, zone in zones.items()})
