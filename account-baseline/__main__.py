"""Account-level singletons the platform stacks need but must not own: created once per AWS account.

Several platform stacks can share one account (dev and staging in a non-prod account), and each of these exists
once per account (or once per account and region), so no platform stack may create it: the second one would fail
with "already exists", and destroying the first would take it away from the others. The platform stacks look
them up by their well-known name instead (components/security/access.py, components/security/audit.py,
components/network/edge.py).

- the GitHub Actions OIDC provider (IAM, global): the ci-deployer and ci-previewer roles trust it;
- a GuardDuty detector in every region the platform uses (one per account and region);
- EBS encryption by default in every region (a per-region account setting);
- the account's S3 public access block (one per account);
- the public Route 53 hosted zones of the platform's domains, `protect`ed, their name servers exported for the
  delegation from the parent zone.
"""

from __future__ import annotations

import re

import pulumi
import pulumi_aws as aws

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"
FINDING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _settings() -> tuple[str, list[str], list[str], str, dict[str, str]]:
    """The stack's config, checked before any resource is registered: one message per mistake."""
    config = pulumi.Config()
    account_id = config.require("accountId")
    regions = config.get_object("regions")  # Pulumi.yaml gives the default
    domains = config.require_object("domains")
    frequency = config.get("findingPublishingFrequency") or "FIFTEEN_MINUTES"
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
    return account_id, regions, domains, frequency, tags


account_id, regions, domains, frequency, tags = _settings()
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

detectors = {}
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
pulumi.export("hostedZoneIds", {domain: zone.zone_id for domain, zone in zones.items()})
# Delegation: create an NS record for each domain in its parent zone with these name servers.
pulumi.export("nameServers", {domain: zone.name_servers for domain, zone in zones.items()})
