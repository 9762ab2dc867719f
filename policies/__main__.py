"""The platform policy pack.

pulumi preview --policy-pack policies --policy-pack-config policies/config/<tier>.json
"""

import datetime
import sys
from pathlib import Path

# The CLI runs this file as a script; make `policies` importable as a package from the repo root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policies.exemptions import load_exemptions
from policies.pack import build_policies
from policies.rules import ALL_RULES

PolicyPack(
    name="platform-policies",
    description="Encryption, cost, resilience, security and Kubernetes rules of the platform, per tier.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=build_policies(ALL_RULES, load_exemptions(), datetime.date.today()),
)
