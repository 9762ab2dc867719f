"""The EKS cluster, who reaches its API, its add-ons, its version and its off-hours capacity.

Most tests read the offline previews (tests/conftest.py). Resource options the preview does not record
(delete_before_replace, ignore_changes) are checked by registering the cluster components in a subprocess
under the same mocks, with a monitor that keeps them (`python -m tests.test_cluster TIER`).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import re
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from components.config import EKS_STANDARD_SUPPORT_END, PlatformConfig
from components.config_loader import load_platform_config
from components.monitoring_values import GRAFANA_SIDECARS, ServiceRoles, monitoring_values
from components.secrets import SECRET_KEYS
from platformctl.project import load_project, load_stack_config

REPO = Path(__file__).resolve().parent.parent
TIERS = ("dev", "staging", "prod")
CLUSTER = "aws:eks/cluster:Cluster"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
ADDON = "aws:eks/addon:Addon"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SCHEDULE = "aws:autoscaling/schedule:Schedule"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KMS_KEY = "aws:kms/key:Key"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
K8S_PROVIDER = "pulumi:providers:kubernetes"

# --- configuration, as each stack's program sees it -------------------------------------------------------


@cache
def stack_config(tier: str) -> PlatformConfig:
    """The stack's validated config, from the same stack files and offline stand-ins the preview uses."""
    project = load_project(REPO)
    values = load_stack_config(project, tier).values
    prefix = f"{project.name}:"
    raw = {
        key[len(prefix) :]: _decode(value)
        for key, value in values.items()
        if key.startswith(prefix) and key[len(prefix) :] not in SECRET_KEYS
    }
    return load_platform_config(raw)


def _decode(value: str) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "{[" else value


def cluster_name(tier: str) -> str:
    return stack_config(tier).name_prefix


# --- 1. who reaches the Kubernetes API ----------------------------------------------------------------------

# EKS access policies: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
ADMIN, EDIT, VIEW = "AmazonEKSClusterAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"


def expected_access(tier: str) -> dict[str, set[tuple[str, str, tuple[str, ...]]]]:
    """role -> {(policy, scope type, namespaces)}: the brief's table of who may do what."""
    namespaces = tuple(sorted(stack_config(tier).kubernetes.app_namespaces))
    developer = {(VIEW, "cluster", ())} if tier == "prod" else {(EDIT, "namespace", namespaces)}
    return {
        "ci-deployer": {(ADMIN, "cluster", ())},
        "ci-previewer": {(VIEW, "cluster", ())},
        "platform-admin": {(ADMIN, "cluster", ())},
        "break-glass": {(ADMIN, "cluster", ())},
        "developer": developer,
    }


def _role_of(resource: dict[str, Any], roles) -> str:
    matches = [role for role in roles if re.search(rf"-{re.escape(role)}(-Amazon\w+)?$", resource["name"])]
    assert len(matches) == 1, f"{resource['urn']}: cannot tell which role it is for ({matches})"
    return matches[0]


def access_urns(stack) -> set[str]:
    return {r["urn"] for r in stack.of_type(ACCESS_ENTRY) + stack.of_type(ASSOCIATION)}


def test_every_role_reaches_the_api_with_its_access_policies(tier_stack):
    tier, stack = tier_stack
    expected = expected_access(tier)
    role_arns = stack.outputs["roleArns"]
    entries = {_role_of(r, expected): r for r in stack.of_type(ACCESS_ENTRY)}
    assert set(entries) == set(expected), f"{tier}: access entries for {sorted(entries)}, expected {sorted(expected)}"
    granted: dict[str, set] = {role: set() for role in expected}
    for association in stack.of_type(ASSOCIATION):
        inputs = association["inputs"]
        role = _role_of(association, expected)
        policy = inputs["policyArn"].rsplit("/", 1)[1]
        assert inputs["policyArn"] == f"arn:aws:eks::aws:cluster-access-policy/{policy}", association["urn"]
        assert inputs["principalArn"] == role_arns[role], association["urn"]
        assert entries[role]["urn"] in association["dependencies"], f"{association['urn']} must follow its entry"
        scope = inputs["accessScope"]
        granted[role].add((policy, scope["type"], tuple(sorted(scope.get("namespaces") or ()))))
    for role, entry in entries.items():
        assert entry["inputs"]["principalArn"] == role_arns[role], entry["urn"]
        assert entry["inputs"]["type"] == "STANDARD", f"{entry['urn']}: only STANDARD entries take access policies"
        assert entry["inputs"]["clusterName"] == cluster_name(tier), entry["urn"]
    assert granted == expected, f"{tier}: {granted}"


def test_no_principal_has_two_access_entries(tier_stack):
    """EKS allows one access entry per IAM principal; a bootstrapped creator entry would be a second one."""
    tier, stack = tier_stack
    principals = Counter(r["inputs"]["principalArn"] for r in stack.of_type(ACCESS_ENTRY))
    assert principals and max(principals.values()) == 1, f"{tier}: {principals}"
    cluster = stack.one(CLUSTER)
    access = cluster["inputs"]["accessConfig"]
    assert access["authenticationMode"] == "API", cluster["urn"]
    # With True, EKS adds its own entry for whoever creates the cluster: CI creates it as ci-deployer, whose
    # explicit entry then fails with ResourceInUseException.
    assert access["bootstrapClusterCreatorAdminPermissions"] is False, cluster["urn"]


def test_kubernetes_waits_for_the_access_entries(tier_stack):
    """No Kubernetes call before the entries exist: the provider and every object depend on all of them."""
    tier, stack = tier_stack
    ready = access_urns(stack)
    assert ready, f"{tier}: no access entries"
    waiting = [stack.one(K8S_PROVIDER)] + [r for r in stack.resources if r["type"].startswith("kubernetes:")]
    early = {r["urn"]: sorted(ready - set(r["dependencies"])) for r in waiting if not ready <= set(r["dependencies"])}
    assert not early, f"{tier}: registered without waiting for the access entries: {early}"


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
        else f"add it to EKS_STANDARD_SUPPORT_END in components/config.py from {RELEASE_CALENDAR}"
    )
    return (
        f"EKS {version} leaves standard support on {end} ({left} days from {today}, margin "
        f"{SUPPORT_MARGIN_DAYS}): move cluster.kubernetesVersion to {target} ({calendar}) in "
        "components/tiers.py, one minor version at a time through dev, staging and prod. After that day AWS "
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


# --- 5. off-hours capacity -----------------------------------------------------------------------------------


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


# vCPUs, GiB and the pods the VPC CNI fits without prefix delegation, per instance type
# (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html;
# https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt).
INSTANCE_TYPES = {
    "m5.large": (2, 8, 29),
    "m5a.large": (2, 8, 29),
    "m6i.large": (2, 8, 29),
    "m6a.large": (2, 8, 29),
    "m5.xlarge": (4, 16, 58),
    "m5a.xlarge": (4, 16, 58),
    "m6i.xlarge": (4, 16, 58),
    "m6a.xlarge": (4, 16, 58),
}
MIB = 1
GIB = 1024 * MIB
# What the node's kernel keeps of the nominal memory before the kubelet counts capacity (MemTotal is about 95 %).
KERNEL_SHARE = 0.05
EVICTION_MEMORY_MIB = 100  # kubelet hard eviction threshold memory.available<100Mi
# System pods an off-hours node runs besides the monitoring stack (requests, millicores and MiB), from the
# add-ons' manifests: CoreDNS 2 x 100m/70Mi, kube-proxy 100m, aws-node with its network-policy agent 2 x 25m,
# EBS CSI controller 2 replicas x 6 containers x 10m/40Mi, EBS CSI node 3 containers x 10m/40Mi, rounded up
# (600m, 1 GiB) for what a newer add-on version asks more.
SYSTEM_RESERVE = (600, 1 * GIB)
# Where Container Insights runs: the CloudWatch agent, Fluent Bit and the add-on's operator.
CONTAINER_INSIGHTS_RESERVE = (400, 512 * MIB)


def kube_reserved(vcpus: int, max_pods: int) -> tuple[int, int]:
    """The EKS AMIs' kube-reserved: CPU 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 %
    beyond; memory 11 MiB per pod + 255 MiB (https://github.com/awslabs/amazon-eks-ami, kubelet config)."""
    shares = [0.06, 0.01, 0.005, 0.005] + [0.0025] * max(vcpus - 4, 0)
    return round(sum(shares[:vcpus]) * 1000), 11 * max_pods + 255


def allocatable(instance_type: str) -> tuple[int, int]:
    assert instance_type in INSTANCE_TYPES, f"add {instance_type} (vCPUs, GiB, max pods) to INSTANCE_TYPES"
    vcpus, gib, max_pods = INSTANCE_TYPES[instance_type]
    cpu_reserved, memory_reserved = kube_reserved(vcpus, max_pods)
    memory = int(gib * GIB * (1 - KERNEL_SHARE)) - memory_reserved - EVICTION_MEMORY_MIB
    return vcpus * 1000 - cpu_reserved, memory


def _millicores(quantity: str) -> int:
    return int(quantity[:-1]) if quantity.endswith("m") else round(float(quantity) * 1000)


def _mebibytes(quantity: str) -> int:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024}
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]i)", quantity).groups()
    return round(float(number) * units[unit])


def _requests(resources: dict[str, Any], where: str) -> tuple[int, int]:
    requests = (resources or {}).get("requests") or {}
    assert {"cpu", "memory"} <= set(requests), f"{where} declares no CPU and memory requests"
    return _millicores(requests["cpu"]), _mebibytes(requests["memory"])


def release_values(config: PlatformConfig) -> dict[str, Any]:
    return monitoring_values(
        config,
        {"warning": "arn:aws:sns:us-east-1:123456789012:warning"},
        "us-east-1",
        ServiceRoles("arn:aws:iam::123456789012:role/am", "arn:aws:iam::123456789012:role/gf"),
    )


def monitoring_pods(config: PlatformConfig) -> dict[str, tuple[int, int]]:
    """pod -> (millicores, MiB) the kube-prometheus-stack release asks for, one entry per pod; node-exporter
    is per node and not in here."""
    values = release_values(config)
    reloader = _requests(values["prometheusOperator"]["prometheusConfigReloader"]["resources"], "config reloader")
    prometheus = values["prometheus"]["prometheusSpec"]
    alertmanager = values["alertmanager"]["alertmanagerSpec"]
    grafana = values["grafana"]
    pods: dict[str, tuple[int, int]] = {}

    def add(name: str, replicas: int, *containers: tuple[int, int]) -> None:
        for replica in range(replicas):
            pods[f"{name}-{replica}"] = (sum(c for c, _ in containers), sum(m for _, m in containers))

    add("prometheus", prometheus["replicas"], _requests(prometheus["resources"], "prometheus"), reloader)
    add("alertmanager", alertmanager["replicas"], _requests(alertmanager["resources"], "alertmanager"), reloader)
    sidecar = _requests(grafana["sidecar"]["resources"], "grafana sidecars")
    add("grafana", grafana["replicas"], _requests(grafana["resources"], "grafana"), *[sidecar] * GRAFANA_SIDECARS)
    add("operator", 1, _requests(values["prometheusOperator"]["resources"], "prometheus operator"))
    add("kube-state-metrics", 1, _requests(values["kube-state-metrics"]["resources"], "kube-state-metrics"))
    return pods


def off_hours_shortfall(config: PlatformConfig) -> list[str]:
    groups = config.cluster.node_groups
    group_count = config.network.az_count if groups.per_az else 1
    nodes = groups.off_hours_min_size * group_count
    smallest = min(groups.instance_types, key=allocatable)
    node_cpu, node_memory = allocatable(smallest)
    reserve = [SYSTEM_RESERVE] + ([CONTAINER_INSIGHTS_RESERVE] if config.observability.container_insights else [])
    values = release_values(config)
    per_node = [_requests(values["prometheus-node-exporter"]["resources"], "node-exporter"), *reserve]
    pods = monitoring_pods(config)
    need_cpu, need_memory = sum(c for c, _ in pods.values()), sum(m for _, m in pods.values())
    one_cpu, one_memory = node_cpu - sum(c for c, _ in per_node), node_memory - sum(m for _, m in per_node)
    free_cpu, free_memory = nodes * one_cpu, nodes * one_memory
    problems = []
    if need_cpu > free_cpu or need_memory > free_memory:
        problems.append(
            f"{nodes} x {smallest} leave {free_cpu}m / {free_memory} MiB after system pods; the "
            f"monitoring stack requests {need_cpu}m / {need_memory} MiB: raise "
            "cluster.nodeGroups.offHoursMinSize or shrink the requests"
        )
    too_big = {pod: need for pod, need in pods.items() if need[0] > one_cpu or need[1] > one_memory}
    if too_big:
        problems.append(f"pods larger than one {smallest} after system pods: {too_big}")
    return problems


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


# --- 7. what the monitoring release waits for ----------------------------------------------------------------


def test_monitoring_release_waits_for_volumes_nodes_priorities_and_access(tier_stack):
    _tier, stack = tier_stack
    release = stack.one(HELM_RELEASE)
    needed = {
        "the EBS CSI add-on (its volume claims)": {
            a["urn"] for a in stack.of_type(ADDON) if a["inputs"]["addonName"] == "aws-ebs-csi-driver"
        },
        "every node group": {g["urn"] for g in stack.of_type(NODE_GROUP)},
        "the access entries": access_urns(stack),
        "the priority classes": {p["urn"] for p in stack.of_type(PRIORITY_CLASS)},
    }
    missing = {
        what: sorted(urns - set(release["dependencies"]))
        for what, urns in needed.items()
        if not urns or not urns <= set(release["dependencies"])
    }
    assert not missing, f"{release['urn']} does not wait for {missing}"


# --- 9. fixed physical names are deleted before they are replaced ----------------------------------------------

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
            [sys.executable, "-m", "tests.test_cluster", tier],
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


def _register_cluster_components(tier: str) -> list[dict[str, Any]]:
    """Cluster, WorkloadIdentity and ClusterAccess under the preview's mocks, keeping every resource option."""
    import logging

    from pulumi.runtime import settings
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    from components.cluster import Cluster, ClusterArgs
    from components.cluster_access import ROLE_KEYS, ClusterAccess, ClusterAccessArgs
    from components.workload_identity import WorkloadIdentity, WorkloadIdentityArgs
    from platformctl.mocks import ACCOUNT_ID, PlatformMocks
    from platformctl.monitor import RecordingMonitor, plain

    class OptionsMonitor(RecordingMonitor):
        def __init__(self, mocks) -> None:
            super().__init__(mocks)
            self.options: dict[str, dict[str, Any]] = {}

        def RegisterResource(self, request):
            response = super().RegisterResource(request)
            self.options[response.urn] = {
                "deleteBeforeReplace": request.deleteBeforeReplace,
                "ignoreChanges": list(request.ignoreChanges),
            }
            return response

    config = stack_config(tier)
    monitor = OptionsMonitor(PlatformMocks())
    settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=MockEngine(logging.getLogger("test_cluster")),
            project="platform",
            stack=tier,
            dry_run=True,
            organization="organization",
            callbacks=None,
        )
    )
    key = f"arn:aws:kms:{config.primary_region}:{ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000"

    def program() -> None:
        prefix = config.name_prefix
        cluster = Cluster(
            f"{prefix}-cluster",
            ClusterArgs(
                config=config,
                vpc_id="vpc-0123456789abcdef0",
                subnet_ids={f"use1-az{i}": f"subnet-0{i}" for i in range(1, config.network.az_count + 1)},
                secrets_key_arn=key,
                volume_key_arn=key,
                logs_key_arn=key,
            ),
        )
        WorkloadIdentity(
            f"{prefix}-workload-identity",
            WorkloadIdentityArgs(
                config=config,
                cluster_name=cluster.cluster_name,
                oidc_issuer=cluster.oidc_issuer,
                alert_topic_arns={"warning": f"arn:aws:sns:{config.primary_region}:{ACCOUNT_ID}:warning"},
                alert_key_arn=key,
                volume_key_arn=key,
                logs_key_arn=key,
            ),
        )
        ClusterAccess(
            f"{prefix}-cluster-access",
            ClusterAccessArgs(
                config=config,
                cluster_name=cluster.cluster_name,
                role_arns={role: f"arn:aws:iam::{ACCOUNT_ID}:role/{prefix}-{role}" for role in ROLE_KEYS},
            ),
        )

    _sync_await(run_in_stack(program))
    return [
        {
            "urn": r.urn,
            "type": r.type,
            "custom": r.custom,
            "inputs": plain(r.inputs),
            **monitor.options.get(r.urn, {"deleteBeforeReplace": False, "ignoreChanges": []}),
        }
        for r in monitor.records
    ]


if __name__ == "__main__":
    print(json.dumps(_register_cluster_components(sys.argv[1])))
