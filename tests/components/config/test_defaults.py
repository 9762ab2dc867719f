"""Tier defaults: valid, holding the documented tier facts, and the tier behaviour they give the resources each
stack registers."""

from __future__ import annotations

import re

import pytest

from components.config.defaults import TIER_DEFAULTS
from components.config.windows import backup_clashes_with_window
from platform_core.tiers import FACTS, Tier
from tests.components.configs import load

RETENTION = {"dev": 7, "staging": 14, "prod": 30}
MAINTENANCE = {"prod": "sun:02:00-sun:06:00", "staging": "sat:02:00-sat:06:00"}
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
DB = "aws:rds/instance:Instance"
PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
STATEFUL = (
    "aws:rds/instance:Instance",
    "aws:s3/bucket:Bucket",
    "aws:backup/vault:Vault",
    "aws:kms/key:Key",
    "aws:ecr/repository:Repository",
)


def subnet_azs(stack) -> dict[str, str]:
    """Subnet id -> zone ID (subnets are placed by zone ID, `use1-az4`, not by AZ name)."""
    return {r["id"]: r["inputs"]["availabilityZoneId"] for r in stack.of_type("aws:ec2/subnet:Subnet")}


def test_spot_capacity_only_in_dev(tier_stack):
    tier, stack = tier_stack
    groups = stack.of_type(NODE_GROUP)
    assert groups, f"no node groups in {tier}"
    for group in groups:
        expected = "SPOT" if tier == "dev" else "ON_DEMAND"
        assert group["inputs"]["capacityType"] == expected, group["urn"]
        if tier == "dev":
            assert len(group["inputs"]["instanceTypes"]) >= 3, f"{group['urn']}: spot needs several types"


def test_dev_scales_down_to_its_off_hours_floor_outside_business_hours(stacks):
    for tier, stack in stacks.items():
        schedules = stack.of_type("aws:autoscaling/schedule:Schedule")
        if tier != "dev":
            assert not schedules, f"{tier} must not scale on a schedule: {[s['urn'] for s in schedules]}"
            continue
        by_recurrence = {s["inputs"]["recurrence"]: s for s in schedules}
        assert set(by_recurrence) == {"0 9 * * MON-FRI", "0 17 * * MON-FRI"}
        down = by_recurrence["0 17 * * MON-FRI"]
        # One node stays: an off-hours deploy's Helm release must find somewhere to run (offHoursMinSize).
        assert down["inputs"]["desiredCapacity"] == down["inputs"]["minSize"] == 1, down["urn"]
        assert all(s["inputs"]["timeZone"] == "Etc/UTC" for s in schedules)
        group_asgs = {g["outputs"]["resources"][0]["autoscalingGroups"][0]["name"] for g in stack.of_type(NODE_GROUP)}
        assert {s["inputs"]["autoscalingGroupName"] for s in schedules} == group_asgs


def test_prod_node_groups_cover_every_az_and_survive_losing_one(stacks):
    stack = stacks["prod"]
    azs = subnet_azs(stack)
    groups = stack.of_type(NODE_GROUP)
    covered = {azs[subnet] for group in groups for subnet in group["inputs"]["subnetIds"]}
    assert covered == set(stack.outputs["availabilityZoneIds"]) and len(covered) == 3, covered
    minimums = [g["inputs"]["scalingConfig"]["minSize"] for g in groups]
    assert sum(minimums) - max(minimums) >= 2, f"losing one AZ leaves {sum(minimums) - max(minimums)} nodes"


@pytest.mark.parametrize("tier,azs,nats", [("dev", 2, 1), ("staging", 2, 1), ("prod", 3, 3)])
def test_network_spans_the_tier_azs_with_its_nat_strategy(stacks, tier, azs, nats):
    stack = stacks[tier]
    primary = stack.outputs["primaryRegion"]
    subnets = [s for s in stack.of_type("aws:ec2/subnet:Subnet") if stack.provider_region(s) == primary]
    assert len({s["inputs"]["availabilityZoneId"] for s in subnets}) == azs
    assert len(subnets) == 3 * azs, "public, private and database subnet in each AZ"
    assert len(stack.of_type("aws:ec2/natGateway:NatGateway")) == nats
    assert len(stack.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")) == 1


def test_private_route_tables_use_their_own_az_nat_in_prod(stacks):
    stack = stacks["prod"]
    azs = subnet_azs(stack)
    nat_az = {n["id"]: azs[n["inputs"]["subnetId"]] for n in stack.of_type("aws:ec2/natGateway:NatGateway")}
    routes = [r for r in stack.of_type("aws:ec2/route:Route") if r["inputs"].get("natGatewayId")]
    assert len(routes) == 3
    for route in routes:
        assert route["name"].endswith(nat_az[route["inputs"]["natGatewayId"]]), route["urn"]


def test_flow_logs_outside_dev(tier_stack):
    tier, stack = tier_stack
    # One per VPC (prod also has the DR VPC).
    vpcs = stack.of_type("aws:ec2/vpc:Vpc")
    assert len(stack.of_type("aws:ec2/flowLog:FlowLog")) == (0 if tier == "dev" else len(vpcs))


def test_database_is_multi_az_only_in_prod(tier_stack):
    tier, stack = tier_stack
    db = stack.database()
    assert db["inputs"]["multiAz"] is (tier == "prod"), db["urn"]


def test_database_backup_retention_and_windows(tier_stack):
    tier, stack = tier_stack
    inputs = stack.database()["inputs"]
    assert inputs["backupRetentionPeriod"] == RETENTION[tier]
    if tier in MAINTENANCE:
        assert inputs["maintenanceWindow"] == MAINTENANCE[tier]
    else:  # dev: inside business hours, 09:00-17:00 UTC on a weekday
        day, start, _, end = re.match(r"(\w+):(\d\d:\d\d)-(\w+):(\d\d:\d\d)", inputs["maintenanceWindow"]).groups()
        assert day in {"mon", "tue", "wed", "thu", "fri"} and "09:00" <= start < end <= "17:00", inputs


def test_database_is_guarded_outside_dev(tier_stack):
    tier, stack = tier_stack
    db = stack.database()
    inputs = db["inputs"]
    guarded = tier != "dev"
    assert inputs["deletionProtection"] is guarded, db["urn"]
    assert inputs["skipFinalSnapshot"] is not guarded, db["urn"]
    assert inputs["performanceInsightsEnabled"] is guarded, db["urn"]
    assert ("finalSnapshotIdentifier" in inputs) is guarded, db["urn"]


def test_every_database_forces_tls_through_its_parameter_group(tier_stack):
    _, stack = tier_stack
    groups = {g["outputs"]["name"]: g for g in stack.of_type("aws:rds/parameterGroup:ParameterGroup")}
    for db in stack.of_type(DB):
        group = groups[db["inputs"]["parameterGroupName"]]
        parameters = {p["name"]: p["value"] for p in group["inputs"]["parameters"]}
        assert parameters["rds.force_ssl"] == "1", f"{db['urn']} uses {group['urn']} without rds.force_ssl"


def test_prod_keeps_a_read_replica_in_the_dr_region(tier_stack):
    tier, stack = tier_stack
    replicas = [r for r in stack.of_type(DB) if "replicateSourceDb" in r["inputs"]]
    if tier != "prod":
        assert not replicas
        return
    (replica,) = replicas
    assert replica["inputs"]["replicateSourceDb"] == stack.database()["outputs"]["arn"]
    assert stack.provider_region(replica) == stack.outputs["drRegion"], replica["urn"]
    assert replica["inputs"]["storageEncrypted"] and replica["protect"], replica["urn"]
    subnet_group = next(
        g
        for g in stack.of_type("aws:rds/subnetGroup:SubnetGroup")
        if g["outputs"]["name"] == replica["inputs"]["dbSubnetGroupName"]
    )
    assert stack.provider_region(subnet_group) == stack.outputs["drRegion"]


def test_backup_plan_keeps_recovery_points_for_the_tier_retention(tier_stack):
    tier, stack = tier_stack
    plan = stack.one(PLAN)
    for rule in plan["inputs"]["rules"]:
        assert rule["lifecycle"]["deleteAfter"] == RETENTION[tier], f"{plan['urn']} rule {rule['ruleName']}"


def test_backup_frequency_per_tier(tier_stack):
    tier, stack = tier_stack
    rules = stack.one(PLAN)["inputs"]["rules"]
    snapshots = [r for r in rules if not r.get("enableContinuousBackup")]
    continuous = [r for r in rules if r.get("enableContinuousBackup")]
    runs_per_day = sum(_runs_per_day(r["schedule"]) for r in snapshots)
    if tier == "prod":
        assert runs_per_day >= 4 and len(continuous) == 1, rules
    else:
        assert runs_per_day == 1 and not continuous, rules


def _runs_per_day(cron: str) -> int:
    _minute, hour, *_ = cron.removeprefix("cron(").removesuffix(")").split()
    if "/" in hour:
        start, step = hour.split("/")
        return len(range(int(start), 24, int(step)))
    return len(hour.split(","))


def test_dr_copy_only_in_prod_and_to_a_vault_in_the_dr_region(tier_stack):
    tier, stack = tier_stack
    rules = stack.one(PLAN)["inputs"]["rules"]
    vaults = stack.of_type(VAULT)
    if tier != "prod":
        assert len(vaults) == 1 and not any(r.get("copyActions") for r in rules)
        return
    dr_vault = next(v for v in vaults if stack.provider_region(v) == stack.outputs["drRegion"])
    for rule in rules:
        destinations = [c["destinationVaultArn"] for c in rule["copyActions"]]
        assert destinations == [dr_vault["outputs"]["arn"]], f"rule {rule['ruleName']} copies to {destinations}"
        assert f":{stack.outputs['drRegion']}:" in destinations[0]


def test_vault_lock_only_in_prod(tier_stack):
    tier, stack = tier_stack
    locks = stack.of_type("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert len(locks) == (2 if tier == "prod" else 0)
    for lock in locks:
        assert lock["inputs"]["minRetentionDays"] == RETENTION[tier], lock["urn"]


def test_backup_selection_covers_every_stateful_resource(tier_stack):
    _, stack = tier_stack
    selected = set(stack.one("aws:backup/selection:Selection")["inputs"]["resources"])
    primary = stack.outputs["primaryRegion"]
    # The ALB access-log bucket holds diagnostics only ELB writes (storage.py says why it is not backed up); the
    # page-load canary's artifacts bucket holds expiring run artifacts (observability/synthetics.py).
    stateful = [
        r
        for r in stack.of_type(DB) + stack.of_type("aws:s3/bucket:Bucket")
        if stack.provider_region(r) == primary and not r["urn"].endswith(("-alb-logs", "-page-load-artifacts"))
    ]
    assert len(stateful) == 3
    for resource in stateful:
        assert resource["outputs"]["arn"] in selected, f"{resource['urn']} is not selected by the backup plan"


def test_data_bucket_replicates_to_the_dr_region_only_in_prod(tier_stack):
    tier, stack = tier_stack
    replication = stack.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    if tier != "prod":
        assert not replication
        return
    destination = replication[0]["inputs"]["rules"][0]["destination"]["bucket"]
    replica = next(b for b in stack.of_type("aws:s3/bucket:Bucket") if b["outputs"]["arn"] == destination)
    assert stack.provider_region(replica) == stack.outputs["drRegion"], replica["urn"]


def test_eks_endpoint_private_for_nodes_public_only_to_named_networks_and_secrets_encrypted(tier_stack):
    tier, stack = tier_stack
    cluster = stack.one("aws:eks/cluster:Cluster")
    vpc_config = cluster["inputs"]["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    # Public so the deploy runners reach it, but in prod only from their static egress ranges (narrow).
    assert vpc_config["endpointPublicAccess"] is True, cluster["urn"]
    if tier == "prod":
        assert all(int(c.split("/")[1]) >= 24 for c in vpc_config["publicAccessCidrs"]), cluster["urn"]
    encryption = cluster["inputs"]["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    secrets_key = next(k for k in stack.of_type("aws:kms/key:Key") if k["name"].endswith("-secrets"))
    assert encryption["provider"]["keyArn"] == secrets_key["outputs"]["arn"], cluster["urn"]


def test_availability_target_is_exported(tier_stack):
    tier, stack = tier_stack
    assert stack.outputs["availabilityTarget"] == {"dev": 99.0, "staging": 99.5, "prod": 99.9}[tier]


@pytest.mark.parametrize("tier", list(Tier))
def test_tier_defaults_are_valid_and_keep_the_standard_retention(tier):
    config = load(tier.value)
    assert config.backup.retention_days == FACTS[tier].backup_retention_days
    assert config.database.backup_retention_days == FACTS[tier].backup_retention_days


def test_tier_defaults_differ_where_the_documentation_says():
    dev, staging, prod = (load(t) for t in ("dev", "staging", "prod"))
    assert (dev.network.az_count, staging.network.az_count, prod.network.az_count) == (2, 2, 3)
    assert dev.cluster.node_groups.capacity_type == "SPOT"
    assert staging.cluster.node_groups.capacity_type == prod.cluster.node_groups.capacity_type == "ON_DEMAND"
    assert [c.database.multi_az for c in (dev, staging, prod)] == [False, False, True]
    assert prod.database.maintenance_window == "sun:02:00-sun:06:00"
    assert staging.database.maintenance_window == "sat:02:00-sat:06:00"
    assert [c.backup.copy_to_dr for c in (dev, staging, prod)] == [False, False, True]


def test_tier_defaults_cover_every_tier():
    assert set(TIER_DEFAULTS) == set(Tier)


@pytest.mark.parametrize("tier", ["dev", "staging", "prod"])
def test_tier_defaults_keep_backups_clear_of_the_rds_window(tier):
    config = load(tier)
    for rule, expression in config.backup.schedules.items():
        assert backup_clashes_with_window(expression, config.database.backup_window, 60) is None, rule


def test_tier_defaults_take_the_documented_facts_from_the_shared_core():
    for tier in Tier:
        facts, config = FACTS[tier], load(tier.value)
        assert config.database.backup_retention_days == facts.backup_retention_days, tier
        assert config.database.maintenance_window == facts.database_maintenance_window, tier
        assert list(config.backup.schedules.values()) == [facts.backup_schedule], tier
        assert config.backup.continuous_database_backup is facts.continuous_database_backup, tier
        assert config.backup.copy_to_dr is facts.backups_copied_to_dr, tier
        assert config.budget.monthly_limit_usd == facts.monthly_budget_usd, tier
        assert config.availability_target == facts.availability_percent, tier


def test_snapshot_rules_keep_their_names():
    """A rule's name is an input of the backup plan: renaming it rewrites the plan's rules."""
    names = {tier: list(load(tier.value).backup.schedules) for tier in Tier}
    assert names == {Tier.DEV: ["daily"], Tier.STAGING: ["daily"], Tier.PROD: ["every-4-hours"]}


def test_nothing_stateful_is_unprotected_in_prod(stacks):
    for tier, stack in stacks.items():
        for resource in (r for r in stack.resources if r["type"] in STATEFUL):
            assert resource["protect"] is (tier == "prod"), f"{resource['urn']}: protect={resource['protect']}"
