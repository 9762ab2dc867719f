"""Monthly cost of a previewed stack, resource by resource, from the price book and usage file.

Schedule-aware (node groups scaled down outside business hours count their full size only in those hours), spot
as a range (the book's discount band), multi-AZ where AWS charges for the standby. What has
neither a price nor a `free` entry is listed as unpriced, never counted as zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .account import ACCOUNT_ESTIMATORS, MissingUsage
from .pricebook import PRICE_BOOK_NAME, USAGE_NAME, MissingPrice, PriceBook

ROOT_STACK = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class CostLine:
    urn: str
    type: str
    name: str
    component: str
    item: str
    low: float
    high: float
    on_demand_24x7: float  # what the same line costs with no schedule and no spot


@dataclass
class StackEstimate:
    stack: str
    lines: list[CostLine] = field(default_factory=list)
    unpriced: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # math.fsum is exact, so a total does not depend on the order the lines were added in: a float `sum` in
    # registration order made one stack's total differ by a cent between two previews of the same program.
    @property
    def low(self) -> float:
        return round(math.fsum(line.low for line in self.lines), 2)

    @property
    def high(self) -> float:
        return round(math.fsum(line.high for line in self.lines), 2)

    @property
    def on_demand_24x7(self) -> float:
        return round(math.fsum(line.on_demand_24x7 for line in self.lines), 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "monthlyLow": self.low,
            "monthlyHigh": self.high,
            "monthlyOnDemand24x7": self.on_demand_24x7,
            "currency": "USD",
            "lines": [line.__dict__ for line in self.lines],
            "unpriced": self.unpriced,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class _Context:
    book: PriceBook
    usage: dict[str, Any]
    business_hours: float
    by_urn: dict[str, dict[str, Any]]
    off_hours_nodes: dict[str, int]  # node group URN -> nodes it keeps outside business hours


def estimate_stack(
    stack: str, resources: list[dict[str, Any]], book: PriceBook, usage: dict[str, Any], business_hours: float
) -> StackEstimate:
    by_urn = {r["urn"]: r for r in resources}
    context = _Context(book, usage, business_hours, by_urn, _off_hours_nodes(resources))
    result = StackEstimate(stack)
    for resource in resources:
        if not resource["custom"] or resource["type"].startswith("pulumi:providers:"):
            continue
        estimator = _ESTIMATORS.get(resource["type"])
        if estimator is None:
            if not book.is_free(resource["type"]):
                result.unpriced.append(
                    {
                        "urn": resource["urn"],
                        "type": resource["type"],
                        "reason": f"no price and no free entry in {PRICE_BOOK_NAME}",
                    }
                )
            continue
        try:
            items = estimator(resource, context)
        except MissingPrice as missing:
            result.unpriced.append(
                {
                    "urn": resource["urn"],
                    "type": resource["type"],
                    "reason": f"no price for {missing} in {PRICE_BOOK_NAME}",
                }
            )
            continue
        except MissingUsage as missing:
            result.unpriced.append(
                {"urn": resource["urn"], "type": resource["type"], "reason": f"no usage for {missing} in {USAGE_NAME}"}
            )
            continue
        component = _component(resource, by_urn)
        result.lines += [
            CostLine(resource["urn"], resource["type"], resource["name"], component, item, low, high, on_demand)
            for item, low, high, on_demand in items
        ]
    return result


Item = tuple[str, float, float, float]  # description, low, high, on-demand 24x7


def _flat(description: str, monthly: float) -> list[Item]:
    return [(description, monthly, monthly, monthly)]


def _hours(context: _Context) -> float:
    return context.book.hours_per_month


def _node_group(resource: dict[str, Any], context: _Context) -> list[Item]:
    inputs = resource["inputs"]
    count = inputs.get("scalingConfig", {}).get("desiredSize", 0)
    types = inputs.get("instanceTypes") or []
    if not types:
        raise MissingPrice("instanceTypes (none declared)")
    hourly = sum(context.book.instance_hour(t) for t in types) / len(types)  # the mix the group draws from
    full = _hours(context)
    off_hours = context.off_hours_nodes.get(resource["urn"])
    # Node-hours a month: the desired count all month, or business hours plus the off-hours floor.
    node_hours = (
        count * full
        if off_hours is None
        else (count * context.business_hours + off_hours * (full - context.business_hours))
    )
    on_demand = count * hourly * full
    low = high = hourly * node_hours
    if inputs.get("capacityType") == "SPOT":
        low_discount, high_discount = context.book.spot_discount()
        low, high = low * (1 - high_discount), high * (1 - low_discount)
    disk = _launch_template_disk(resource, context) * context.book.service("ebsGp3GbMonth")
    kind = "spot" if inputs.get("capacityType") == "SPOT" else "on-demand"
    when = f"{full:.0f} h" if off_hours is None else (f"{context.business_hours:.0f} h, {off_hours} off-hours")
    share = node_hours / full
    return [
        (f"{count} x {'/'.join(types)} {kind}, {when}", low, high, on_demand),
        (f"{count} node root volumes (gp3)", disk * share, disk * share, disk * count),
    ]


def _launch_template_disk(node_group: dict[str, Any], context: _Context) -> float:
    """The group's launch template, by property dependency (known in any preview), else by id."""
    linked = set(node_group.get("propertyDependencies", {}).get("launchTemplate") or [])
    template_id = node_group["inputs"].get("launchTemplate", {}).get("id")
    for resource in context.by_urn.values():
        if resource["type"] == "aws:ec2/launchTemplate:LaunchTemplate" and (
            resource["urn"] in linked or (template_id and resource.get("id") == template_id)
        ):
            mappings = resource["inputs"].get("blockDeviceMappings") or []
            return float(sum(m.get("ebs", {}).get("volumeSize", 0) for m in mappings))
    return 0.0


def _database(resource: dict[str, Any], context: _Context) -> list[Item]:
    inputs = resource["inputs"]
    multi_az = bool(inputs.get("multiAz"))
    instance = context.book.database_hour(inputs["instanceClass"], multi_az) * _hours(context)
    storage_price = context.book.service("rdsGp3GbMonthMultiAz" if multi_az else "rdsGp3GbMonth")
    storage = float(inputs.get("allocatedStorage", 0)) * storage_price
    items = [
        *_flat(f"{inputs['instanceClass']} {'multi-AZ' if multi_az else 'single-AZ'}", instance),
        *_flat(f"{inputs.get('allocatedStorage', 0)} GiB gp3", storage),
    ]
    if inputs.get("manageMasterUserPassword"):
        items += _flat("master password secret", context.book.service("secretMonth"))
    return items


def _usage(context: _Context, key: str) -> float:
    return float(context.usage.get(key, 0))


def _nat(resource: dict[str, Any], context: _Context) -> list[Item]:
    gb = _usage(context, "natGbPerGateway")
    return [
        *_flat("NAT gateway hours", context.book.service("natGatewayHour") * _hours(context)),
        *_flat(f"{gb:g} GB processed", context.book.service("natGatewayGb") * gb),
    ]


def _load_balancer(resource: dict[str, Any], context: _Context) -> list[Item]:
    lcu = _usage(context, "albLcu")
    hourly = context.book.service("albHour") + lcu * context.book.service("albLcuHour")
    return _flat(f"ALB hours + {lcu:g} LCU", hourly * _hours(context))


def _bucket(resource: dict[str, Any], context: _Context) -> list[Item]:
    sizes = context.usage.get("s3Gb") or {}
    key = max((k for k in sizes if resource["name"].endswith(f"-{k}")), key=len, default=None)
    gb = float(sizes.get(key, 0)) if key else 0.0
    return _flat(f"{gb:g} GB S3 Standard", gb * context.book.service("s3StandardGbMonth"))


def _backup_plan(resource: dict[str, Any], context: _Context) -> list[Item]:
    gb, copied = _usage(context, "backupGb"), _usage(context, "backupCopyGb")
    warm = context.book.service("backupWarmGbMonth")
    items = _flat(f"{gb:g} GB recovery points", gb * warm)
    if any(rule.get("copyActions") for rule in resource["inputs"].get("rules", [])):
        transfer = context.book.service("crossRegionTransferGb")
        items += _flat(f"{copied:g} GB copied to the DR region", copied * (transfer + warm))
    return items


def _backup_replication(resource: dict[str, Any], context: _Context) -> list[Item]:
    gb = _usage(context, "rdsBackupReplicationGb")
    price = context.book.service("crossRegionTransferGb") + context.book.service("rdsBackupGbMonth")
    return _flat(f"{gb:g} GB automated backups in the DR region", gb * price)


def _log_group(resource: dict[str, Any], context: _Context) -> list[Item]:
    name = str(resource["inputs"].get("name", resource["name"]))
    ingest = context.usage.get("logsIngestGb") or {}
    key = next((k for k in ingest if k in name), None)
    gb = float(ingest.get(key, 0)) if key else 0.0
    retention = float(resource["inputs"].get("retentionInDays") or 365)
    stored = gb * retention / 30  # steady state: each month's ingest is kept for the retention period
    return _flat(
        f"{gb:g} GB ingested, {stored:g} GB stored",
        gb * context.book.service("cloudwatchLogsIngestGb")
        + stored * context.book.service("cloudwatchLogsStoreGbMonth"),
    )


def _alarm(resource: dict[str, Any], context: _Context) -> list[Item]:
    metrics = [q for q in resource["inputs"].get("metricQueries", []) if q.get("metric")] or [None]
    return _flat(f"alarm over {len(metrics)} metric(s)", len(metrics) * context.book.service("cloudwatchAlarmMonth"))


def _addon(resource: dict[str, Any], context: _Context) -> list[Item]:
    if resource["inputs"].get("addonName") != "amazon-cloudwatch-observability":
        return []
    metrics = _usage(context, "containerInsightsMetrics")
    return _flat(f"{metrics:g} Container Insights metrics", metrics * context.book.service("cloudwatchMetricMonth"))


def _helm_volumes(resource: dict[str, Any], context: _Context) -> list[Item]:
    prometheus = resource["inputs"].get("values", {}).get("prometheus", {}).get("prometheusSpec", {})
    claim = prometheus.get("storageSpec", {}).get("volumeClaimTemplate", {}).get("spec", {})
    size = claim.get("resources", {}).get("requests", {}).get("storage", "0Gi")
    gib = float(re.sub(r"[^0-9.]", "", size) or 0) * int(prometheus.get("replicas", 1))
    return _flat(f"{gib:g} GiB Prometheus volumes (gp3)", gib * context.book.service("ebsGp3GbMonth")) if gib else []


def _web_acl(resource: dict[str, Any], context: _Context) -> list[Item]:
    # Per web ACL, per rule (a managed group counts as one) and per million requests inspected.
    rules = len(resource["inputs"].get("rules") or [])
    requests = _usage(context, "wafRequestsMillions")
    return [
        *_flat("WAF web ACL", context.book.service("wafWebAclMonth")),
        *_flat(f"{rules} WAF rules", rules * context.book.service("wafRuleMonth")),
        *_flat(f"{requests:g} M requests inspected", requests * context.book.service("wafRequestsMillion")),
    ]


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours)\)$")


def _canary(resource: dict[str, Any], context: _Context) -> list[Item]:
    """Synthetics bills every run (cloudwatch/pricing): runs a month follow from the schedule's rate expression."""
    expression = str((resource["inputs"].get("schedule") or {}).get("expression", ""))
    match = _RATE.match(expression)
    if not match:  # a cron schedule has no fixed rate: say so rather than guess
        raise MissingPrice(f"the run count of schedule {expression!r}")
    minutes = int(match.group(1)) * (60 if match.group(2).startswith("hour") else 1)
    runs = _hours(context) * 60 / minutes
    return _flat(f"{runs:g} canary runs ({expression})", runs * context.book.service("syntheticsCanaryRun"))


def _repository(resource: dict[str, Any], context: _Context) -> list[Item]:
    # ECR storage, and Inspector's scans of the images pushed to it (billed by Inspector, per image).
    gb = _usage(context, "ecrGbPerRepository")
    scans = _usage(context, "ecrImagesScannedPerRepository")
    rescans = _usage(context, "ecrRescansPerRepository")
    return [
        *_flat(f"{gb:g} GB images stored", gb * context.book.service("ecrStorageGbMonth")),
        *_flat(f"{scans:g} images scanned by Inspector", scans * context.book.service("inspectorEcrImageScan")),
        *_flat(f"{rescans:g} Inspector rescans", rescans * context.book.service("inspectorEcrImageRescan")),
    ]


def _simple(service: str, description: str) -> Callable[[dict[str, Any], _Context], list[Item]]:
    return lambda resource, context: _flat(description, context.book.service(service))


_ESTIMATORS: dict[str, Callable[[dict[str, Any], _Context], list[Item]]] = {
    "aws:eks/cluster:Cluster": lambda r, c: _flat(
        "EKS control plane", c.book.service("eksControlPlaneHour") * _hours(c)
    ),
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:eks/addon:Addon": _addon,
    "aws:ec2/natGateway:NatGateway": _nat,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:rds/instance:Instance": _database,
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": _backup_replication,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": lambda r, c: _replication(r, c),
    "aws:backup/plan:Plan": _backup_plan,
    "aws:kms/key:Key": _simple("kmsKeyMonth", "customer-managed key"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _simple("cloudwatchDashboardMonth", "dashboard"),
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:secretsmanager/secret:Secret": _simple("secretMonth", "secret"),
    "aws:route53/zone:Zone": _simple("hostedZoneMonth", "hosted zone"),
    **ACCOUNT_ESTIMATORS,  # GuardDuty, Inspector, Security Hub, AWS Config: per account and region (account.py)
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:ecr/repository:Repository": _repository,
    "aws:synthetics/canary:Canary": _canary,
    "kubernetes:helm.sh/v3:Release": _helm_volumes,
}


def _replication(resource: dict[str, Any], context: _Context) -> list[Item]:
    replica_gb = float((context.usage.get("s3Gb") or {}).get("data-replica", 0))
    return _flat(
        f"{replica_gb:g} GB replicated across regions", replica_gb * context.book.service("crossRegionTransferGb")
    )


def _off_hours_nodes(resources: list[dict[str, Any]]) -> dict[str, int]:
    """Node groups a schedule scales down outside business hours, and to how many nodes (the lowest
    desiredCapacity among their schedules): they run their full size business hours only."""
    asg_owner = {}
    for resource in resources:
        if resource["type"] == "aws:eks/nodeGroup:NodeGroup":
            for group in resource.get("outputs", {}).get("resources", []):
                for asg in group.get("autoscalingGroups", []):
                    asg_owner[asg.get("name")] = resource["urn"]
    desired_size = {
        r["urn"]: r["inputs"].get("scalingConfig", {}).get("desiredSize", 0)
        for r in resources
        if r["type"] == "aws:eks/nodeGroup:NodeGroup"
    }
    floors: dict[str, int] = {}
    for resource in resources:
        desired = resource["inputs"].get("desiredCapacity")
        if resource["type"] != "aws:autoscaling/schedule:Schedule" or not isinstance(desired, (int, float)):
            continue
        owners = set(resource.get("propertyDependencies", {}).get("autoscalingGroupName") or [])
        owners.add(asg_owner.get(resource["inputs"].get("autoscalingGroupName"), ""))
        for owner in owners & set(desired_size):
            if desired < desired_size[owner]:
                floors[owner] = min(int(desired), floors.get(owner, int(desired)))
    return floors


def _component(resource: dict[str, Any], by_urn: dict[str, dict[str, Any]]) -> str:
    """The top-level component a resource belongs to (its ancestor just below the stack)."""
    current = resource
    while current["parent"] in by_urn and by_urn[current["parent"]]["type"] != ROOT_STACK:
        current = by_urn[current["parent"]]
    return current["name"] if current is not resource else "(stack)"
