"""The MonitoringStack: kube-prometheus-stack sized per tier, its alerts routed to the SNS topics, the Grafana
dashboards, and a release that waits for everything its pods need."""

from __future__ import annotations

import json

from tests.components.kubernetes.objects import HELM_RELEASE, of_kind, release_values
from tests.components.stack_lookups import access_urns

ADDON = "aws:eks/addon:Addon"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"


def test_monitoring_stack_is_sized_per_tier_and_highly_available_in_prod(stacks):
    replicas = {t: release_values(s)["prometheus"]["prometheusSpec"]["replicas"] for t, s in stacks.items()}
    assert replicas == {"dev": 1, "staging": 1, "prod": 2}
    prod = release_values(stacks["prod"])
    assert prod["alertmanager"]["alertmanagerSpec"]["replicas"] == 3
    assert prod["prometheus"]["prometheusSpec"]["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"] == {
        "requests": {"storage": "100Gi"}
    }
    assert "storageSpec" not in release_values(stacks["dev"])["prometheus"]["prometheusSpec"]


def test_platform_workloads_have_disruption_budgets_in_prod_only(stacks):
    for tier, stack in stacks.items():
        values = release_values(stack)
        enabled = [
            values["prometheus"]["podDisruptionBudget"].get("enabled"),
            values["alertmanager"]["podDisruptionBudget"].get("enabled"),
            bool(values["grafana"]["podDisruptionBudget"]),
        ]
        assert enabled == [tier == "prod"] * 3, f"{tier}: {enabled}"


def test_alertmanager_routes_each_severity_to_its_topic(tier_stack):
    _, stack = tier_stack
    config = release_values(stack)["alertmanager"]["config"]
    receivers = {r["name"]: r for r in config["receivers"]}
    topics = {t["name"].rsplit("-", 1)[1]: t["outputs"]["arn"] for t in stack.of_type("aws:sns/topic:Topic")}
    routes = {route["receiver"] for route in config["route"]["routes"]}
    assert {"critical", "warning", "info"} <= routes
    for severity in ("critical", "warning", "info"):
        (sns,) = receivers[severity]["sns_configs"]
        assert sns["topic_arn"] == topics.get(severity, topics["warning"]), severity


def test_dev_logs_at_debug_and_keeps_every_control_plane_log(stacks):
    assert release_values(stacks["dev"])["prometheus"]["prometheusSpec"]["logLevel"] == "debug"
    assert release_values(stacks["prod"])["prometheus"]["prometheusSpec"]["logLevel"] == "info"
    dev_logs = stacks["dev"].one("aws:eks/cluster:Cluster")["inputs"]["enabledClusterLogTypes"]
    assert set(dev_logs) == {"api", "audit", "authenticator", "controllerManager", "scheduler"}


def test_four_grafana_dashboards_with_real_panels(tier_stack):
    _, stack = tier_stack
    dashboards = [
        c
        for c in of_kind(stack, "ConfigMap", "monitoring")
        if c["metadata"].get("labels", {}).get("grafana_dashboard") == "1"
    ]
    titles = set()
    for config_map in dashboards:
        (document,) = [json.loads(text) for text in config_map["data"].values()]
        titles.add(document["title"])
        panels = [p for p in document["panels"] if p.get("type") != "row"]
        assert len(panels) >= 4 and all(p.get("targets") for p in panels), config_map["metadata"]["name"]
    assert titles == {"Infrastructure Overview", "Application Performance", "Database Metrics", "Cost Analysis"}


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
