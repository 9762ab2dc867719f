"""The per-tier pack config is generated from the tier facts and the one table of choices; the committed
files are that output (`python -m platform_policies.tier_config --write` refreshes them)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from platform_core.tiers import FACTS, Tier
from platform_policies.rules import ALL_RULES
from platform_policies.tier_config import CONFIG_DIR, config_file, main, rendered, tier_config

RULES = {rule.name: rule for rule in ALL_RULES}
LEVELS = ("advisory", "mandatory", "disabled")


@pytest.mark.parametrize("tier", list(Tier))
def test_the_committed_config_is_the_generated_one(tier):
    assert config_file(tier).read_text() == rendered(tier), "run: python -m platform_policies.tier_config --write"


def test_nothing_but_the_three_tiers_lives_in_the_config_folder():
    assert sorted(path.name for path in CONFIG_DIR.iterdir()) == sorted(f"{tier.value}.json" for tier in Tier)


@pytest.mark.parametrize("tier", list(Tier))
def test_every_entry_names_a_rule_and_its_properties(tier):
    for name, entry in tier_config(tier).items():
        assert name in RULES, f"{tier}: {name} is not a rule of the pack"
        if isinstance(entry, str):
            assert entry in LEVELS
            continue
        assert entry.get("enforcementLevel", "advisory") in LEVELS
        unknown = set(entry) - {"enforcementLevel"} - set(RULES[name].config)
        assert not unknown, f"{tier}: {name} has no properties {sorted(unknown)}"


@pytest.mark.parametrize("tier", list(Tier))
def test_backup_settings_are_the_tier_facts(tier):
    facts, config = FACTS[tier], tier_config(tier)
    assert config["backup-retention-matches-tier"] == {"days": facts.backup_retention_days}
    assert config["rds-backup-retention-matches-tier"] == {"days": facts.backup_retention_days}
    assert config["backup-plan-frequency"] == {"minRunsPerDay": facts.backup_runs_per_day}
    assert config["backup-continuous-for-database"] == {"required": facts.continuous_database_backup}
    assert config["backup-copy-to-other-region"] == {"required": facts.backups_copied_to_dr}


def test_prod_snapshots_six_times_a_day():
    assert tier_config(Tier.PROD)["backup-plan-frequency"] == {"minRunsPerDay": 6}


def test_rule_defaults_are_the_prod_facts_not_copies_of_them():
    prod = FACTS[Tier.PROD]
    assert RULES["backup-retention-matches-tier"].config["days"] == prod.backup_retention_days
    assert RULES["rds-backup-retention-matches-tier"].config["days"] == prod.backup_retention_days
    assert RULES["backup-plan-frequency"].config["minRunsPerDay"] == prod.backup_runs_per_day
    assert RULES["backup-continuous-for-database"].config["required"] is prod.continuous_database_backup
    assert RULES["backup-copy-to-other-region"].config["required"] is prod.backups_copied_to_dr


@pytest.mark.parametrize("tier", list(Tier))
def test_eks_endpoint_levels_per_tier(tier):
    """prod enforces the fenced public endpoint; dev and staging keep 0.0.0.0/0 as an advisory finding."""
    config = json.loads(config_file(tier).read_text())
    private = config.get("eks-endpoint-private", {})
    restricted = config.get("eks-public-endpoint-restricted", RULES["eks-public-endpoint-restricted"].level)
    assert private.get("required", RULES["eks-endpoint-private"].config["required"]) is (tier == Tier.PROD)
    assert restricted == ("mandatory" if tier == Tier.PROD else "advisory")
    rule_config = {**RULES["eks-endpoint-private"].config, **private}
    assert rule_config["publicEndpointAllowed"] is True and rule_config["minPublicPrefixLength"] == 24


def test_the_module_prints_every_tier_and_writes_the_files(tmp_path, monkeypatch):
    printed = subprocess.run(
        [sys.executable, "-m", "platform_policies.tier_config"], capture_output=True, text=True, check=True
    )
    assert json.loads(printed.stdout) == {tier.value: tier_config(tier) for tier in Tier}
    monkeypatch.setattr("platform_policies.tier_config.CONFIG_DIR", tmp_path)
    main(["--write"])
    assert {path.name: path.read_text() for path in tmp_path.iterdir()} == {
        f"{tier.value}.json": rendered(tier) for tier in Tier
    }
