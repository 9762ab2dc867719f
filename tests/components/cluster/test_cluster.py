"""The EKS cluster: its API endpoint, its add-ons, its version and its off-hours capacity.

Most tests read the offline previews (tests/conftest.py). Resource options the preview does not record
(delete_before_replace, ignore_changes) are checked by registering the cluster components in a subprocess
under the same mocks, with a monitor that keeps them (registered_options.py).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import subprocess
import sys
from typing import Any

import pytest

from components.config.infrastructure import EKS_STANDARD_SUPPORT_END
from tests.components.cluster.node_capacity import off_hours_shortfall
from tests.components.configs import REPO, TIERS, stack_config
from tests.components.stack_lookups import ACCESS_ENTRY, ASSOCIATION

CLUSTER = "aws:eks/cluster:Cluster"
ADDON = "aws:eks/addon:Addon"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SCHEDULE = "aws:autoscaling/schedule:Schedule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KMS_KEY = "aws:kms/key:Key"


def cluster_name(tier: str) -> str:
    return stack_config(tier).name_prefix


# --- 1. the API endpoint -------------------------------------------------------------------------------------


def test_prod_endpoint_is_public_only_to_the_runner_ranges(stacks):
    cluster = stacks["prod"].one(CLUSTER)
    vpc = cluster["inputs"]["vpcConfig"]
    assert vpc["endpointPublicAccess"] is True and vpc["endpointPrivateAccess"] is True, cluster["urn"]
    cidrs = [ipaddress.ip_network(c) for c in vpc["publicAccessCidrs"]]
    assert cidrs and all(c.prefixlen >= 24 for c in cidrs), f"{cluster['urn']}: {vpc['publicAccessCidrs']}"
    assert vpc["publicAccessCidrs"] == [str(c) for c in stack_config("prod").cluster.public_access_cidrs]


# --- 2. add-ons ------------------------------------------------------------------------------------------------

# Add-ons a new cluster already runs self-managed; creating the managed one over them, or with configuration
# values, fails with ConfigurationConflict unless it may overwrite
# (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html, resolveConflicts).
DEFAULT_SELF_MANAGED = {"vpc-cni", "kube-proxy", "coredns"}


def test_addons_overwrite_what_a_new_cluster_already_runs(tier_stack):
    tier, stack = tier_stack
    addons = stack.of_type(ADDON)
    assert "vpc-cni" in {a["inputs"]["addonName"] for a in addons}, tier
    for addon in addons:
        inputs = addon["inputs"]
        assert inputs.get("resolveConflictsOnUpdate") == "OVERWRITE", addon["urn"]
        if inputs.get("configurationValues") or inputs["addonName"] in DEFAULT_SELF_MANAGED:
            assert inputs.get("resolveConflictsOnCreate") == "OVERWRITE", (
                f"{addon['urn']}: creating it on a new cluster fails with ConfigurationConflict"
            )


CONTAINER_INSIGHTS_ADDON = "amazon-cloudwatch-observability"
CONTAINER_INSIGHTS_KINDS = ("performance", "application", "host", "dataplane")


def test_container_insights_log_groups_exist_encrypted_and_expiring_before_the_addon(tier_stack):
    tier, stack = tier_stack
    config = stack_config(tier)
    prefix = f"/aws/containerinsights/{cluster_name(tier)}/"
    groups = {
        r["inputs"]["name"].removeprefix(prefix): r
        for r in stack.of_type(LOG_GROUP)
        if r["inputs"]["name"].startswith("/aws/containerinsights/")
    }
    addons = [a for a in stack.of_type(ADDON) if a["inputs"]["addonName"] == CONTAINER_INSIGHTS_ADDON]
    if not config.observability.container_insights:
        assert not groups and not addons, f"{tier}: Container Insights is off: {sorted(groups)}"
        return
    (addon,) = addons
    (logs_key,) = [k for k in stack.of_type(KMS_KEY) if k["name"].endswith("-logs")]
    assert sorted(groups) == sorted(CONTAINER_INSIGHTS_KINDS), f"{tier}: {sorted(groups)}"
    for group in groups.values():
        assert group["inputs"]["kmsKeyId"] == logs_key["outputs"]["arn"], group["urn"]
        assert group["inputs"]["retentionInDays"] == config.observability.log_retention_days, group["urn"]
        assert group["urn"] in addon["dependencies"], f"{addon['urn']} would create {group['urn']} itself first"


# --- 3. version pin ------------------------------------------------------------------------------------------

SUPPORT_MARGIN_DAYS = 60  # time to plan, test and roll an upgrade through dev, staging and prod
RELEASE_CALENDAR = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html"


def _minor(version: str) -> int:
    return int(version.split(".")[1])


def support_problem(version: str, today: datetime.date) -> str | None:
    """Why the pinned version must move now, or None while its standard support lasts beyond the margin."""
    end = EKS_STANDARD_SUPPORT_END[version]
    left = (end - today).days
    if left > SUPPORT_MARGIN_DAYS:
        return None
    target = f"1.{_minor(version) + 1}"
    calendar = (
        f"its standard support ends {EKS_STANDARD_SUPPORT_END[target]}"
        if target in EKS_STANDARD_SUPPORT_END
        else f"add it to EKS_STANDARD_SUPPORT_END in components/config/infrastructure.py from {RELEASE_CALENDAR}"
    )
    return (
        f"EKS {version} leaves standard support on {end} ({left} days from {today}, margin "
        f"{SUPPORT_MARGIN_DAYS}): move cluster.kubernetesVersion to {target} ({calendar}) in "
        "components/config/defaults.py, one minor version at a time through dev, staging and prod. After that day AWS "
        "upgrades the cluster itself (upgradePolicy STANDARD) and the next `up` would try to downgrade it."
    )


def test_every_tier_runs_its_pinned_version(tier_stack):
    tier, stack = tier_stack
    cluster = stack.one(CLUSTER)
    pinned = stack_config(tier).cluster.kubernetes_version
    assert cluster["inputs"]["version"] == pinned and pinned in EKS_STANDARD_SUPPORT_END, cluster["urn"]


def test_pinned_versions_stay_in_standard_support():
    today = datetime.date.today()
    problems = [support_problem(v, today) for v in sorted({stack_config(t).cluster.kubernetes_version for t in TIERS})]
    assert not any(problems), "\n".join(p for p in problems if p)


def test_support_check_names_the_version_to_move_to():
    end = EKS_STANDARD_SUPPORT_END["1.35"]
    assert support_problem("1.35", end - datetime.timedelta(days=SUPPORT_MARGIN_DAYS + 1)) is None
    problem = support_problem("1.35", end - datetime.timedelta(days=30))
    assert problem and "1.36" in problem and str(end) in problem and "30 days" in problem


# --- 4. off-hours capacity -----------------------------------------------------------------------------------


def test_business_hours_schedules_keep_the_off_hours_floor(tier_stack):
    """Scaled to zero, an off-hours `up` hangs: the atomic Helm release waits 900 s for pods with no node."""
    tier, stack = tier_stack
    groups = stack_config(tier).cluster.node_groups
    schedules = {r["inputs"]["scheduledActionName"]: r for r in stack.of_type(SCHEDULE)}
    node_groups = stack.of_type(NODE_GROUP)
    if not groups.business_hours_only:
        assert not schedules, f"{tier}: {sorted(schedules)}"
        return
    assert len(stack.of_type(SCHEDULE)) == 2 * len(node_groups), tier
    down, up = schedules["business-hours-scale-down"], schedules["business-hours-scale-up"]
    assert groups.off_hours_min_size >= 1
    assert (down["inputs"]["minSize"], down["inputs"]["desiredCapacity"]) == (groups.off_hours_min_size,) * 2, down[
        "urn"
    ]
    assert (up["inputs"]["minSize"], up["inputs"]["desiredCapacity"]) == (groups.min_size, groups.desired_size), up[
        "urn"
    ]


def test_off_hours_floor_holds_the_monitoring_stack():
    """A deploy outside business hours must still get every monitoring pod scheduled (the release is atomic)."""
    for tier in TIERS:
        config = stack_config(tier)
        if config.cluster.node_groups.business_hours_only:
            assert off_hours_shortfall(config) == [], tier


def test_off_hours_check_catches_a_floor_too_small():
    config = stack_config("dev")
    starved = config.model_copy(
        update={
            "cluster": config.cluster.model_copy(
                update={"node_groups": config.cluster.node_groups.model_copy(update={"instance_types": ["m6i.large"]})}
            )
        }
    )
    monitoring = starved.kubernetes.monitoring.model_copy(update={"prometheus_replicas": 5})
    kubernetes = starved.kubernetes.model_copy(update={"monitoring": monitoring})
    starved = starved.model_copy(update={"kubernetes": kubernetes})
    [problem] = off_hours_shortfall(starved)
    assert "1 x m6i.large" in problem and "offHoursMinSize" in problem


# --- 5. fixed physical names are deleted before they are replaced ----------------------------------------------

# The input holding each type's fixed physical name (per account, region or cluster).
FIXED_NAME_INPUT = {
    CLUSTER: "name",
    LOG_GROUP: "name",
    ADDON: "addonName",
    SCHEDULE: "scheduledActionName",
    ACCESS_ENTRY: "principalArn",
    ASSOCIATION: "policyArn",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "url",
}


@pytest.fixture(scope="module")
def registered_options() -> dict[str, list[dict[str, Any]]]:
    """Per tier, the cluster components' registrations with their resource options (one subprocess per tier)."""
    runs = {
        tier: subprocess.Popen(
            [sys.executable, "-m", "tests.components.cluster.registered_options", tier],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tier in TIERS
    }
    results = {}
    for tier, run in runs.items():
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, f"{tier}: {err[-3000:]}"
        results[tier] = json.loads(out)
    return results


@pytest.mark.parametrize("tier", TIERS)
def test_fixed_names_are_deleted_before_replacement(registered_options, tier):
    resources = registered_options[tier]
    fixed = [
        r
        for r in resources
        if r["custom"] and (FIXED_NAME_INPUT.get(r["type"]) in r["inputs"] or "name" in r["inputs"])
    ]
    assert {r["type"] for r in fixed} >= {CLUSTER, LOG_GROUP, ADDON, ACCESS_ENTRY, ASSOCIATION}, tier
    late = [r["urn"] for r in fixed if not r["deleteBeforeReplace"] and not r["type"].startswith("pulumi:")]
    assert not late, f"{tier}: a replacement would fail with 'already exists': {late}"


@pytest.mark.parametrize("tier", TIERS)
def test_existing_clusters_keep_their_bootstrap_flag(registered_options, tier):
    """Changing bootstrapClusterCreatorAdminPermissions replaces the cluster: an existing one keeps its value."""
    (cluster,) = [r for r in registered_options[tier] if r["type"] == CLUSTER]
    assert "accessConfig.bootstrapClusterCreatorAdminPermissions" in cluster["ignoreChanges"], cluster["urn"]


# --- 5. instance metadata ------------------------------------------------------------------------------------

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
_NODE_GROUP_SETTINGS = {
    "capacityType": "ON_DEMAND",
    "instanceTypes": ["m6i.large"],
    "perAz": False,
    "minSize": 2,
    "desiredSize": 2,
    "maxSize": 4,
    "businessHoursOnly": False,
    "diskSizeGib": 50,
}


def test_node_templates_keep_imds_from_pods(tier_stack):
    """Hop limit 1 with tokens required: pods use IRSA, never the node's instance role."""
    tier, stack = tier_stack
    for template in stack.of_type(LAUNCH_TEMPLATE):
        options = template["inputs"]["metadataOptions"]
        assert options["httpTokens"] == "required", template["urn"]
        assert options["httpPutResponseHopLimit"] == 1, template["urn"]
    assert stack_config(tier).cluster.node_groups.metadata_hop_limit == 1


def test_hop_limit_two_needs_a_reason():
    from pydantic import ValidationError

    from components.config.infrastructure import NodeGroupSettings

    with pytest.raises(ValidationError) as raised:
        NodeGroupSettings.model_validate({**_NODE_GROUP_SETTINGS, "metadataHopLimit": 2})
    assert "metadataHopLimit" in str(raised.value) and "metadataHopLimitReason" in str(raised.value)
    reason = "legacy-agent reads the instance id from IMDS and has no IRSA support"
    settings = NodeGroupSettings.model_validate(
        {**_NODE_GROUP_SETTINGS, "metadataHopLimit": 2, "metadataHopLimitReason": reason}
    )
    assert settings.metadata_hop_limit == 2
    with pytest.raises(ValidationError):
        NodeGroupSettings.model_validate(
            {**_NODE_GROUP_SETTINGS, "metadataHopLimit": 3, "metadataHopLimitReason": reason}
        )
