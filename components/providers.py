"""The two AWS providers every component uses: primary region and DR region.

Tags live here, as the providers' `default_tags`, so every taggable resource carries them
without a single resource repeating them; so does the account guard, `allowed_account_ids`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from .config.model import PROJECT_NAMESPACE, PlatformConfig

T = TypeVar("T")


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


def from_account_baseline(what: str, lookup: Callable[[], T]) -> T:
    """Look up something the account baseline (account-baseline/) creates once per account: a missing one
    stops the program with what to do, where the provider's own message only says the lookup failed."""
    try:
        return lookup()
    except Exception as error:  # any lookup failure means the same thing here: the baseline is missing
        raise pulumi.RunError(
            f"no {what} ({error}); it belongs to the account baseline: run "
            "`pulumi up` in account-baseline/ for this account first"
        ) from error


def allowed_account_ids(config: PlatformConfig) -> list[str] | None:
    """The one account the stack may touch (platform:accountId): with credentials for any other account the
    provider stops before doing anything ("AWS account ID not allowed"). Unset (dev only): any account."""
    return [config.account_id] if config.account_id else None


def regional_providers(config: PlatformConfig) -> RegionalProviders:
    tags = aws.ProviderDefaultTagsArgs(tags=cost_tags(config))
    allowed = allowed_account_ids(config)
    return RegionalProviders(
        primary=aws.Provider(
            "aws-primary", region=config.primary_region, default_tags=tags, allowed_account_ids=allowed
        ),
        dr=aws.Provider("aws-dr", region=config.dr_region, default_tags=tags, allowed_account_ids=allowed)
        if config.uses_dr_region
        else None,
    )


def account_id(provider: aws.Provider) -> str:
    return aws.get_caller_identity(opts=pulumi.InvokeOptions(provider=provider)).account_id


def kubernetes_provider(
    config: PlatformConfig,
    cluster_name: pulumi.Input[str],
    endpoint: pulumi.Input[str],
    certificate_authority: pulumi.Input[str],
    access_entries: Sequence[pulumi.Resource] = (),
) -> k8s.Provider:
    """A provider for the new cluster; tokens come from `aws eks get-token`, so nothing long-lived is stored.

    It waits for the cluster's access entries: before them, the API answers every call with Unauthorized.
    """

    def as_json(values: list[str]) -> str:
        name, server, authority = values
        return json.dumps(kubeconfig_for(name, server, authority, region=config.primary_region))

    kubeconfig = pulumi.Output.all(cluster_name, endpoint, certificate_authority).apply(as_json)
    return k8s.Provider(
        "kubernetes", kubeconfig=kubeconfig, opts=pulumi.ResourceOptions(depends_on=list(access_entries))
    )


def kubeconfig_for(cluster_name: str, endpoint: str, certificate_authority: str, region: str) -> dict:
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "aws",
            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region],
        }
    }
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": cluster_name,
        "clusters": [
            {"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority}}
        ],
        "users": [{"name": cluster_name, "user": user}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
    }
