"""The cluster components' registrations with the resource options the preview does not record
(delete_before_replace, ignore_changes), under the preview's mocks. Run in a subprocess, one per tier, so
each gets a fresh Pulumi runtime: `python -m tests.components.cluster.registered_options TIER` prints JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.components.configs import stack_config


def register_cluster_components(tier: str) -> list[dict[str, Any]]:
    """Cluster, WorkloadIdentity and ClusterAccess under the preview's mocks, keeping every resource option."""
    import logging

    from pulumi.runtime import settings
    from pulumi.runtime.mocks import MockEngine, MockSettings
    from pulumi.runtime.stack import run_in_stack
    from pulumi.runtime.sync_await import _sync_await

    from components.cluster.cluster import Cluster, ClusterArgs
    from components.cluster.cluster_access import ROLE_KEYS, ClusterAccess, ClusterAccessArgs
    from components.cluster.workload_identity import WorkloadIdentity, WorkloadIdentityArgs
    from platformctl.preview.mocks import ACCOUNT_ID, PlatformMocks
    from platformctl.preview.resource_monitor import RecordingMonitor, plain

    class OptionsMonitor(RecordingMonitor):
        def __init__(self, mocks) -> None:
            super().__init__(mocks)
            self.options: dict[str, dict[str, Any]] = {}

        def RegisterResource(self, request):
            response = super().RegisterResource(request)
            self.options[response.urn] = {
                "deleteBeforeReplace": request.deleteBeforeReplace,
                "ignoreChanges": list(request.ignoreChanges),
            }
            return response

    config = stack_config(tier)
    monitor = OptionsMonitor(PlatformMocks())
    settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
            engine=MockEngine(logging.getLogger("registered_options")),
            project="platform",
            stack=tier,
            dry_run=True,
            organization="organization",
            callbacks=None,
        )
    )
    key = f"arn:aws:kms:{config.primary_region}:{ACCOUNT_ID}:key/00000000-0000-0000-0000-000000000000"

    def program() -> None:
        prefix = config.name_prefix
        cluster = Cluster(
            f"{prefix}-cluster",
            ClusterArgs(
                config=config,
                vpc_id="vpc-0123456789abcdef0",
                subnet_ids={f"use1-az{i}": f"subnet-0{i}" for i in range(1, config.network.az_count + 1)},
                secrets_key_arn=key,
                volume_key_arn=key,
                logs_key_arn=key,
            ),
        )
        WorkloadIdentity(
            f"{prefix}-workload-identity",
            WorkloadIdentityArgs(
                config=config,
                cluster_name=cluster.cluster_name,
                oidc_issuer=cluster.oidc_issuer,
                alert_topic_arns={"warning": f"arn:aws:sns:{config.primary_region}:{ACCOUNT_ID}:warning"},
                alert_key_arn=key,
                volume_key_arn=key,
                logs_key_arn=key,
            ),
        )
        ClusterAccess(
            f"{prefix}-cluster-access",
            ClusterAccessArgs(
                config=config,
                cluster_name=cluster.cluster_name,
                role_arns={role: f"arn:aws:iam::{ACCOUNT_ID}:role/{prefix}-{role}" for role in ROLE_KEYS},
            ),
        )

    _sync_await(run_in_stack(program))
    return [
        {
            "urn": r.urn,
            "type": r.type,
            "custom": r.custom,
            "inputs": plain(r.inputs),
            **monitor.options.get(r.urn, {"deleteBeforeReplace": False, "ignoreChanges": []}),
        }
        for r in monitor.records
    ]


if __name__ == "__main__":
    print(json.dumps(register_cluster_components(sys.argv[1])))
