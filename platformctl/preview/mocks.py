"""Realistic mock outputs for any AWS resource a program registers offline.

The IDs, ARNs, names, endpoints and AZs look like the ones AWS returns, and are derived from
the resource's type and logical name only, so two previews of the same program produce the
same values (stable diffs, stable snapshots). Outputs are camelCase, like the engine's.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pulumi

from .aws_limits import PREFIXED_SUFFIX_CHARS, physical_name, rule_for
from .mock_invokes import INVOKES
from .mock_type_outputs import TYPE_OUTPUTS
from .mock_values import ACCOUNT_ID, DEFAULT_REGION, digest, random_suffix

# Resources whose AWS ID follows a pattern of its own.
_ID_PATTERN = {
    "aws:route53/zone:Zone": lambda fields: "Z0" + fields["hex32"][:19].upper(),
    "aws:guardduty/detector:Detector": lambda fields: fields["hex32"],
    "aws:route53/record:Record": lambda fields: f"Z0_{fields['physical']}_A",
}

# Resources whose AWS ID is a generated UUID rather than their name.
_ID_IS_UUID = {
    "aws:kms/key:Key",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
    "aws:wafv2/webAcl:WebAcl",
}

# EC2 IDs carry a type prefix and 17 hex digits.
_EC2_ID_PREFIX = {
    "vpc": "vpc",
    "subnet": "subnet",
    "internetGateway": "igw",
    "natGateway": "nat",
    "eip": "eipalloc",
    "routeTable": "rtb",
    "routeTableAssociation": "rtbassoc",
    "securityGroup": "sg",
    "defaultSecurityGroup": "sg",
    "launchTemplate": "lt",
    "flowLog": "fl",
    "vpcEndpoint": "vpce",
    "route": "r",
    "securityGroupIngressRule": "sgr",
    "securityGroupEgressRule": "sgr",
}

# type -> (ARN service, resource part); other types get "<module>:...:<kind>/<id>".
_REGIONAL_ARN = {
    "aws:kms/key:Key": ("kms", "key/{key_id}"),
    "aws:kms/alias:Alias": ("kms", "{physical}"),
    "aws:rds/instance:Instance": ("rds", "db:{physical}"),
    "aws:rds/subnetGroup:SubnetGroup": ("rds", "subgrp:{physical}"),
    "aws:rds/parameterGroup:ParameterGroup": ("rds", "pg:{physical}"),
    "aws:eks/cluster:Cluster": ("eks", "cluster/{physical}"),
    "aws:eks/nodeGroup:NodeGroup": ("eks", "nodegroup/{physical}/{uuid}"),
    "aws:eks/addon:Addon": ("eks", "addon/{physical}/{uuid}"),
    "aws:backup/vault:Vault": ("backup", "backup-vault:{physical}"),
    "aws:backup/plan:Plan": ("backup", "backup-plan:{uuid}"),
    "aws:cloudwatch/logGroup:LogGroup": ("logs", "log-group:{physical}"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("cloudwatch", "alarm:{physical}"),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ("cloudwatch", "alarm:{physical}"),
    "aws:cloudwatch/dashboard:Dashboard": ("cloudwatch", "dashboard/{physical}"),
    "aws:cloudwatch/eventRule:EventRule": ("events", "rule/{physical}"),
    "aws:sns/topic:Topic": ("sns", "{physical}"),
    "aws:sns/topicSubscription:TopicSubscription": ("sns", "{physical}:{uuid}"),
    "aws:secretsmanager/secret:Secret": ("secretsmanager", "secret:{physical}-{short}"),
    "aws:lb/loadBalancer:LoadBalancer": ("elasticloadbalancing", "loadbalancer/app/{physical}/{hex16}"),
    "aws:lb/targetGroup:TargetGroup": ("elasticloadbalancing", "targetgroup/{physical}/{hex16}"),
    "aws:lb/listener:Listener": ("elasticloadbalancing", "listener/app/{physical}/{hex16}/{short}"),
    "aws:acm/certificate:Certificate": ("acm", "certificate/{uuid}"),
    "aws:cloudtrail/trail:Trail": ("cloudtrail", "trail/{physical}"),
    "aws:guardduty/detector:Detector": ("guardduty", "detector/{hex32}"),
    "aws:wafv2/webAcl:WebAcl": ("wafv2", "regional/webacl/{physical}/{uuid}"),
}


class PlatformMocks(pulumi.runtime.Mocks):
    """Outputs = inputs + what AWS computes (IDs, ARNs, endpoints), in the provider's region."""

    def __init__(self, default_region: str = DEFAULT_REGION) -> None:
        self.default_region = default_region
        self._provider_regions: dict[str, str] = {}
        self._lock = threading.Lock()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            provider_id = str(uuid.UUID(digest(args.typ, args.name, 32)))
            with self._lock:
                self._provider_regions[provider_id] = inputs.get("region") or self.default_region
            return provider_id, inputs
        if not args.custom:
            return "", inputs
        region = inputs.get("region") or self._region_of(args.provider)
        return _compute(args.typ, args.name, inputs, region)

    # The SDK types `call` as (outputs, failures), but its MockMonitor takes bare outputs too (isinstance check).
    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        region = args.args.get("region") or self._region_of(args.provider)
        handler = INVOKES.get(args.token)
        return handler(region, args.args) if handler else {}

    def _region_of(self, provider_ref: str | None) -> str:
        provider_id = (provider_ref or "").rsplit("::", 1)[-1]
        with self._lock:
            return self._provider_regions.get(provider_id, self.default_region)


def _compute(typ: str, name: str, inputs: dict[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    package, module_kind, type_name = [*typ.split(":"), "", ""][:3]
    if package == "kubernetes":
        return _kubernetes(typ, name, inputs)
    if package != "aws":
        # Other packages get a stable ID and echo their inputs: enough for any program to resolve.
        return f"{name}-{digest(typ, name, 8)}", dict(inputs)
    module, _, kind = module_kind.partition("/")
    kind = kind or type_name[:1].lower() + type_name[1:]
    name_property, physical = _physical(typ, name, inputs)
    state = {**inputs, name_property: physical}
    resource_id = physical
    key_id = str(uuid.UUID(digest(typ, name, 32)))
    fields = {
        "physical": physical,
        "key_id": key_id,
        "uuid": key_id,
        "short": digest(typ, name, 6),
        "hex16": digest(typ, name, 16),
        "hex32": digest(typ, name, 32),
    }
    if module == "ec2" or (module == "vpc" and kind in _EC2_ID_PREFIX):
        resource_id = f"{_EC2_ID_PREFIX.get(kind, kind.lower())}-{digest(typ, name, 17)}"
    elif typ in _ID_PATTERN:
        resource_id = _ID_PATTERN[typ](fields)
    state["arn"] = _arn(typ, module, kind, region, resource_id, fields)
    state.update(TYPE_OUTPUTS.get(typ, lambda *_: {})(name, state, region, fields))
    if typ in _ID_IS_UUID:
        resource_id = key_id
    return resource_id, state


def _physical(typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, Any]:
    """The physical-name input and its value, auto-named with the provider's rules for the type."""
    rule = rule_for(typ)
    if rule is None or rule.prop is None:  # AWS names it: keep a stable stand-in under `name`
        return "name", inputs.get("name") or f"{name}-{random_suffix(typ, name)}"
    prefixed = str(int(digest(typ, name, 32), 16))[:PREFIXED_SUFFIX_CHARS]
    found = physical_name(rule, name, inputs, random_suffix(typ, name), prefixed)
    return rule.prop, found if found is not None else f"{name}-{random_suffix(typ, name)}"


def _kubernetes(typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Objects keep their declared metadata; unnamed ones get the provider's auto-name; IDs are ns/name."""
    state = dict(inputs)
    if typ.startswith("kubernetes:helm.sh/"):
        release = inputs.get("name") or f"{name}-{digest(typ, name, 8)}"
        namespace = inputs.get("namespace", "default")
        state["status"] = {
            "name": release,
            "namespace": namespace,
            "status": "deployed",
            "revision": 1,
            "chart": inputs.get("chart", ""),
            "version": inputs.get("version", ""),
        }
        return f"{namespace}/{release}", state
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", f"{name}-{digest(typ, name, 8)}")
    metadata["uid"] = str(uuid.UUID(digest(typ, name, 32)))
    state["metadata"] = metadata
    namespace = metadata.get("namespace")
    return (f"{namespace}/{metadata['name']}" if namespace else metadata["name"]), state


def _arn(typ: str, module: str, kind: str, region: str, resource_id: str, fields: dict[str, str]) -> str:
    if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
        return f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{fields['physical'].removeprefix('https://')}"
    if typ == "aws:route53/zone:Zone":
        return f"arn:aws:route53:::hostedzone/{resource_id}"
    if module == "chatbot":
        return f"arn:aws:chatbot::{ACCOUNT_ID}:chat-configuration/slack-channel/{fields['physical']}"
    if module == "iam":
        return f"arn:aws:iam::{ACCOUNT_ID}:{_kebab(kind)}/{fields['physical']}"
    if module == "s3":
        return f"arn:aws:s3:::{fields['physical']}"
    if typ in _REGIONAL_ARN:
        service, resource = _REGIONAL_ARN[typ]
        return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{resource.format(**fields)}"
    service = "ec2" if module == "vpc" else module
    return f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{_kebab(kind)}/{resource_id}"


def _kebab(kind: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in kind).lstrip("-")
