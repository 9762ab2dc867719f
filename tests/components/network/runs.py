"""The Network, DrNetwork and Edge components run in-process, per tier, with each tier's real stack configuration.

They run under `platformctl.preview.mocks.PlatformMocks` with two answers made realistic here:
`getAvailabilityZones` returns the zone IDs an account really sees (not in name order, us-east-1 with
`use1-az3`, which EKS refuses), and `getZone` answers the public-zone lookup when the shared mocks do not
(yet). The component and resource names are the ones `__main__.py` gives, so the URNs in the failures are
the stack's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from components.config.loader import load_platform_config
from components.network import (
    AccessLogs,
    DrNetwork,
    DrNetworkArgs,
    Edge,
    EdgeArgs,
    Network,
    NetworkArgs,
    alb_access_logs,
)
from platformctl.preview import mocks as platform_mocks
from platformctl.preview.resource_monitor import RecordingMonitor, plain
from platformctl.project import load_project, load_stack_config
from tests.components.configs import REPO

AZ_TOKEN = "aws:index/getAvailabilityZones:getAvailabilityZones"


ZONE_TOKEN = "aws:route53/getZone:getZone"


# What an account sees: names map to zone IDs in no particular order (they differ per account).
ACCOUNT_ZONES = {
    "us-east-1": {
        "us-east-1a": "use1-az6",
        "us-east-1b": "use1-az1",
        "us-east-1c": "use1-az2",
        "us-east-1d": "use1-az4",
        "us-east-1e": "use1-az3",
        "us-east-1f": "use1-az5",
    },
    "us-west-2": {
        "us-west-2a": "usw2-az2",
        "us-west-2b": "usw2-az1",
        "us-west-2c": "usw2-az3",
        "us-west-2d": "usw2-az4",
    },
}


LOOKED_UP_ZONE_ID = "Z0BASELINEZONE000001"


LOOKED_UP_NAME_SERVERS = ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org", "ns-4.awsdns-04.co.uk"]


CLUSTER_SECURITY_GROUP = "sg-0c1u5t3r5ecur1ty"


LOGS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


DR_KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/66666666-7777-8888-9999-000000000000"


OUR_COMPONENTS = (
    "platform:network:Network",
    "platform:network:DrNetwork",
    "platform:edge:Edge",
    "platform:edge:WebFirewall",
)

# The access-log bucket belongs to the storage component; these runs stand in for it under this prefix.
ALB_LOG_PREFIX = "alb"


class _Mocks(platform_mocks.PlatformMocks):
    def __init__(self, missing_zone: bool = False) -> None:
        super().__init__()
        self.missing_zone = missing_zone
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.zone_answers: list[dict[str, Any]] = []

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.calls.append((args.token, dict(args.args)))
        region = args.args.get("region") or self._region_of(args.provider)
        if args.token == AZ_TOKEN:
            zones = ACCOUNT_ZONES[region]
            return {"id": region, "names": list(zones), "zoneIds": list(zones.values()), "groupNames": [region]}
        if args.token == ZONE_TOKEN:
            if self.missing_zone:  # what the provider answers when no zone matches
                return {}, [("name", f"no matching Route 53 Hosted Zone found for {args.args.get('name')}")]
            answer = super().call(args)
            if not answer or not answer.get("zoneId"):  # the shared mocks do not answer the lookup (yet)
                answer = {
                    "id": LOOKED_UP_ZONE_ID,
                    "zoneId": LOOKED_UP_ZONE_ID,
                    "name": args.args["name"],
                    "nameServers": LOOKED_UP_NAME_SERVERS,
                    "privateZone": False,
                }
            self.zone_answers.append(answer)
            return answer
        return super().call(args)


class _Monitor(RecordingMonitor):
    """Also keeps each resource's delete_before_replace, which the preview records do not carry."""

    def __init__(self, mocks) -> None:
        super().__init__(mocks)
        self.delete_before_replace: dict[str, bool] = {}

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        self.delete_before_replace[response.urn] = request.deleteBeforeReplace
        return response


@dataclass
class Run:
    tier: str
    resources: list[dict[str, Any]]
    delete_before_replace: dict[str, bool]
    calls: list[tuple[str, dict[str, Any]]]
    zone_answers: list[dict[str, Any]]
    components: dict[str, Any] = field(default_factory=dict)
    error: BaseException | None = None

    def of_type(self, token: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == token]

    def one(self, token: str) -> dict[str, Any]:
        found = self.of_type(token)
        assert len(found) == 1, f"expected one {token} in {self.tier}, found {[r['urn'] for r in found]}"
        return found[0]

    def ours(self) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["custom"] and any(f"::{c}$" in r["urn"] for c in OUR_COMPONENTS)]

    @property
    def network(self) -> Network:
        return self.components["network"]

    @property
    def dr_network(self) -> DrNetwork:
        return self.components["dr_network"]

    @property
    def edge(self) -> Edge:
        return self.components["edge"]


def program(components: dict[str, Any], dr_key_arn: str | None = DR_KEY_ARN, access_logs_bucket: bool = True) -> None:
    """The slice of `__main__.py` these components need, with the names it gives them."""
    config = load_platform_config()
    prefix = config.name_prefix
    primary = pulumi.ResourceOptions(providers={"aws": aws.Provider("aws-primary", region=config.primary_region)})
    in_dr = pulumi.ResourceOptions(providers={"aws": aws.Provider("aws-dr", region=config.dr_region)})
    network = Network(f"{prefix}-network", NetworkArgs(config=config, logs_key_arn=LOGS_KEY_ARN), primary)
    components["network"] = network
    components["dr_network"] = DrNetwork(
        f"{prefix}-dr-network", DrNetworkArgs(config=config, logs_key_arn=dr_key_arn), in_dr
    )
    components["edge"] = Edge(
        f"{prefix}-edge",
        EdgeArgs(
            config=config,
            vpc_id=network.vpc_id,
            vpc_cidr=network.vpc_cidr,
            public_subnet_ids=network.public_subnet_ids,
            cluster_security_group_id=CLUSTER_SECURITY_GROUP,
            logs_key_arn=LOGS_KEY_ARN,
            access_logs=_alb_logs_stand_in(prefix, primary)
            if config.ingress.access_logs and access_logs_bucket
            else None,
        ),
        primary,
    )


def _alb_logs_stand_in(prefix: str, primary: pulumi.ResourceOptions) -> AccessLogs | None:
    """A bucket and policy in place of the storage component's, outside the components under test."""
    bucket = aws.s3.Bucket(f"{prefix}-alb-logs-stand-in", opts=primary)
    policy = aws.s3.BucketPolicy(f"{prefix}-alb-logs-stand-in", bucket=bucket.id, policy="{}", opts=primary)
    return alb_access_logs(bucket, policy, ALB_LOG_PREFIX)


def run_components(
    tier: str,
    missing_zone: bool = False,
    dr_key_arn: str | None = DR_KEY_ARN,
    config: dict[str, str] | None = None,
    access_logs_bucket: bool = True,
) -> Run:
    """The three components of one tier, with what they registered and looked up; `error` if the run failed.

    `config` adds stack config values as a stack file would (`{"platform:ingress": '{"waf": true}'}`);
    `access_logs_bucket=False` leaves out the storage stand-in the access logs need."""
    project = load_project(REPO)
    values = {**load_stack_config(project, tier).values, **(config or {})}
    mocks = _Mocks(missing_zone=missing_zone)
    monitor = _Monitor(mocks)
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    runtime_settings.configure(
        MockSettings(
            monitor=monitor,
            monitor_features=features,
            engine=MockEngine(logging.getLogger("network runs")),
            project=project.name,
            stack=tier,
            dry_run=True,
            organization="organization",
            callbacks=None,
        )
    )
    token = runtime_config.CONFIG.set(dict(values))
    components: dict[str, Any] = {}
    error = None
    try:
        _sync_await(run_in_stack(lambda: program(components, dr_key_arn, access_logs_bucket)))
    except Exception as caught:  # noqa: BLE001 the missing-zone case asserts on it
        error = caught
    finally:
        runtime_config.CONFIG.reset(token)
        runtime_settings.reset_options()
    resources = [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "custom": r.custom,
            "id": r.id,
            "protect": r.protect,
            "dependencies": r.dependencies,
            "inputs": plain(r.inputs),
            "outputs": plain(r.outputs),
        }
        for r in monitor.records
    ]
    return Run(
        tier=tier,
        resources=resources,
        delete_before_replace=monitor.delete_before_replace,
        calls=mocks.calls,
        zone_answers=mocks.zone_answers,
        components=components,
        error=error,
    )
