"""Starting a pack with an environment the kernel refuses is a usage error naming the variable, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.policy.runner import analyzer

PACK = Path(__file__).resolve().parents[3] / "policies"


def test_a_config_too_large_for_one_environment_variable_names_it():
    environment = {"PULUMI_STACK": "dev", "PULUMI_CONFIG": '{"platform:owner": "' + "x" * 150_000 + '"}'}
    with pytest.raises(UsageError, match=r"PULUMI_CONFIG is 150,\d{3} characters"), analyzer(PACK, environment):
        pass
