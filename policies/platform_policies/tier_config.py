"""Each tier's policy-pack config (policies/config/<tier>.json), generated: tier facts from the shared core,
the other per-tier choices from the one table below.

    python -m platform_policies.tier_config            # prints every tier's config, by tier, as JSON
    python -m platform_policies.tier_config --write    # refreshes policies/config/<tier>.json

A rule a tier does not list runs with the rule's defaults, which are the prod tier's values.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platform_core.tiers import FACTS, Tier, TierFacts

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

DEV, STAGING, PROD = Tier.DEV, Tier.STAGING, Tier.PROD

# Settings that are tier facts: written in platform_core.tiers, read here.
FROM_FACTS: dict[str, Callable[[TierFacts], dict[str, Any]]] = {
    "backup-retention-matches-tier": lambda facts: {"days": facts.backup_retention_days},
    "rds-backup-retention-matches-tier": lambda facts: {"days": facts.backup_retention_days},
    "backup-plan-frequency": lambda facts: {"minRunsPerDay": facts.backup_runs_per_day},
    "backup-continuous-for-database": lambda facts: {"required": facts.continuous_database_backup},
    "backup-copy-to-other-region": lambda facts: {"required": facts.backups_copied_to_dr},
    "estimate-within-budget": lambda facts: {"usageProfile": facts.tier.value},
}

# The per-tier choices that are no tier fact: rule -> tier -> its config entry (a level, or properties).
CHOICES: dict[str, dict[Tier, Any]] = {
    "backup-vault-lock": {DEV: {"required": False}, STAGING: {"required": False}, PROD: {"required": True}},
    "rds-multi-az": {DEV: {"required": False}, STAGING: {"required": False}, PROD: {"required": True}},
    "rds-deletion-protection": {DEV: {"required": False}, STAGING: {"required": True}, PROD: {"required": True}},
    "rds-final-snapshot": {DEV: {"required": False}, STAGING: {"required": True}, PROD: {"required": True}},
    "stateful-resources-protected": {DEV: {"required": False}, STAGING: {"required": False}, PROD: {"required": True}},
    "vpc-spans-min-azs": {DEV: {"minAzs": 2}, STAGING: {"minAzs": 2}, PROD: {"minAzs": 3}},
    "nat-gateway-count": {DEV: {"max": 1, "perAz": False}, STAGING: {"max": 1, "perAz": False}},
    "log-retention-capped": {DEV: {"maxDays": 14}, STAGING: {"maxDays": 90}},
    "volumes-use-gp3": {DEV: {"allowedTypes": ["gp3"]}, STAGING: {"allowedTypes": ["gp3"]}},
    "node-instance-types-allowed": {
        DEV: {
            "allowed": [
                "m5.large",
                "m5.xlarge",
                "m5a.large",
                "m5a.xlarge",
                "m6a.xlarge",
                "m6i.xlarge",
                "m7g.large",
                "t3.large",
                "t3a.large",
                "t4g.large",
                "t4g.xlarge",
            ]
        },
        STAGING: {"allowed": ["m6i.large", "m6i.xlarge", "m7i.large", "m7i.xlarge", "m7g.large", "m7g.xlarge"]},
    },
    "rds-instance-class-allowed": {
        DEV: {"allowed": ["db.t4g.micro", "db.t4g.small", "db.t4g.medium"]},
        STAGING: {"allowed": ["db.t4g.medium", "db.t4g.large", "db.r6g.large"]},
    },
    # A node kept off-hours lets an off-hours deploy finish (Helm waits for its pods).
    "dev-schedules-scale-to-zero": {DEV: {"required": True, "maxOffHoursNodes": 1}},
    "node-groups-use-spot": {DEV: {"enforcementLevel": "mandatory"}, PROD: "disabled"},
    # Outside prod a public API endpoint is allowed and 0.0.0.0/0 stays an advisory finding.
    "eks-endpoint-private": {DEV: {"required": False}, STAGING: {"required": False}},
    "eks-public-endpoint-restricted": {PROD: "mandatory"},
    "iam-admin-roles-require-mfa": {DEV: {"namePattern": "break-glass"}},
    "k8s-pdbs-for-platform-workloads": {DEV: {"required": False}, STAGING: {"required": False}},
    "rds-iam-auth": {STAGING: "mandatory", PROD: "mandatory"},
    # dev has no flow logs (platform:network.flowLogs): the finding stays visible there, not blocking.
    "vpc-flow-logs-enabled": {DEV: "advisory"},
    # Enhanced Monitoring is off in dev (database.monitoringIntervalSeconds 0); a replica (prod only) must log
    # like its source wherever one exists.
    "rds-enhanced-monitoring": {DEV: "disabled"},
    "rds-replica-log-exports": {DEV: "advisory", STAGING: "advisory"},
    # Dev may try a workload that reads IMDS from a pod, and may run without trail notifications.
    "node-imds-hop-limit-one": {DEV: "advisory"},
    "cloudtrail-sns-notifications": {DEV: "advisory"},
    # dev runs without ALB access logs or WAF by default (platform:ingress.accessLogs/waf, cost): visible there,
    # not blocking. A dev stack that turns WAF on is held to its logging like the others.
    "alb-access-logs-enabled": {DEV: "advisory"},
    "alb-waf-protected": {DEV: "advisory"},
    # dev has no replica or ALB log bucket; a bucket tried out there without access logs stays visible, not blocking.
    "s3-server-access-logging": {DEV: "advisory"},
    # Query logging and DNSSEC are prod controls (platform:dns; dev and staging leave the zone as the baseline made it).
    "route53-query-logging": {DEV: "disabled", STAGING: "disabled"},
    "route53-dnssec-signing": {DEV: "disabled", STAGING: "disabled"},
    # dev runs no canary (platform:observability.synthetics, cost): the gap stays visible there, not blocking.
    "page-load-canary": {DEV: "advisory"},
}


def tier_config(tier: Tier) -> dict[str, Any]:
    """The pack config of `tier`, rules in name order."""
    facts = FACTS[tier]
    entries = {rule: setting(facts) for rule, setting in FROM_FACTS.items()}
    entries |= {rule: by_tier[tier] for rule, by_tier in CHOICES.items() if tier in by_tier}
    return dict(sorted(entries.items()))


def rendered(tier: Tier) -> str:
    return json.dumps(tier_config(tier), indent=2) + "\n"


def config_file(tier: Tier) -> Path:
    return CONFIG_DIR / f"{tier.value}.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m platform_policies.tier_config", description=__doc__)
    parser.add_argument("--write", action="store_true", help="refresh policies/config/<tier>.json")
    args = parser.parse_args(argv)
    if not args.write:
        print(json.dumps({tier.value: tier_config(tier) for tier in Tier}, indent=2))
        return
    for tier in Tier:
        config_file(tier).write_text(rendered(tier))


if __name__ == "__main__":
    main()
