"""The platform policy pack, as the Pulumi CLI runs it (with the pack's own virtualenv, this folder on sys.path).

pulumi preview --policy-pack policies --policy-pack-config policies/config/<tier>.json
"""

from __future__ import annotations

import datetime
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

from platform_policies import collector
from platform_policies.crossguard import build_policies
from platform_policies.exemptions import load_for_pack
from platform_policies.rules import ALL_RULES

# A broken exemptions file must not stop the pack: it becomes a violation of policy-exemptions-valid.
exemptions, broken_file = load_for_pack(Path(__file__).resolve().parent / "exemptions.yaml")

collector.quiet()  # before PolicyPack: it serves requests until the CLI is done
PolicyPack(
    name="platform-policies",
    description="Encryption, cost, resilience, security and Kubernetes rules of the platform, per tier.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=build_policies(ALL_RULES, exemptions, datetime.date.today(), broken_file),
)
