"""The two AWS providers every component uses: primary region and DR region.

Tags live here, as the providers' `default_tags`, so every taggable resource carries them
without a single resource repeating them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .config import PROJECT_NAMESPACE, PlatformConfig


@dataclass(frozen=True)
class RegionalProviders:
    primary: aws.Provider
    dr: aws.Provider | None  # only where something is replicated or copied


def cost_tags(config: PlatformConfig) -> dict[str, str]:
    return {
        "environment": config.tier.value,
        "owner": config.owner,
        "cost-center": config.cost_center,
        "managed-by": "pulumi",
        "data-classification": config.data_classification,
        "project": PROJECT_NAMESPACE,
    }


def regional_providers(config: PlatformConfig) -> RegionalProviders:
    tags = aws.ProviderDefaultTagsArgs(tags=cost_tags(config))
    return RegionalProviders(
        primary=aws.Provider("aws-primary", region=config.primary_region, default_tags=tags),
        dr=aws.Provider("aws-dr", region=config.dr_region, default_tags=tags) if config.uses_dr_region else None,
    )


def account_id(provider: aws.Provider) -> str:
    return aws.get_caller_identity(opts=pulumi.InvokeOptions(provider=provider)).account_id
