"""Which region is a stack's primary one."""

from __future__ import annotations

from platform_policies.rules.resilience.regions import primary_region
from tests.policies.cases import res
from tests.policies.rules.resilience.backup_coverage_cases import BUCKET, selection
from tests.policies.rules.resilience.backups_cases import EAST, WEST


def test_primary_region_prefers_the_backup_selection():
    west_only = [res(BUCKET, f"b{i}", provider_props=WEST) for i in range(3)]
    assert primary_region([*west_only, selection()]) == "us-east-1"
    assert primary_region([*west_only, res(BUCKET, "e", provider_props=EAST)]) == "us-west-2"
    assert primary_region([res(BUCKET)]) is None
