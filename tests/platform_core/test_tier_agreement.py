"""Everyone who acts on a tier fact agrees with platform_core.tiers: the deployed program, the pack's
committed per-tier configs, the backup audit, the DR drill, the deploy gate and the post-deploy bake."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from platform_core.tiers import BACKUP_START_WINDOW, FACTS, Tier
from platformctl.delivery.bake import default_minutes
from platformctl.delivery.gate import window_for
from platformctl.ops.backup_recovery_points import recovery_point_limit
from platformctl.ops.dr_drill import Drill

PACK_CONFIG = Path(__file__).resolve().parents[2] / "policies" / "config"


@pytest.mark.parametrize("tier", list(Tier))
def test_the_program_deploys_the_tier_facts(stacks, tier):
    stack, facts = stacks[tier.value], FACTS[tier]
    plan = stack.one("aws:backup/plan:Plan")
    snapshots = [rule for rule in plan["inputs"]["rules"] if not rule.get("enableContinuousBackup")]
    continuous = [rule for rule in plan["inputs"]["rules"] if rule.get("enableContinuousBackup")]
    assert [rule["schedule"] for rule in snapshots] == [facts.backup_schedule], plan["urn"]
    assert bool(continuous) == facts.continuous_database_backup, plan["urn"]
    for rule in plan["inputs"]["rules"]:
        assert rule["lifecycle"]["deleteAfter"] == facts.backup_retention_days, plan["urn"]
        assert rule["startWindow"] * 60 == BACKUP_START_WINDOW.total_seconds(), plan["urn"]
        assert bool(rule.get("copyActions")) == facts.backups_copied_to_dr, plan["urn"]
    database = stack.database()
    assert database["inputs"]["backupRetentionPeriod"] == facts.backup_retention_days, database["urn"]
    assert database["inputs"]["maintenanceWindow"] == facts.database_maintenance_window, database["urn"]
    budget = stack.one("aws:budgets/budget:Budget")
    assert float(budget["inputs"]["limitAmount"]) == facts.monthly_budget_usd, budget["urn"]


@pytest.mark.parametrize("tier", list(Tier))
def test_the_packs_committed_config_holds_the_tier_facts(tier):
    facts, config = FACTS[tier], json.loads((PACK_CONFIG / f"{tier}.json").read_text())
    assert config["backup-retention-matches-tier"]["days"] == facts.backup_retention_days
    assert config["backup-plan-frequency"]["minRunsPerDay"] == facts.backup_runs_per_day
    assert config["backup-continuous-for-database"]["required"] == facts.continuous_database_backup
    assert config["backup-copy-to-other-region"]["required"] == facts.backups_copied_to_dr


@pytest.mark.parametrize("tier", list(Tier))
def test_the_gate_opens_in_the_tiers_deploy_window(tier):
    assert window_for(tier.value) == FACTS[tier].deploy_window


@pytest.mark.parametrize("tier", list(Tier))
def test_the_audit_and_the_drill_measure_against_the_tiers_rpo_and_rto(tier):
    facts = FACTS[tier]
    assert facts.rpo <= recovery_point_limit(facts) <= facts.rpo + BACKUP_START_WINDOW
    drill = Drill(stack=tier.value, outputs={"tier": tier.value}, started=datetime.now(UTC))
    targets = drill.targets()
    assert (targets["RPO"][0], targets["RTO"][0]) == (facts.rpo, facts.rto)


@pytest.mark.parametrize("tier", list(Tier))
def test_bake_watches_for_the_tiers_bake_time(tier):
    assert default_minutes(tier.value) == FACTS[tier].bake_minutes
