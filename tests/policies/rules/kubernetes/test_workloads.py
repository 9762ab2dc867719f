"""Workload rules: what their messages name."""

from __future__ import annotations

from platform_policies.rules.kubernetes import workloads
from tests.policies.rules.kubernetes.workloads_cases import container, deployment

RULES = {rule.name: rule for rule in workloads.RULES}


def test_messages_name_the_container() -> None:
    found = RULES["k8s-containers-have-requests-limits"].check_resource(
        deployment(init=[container("migrate", resources={"requests": {"cpu": "1", "memory": "1Gi"}})])
    )
    assert found == ["init container migrate has no resources limits.cpu, limits.memory"]
