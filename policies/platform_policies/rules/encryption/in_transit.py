"""Encryption in transit: TLS-only S3 access, TLS-enforcing PostgreSQL, HTTPS-only load balancer listeners."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import (
    BUCKET_POLICY,
    BUCKETS,
    LB_LISTENERS,
    RDS_CLUSTER_PARAMETER_GROUP,
    RDS_INSTANCE,
    RDS_PARAMETER_GROUP,
)
from ...values import as_list, shown

# Policy text that is not JSON: a placeholder for a value unknown during preview (AWS rejects real non-JSON).
_UNREADABLE = object()


def _statements(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return _UNREADABLE
    return [s for s in as_list(raw.get("Statement")) if isinstance(s, Mapping)] if isinstance(raw, Mapping) else []


def _denies_plain_http(statement: Mapping[str, Any], bucket_name: str | None) -> bool:
    if statement.get("Effect") != "Deny" or statement.get("NotAction") or statement.get("NotResource"):
        return False
    principal = statement.get("Principal")
    if principal != "*" and not (isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))):
        return False
    conditions = [statement.get("Condition", {}).get(op) or {} for op in ("Bool", "BoolIfExists")]
    if not any(
        str(value).lower() == "false" for cond in conditions for value in as_list(cond.get("aws:SecureTransport"))
    ):
        return False
    actions = [a.lower() for a in as_list(statement.get("Action")) if isinstance(a, str)]
    if not all(any(fnmatchcase(needed, a) for a in actions) for needed in ("s3:getobject", "s3:putobject")):
        return False
    # Objects must be covered; without the bucket's name (computed), any object-level pattern is accepted.
    for pattern in (r for r in as_list(statement.get("Resource")) if isinstance(r, str)):
        if not bucket_name:
            if pattern.endswith("*"):
                return True
            continue
        partition = pattern.split(":")[1] if pattern.startswith("arn:") and pattern.count(":") > 1 else "aws"
        if fnmatchcase(f"arn:{partition}:s3:::{bucket_name}/any-object", pattern):
            return True
    return False


def _s3_tls_only(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    policies = of_type(resources, BUCKET_POLICY)
    for bucket in of_type(resources, *BUCKETS):
        name = bucket.get("bucket")
        texts = [p.props.get("policy") for p in policies if refers_to(p, "bucket", bucket)]
        if bucket.get("policy"):
            texts.append(bucket.props.get("policy"))
        parsed = [_statements(text) for text in texts]
        if any(statements is _UNREADABLE for statements in parsed):
            continue
        if not any(_denies_plain_http(s, name) for statements in parsed for s in statements):
            label = name or bucket.name
            yield Violation(
                f"bucket {label} has no policy statement denying s3:* to Principal '*' when "
                f"aws:SecureTransport is 'false' on arn:aws:s3:::{label}/*",
                bucket.urn,
            )


def _parameter(resource: Resource, name: str) -> Any:
    for parameter in as_list(resource.get("parameters")):
        if isinstance(parameter, Mapping) and parameter.get("name") == name:
            return parameter.get("value")
    return None


def _forces_ssl(group: Resource) -> bool:
    return str(_parameter(group, "rds.force_ssl")).strip().lower() in ("1", "true", "on")


def _is_postgres_group(resource: Resource) -> bool:
    family = str(resource.get("family") or "")
    return (resource.type == RDS_PARAMETER_GROUP and family.startswith("postgres")) or (
        resource.type == RDS_CLUSTER_PARAMETER_GROUP and family.startswith("aurora-postgresql")
    )


def _parameter_group_forces_ssl(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if _is_postgres_group(resource) and not _forces_ssl(resource):
        yield (
            f"family {resource.get('family')} parameter group sets rds.force_ssl to "
            f"{shown(_parameter(resource, 'rds.force_ssl'))}; expected '1'"
        )


def _engine(instance: Resource, instances: list[Resource]) -> str:
    """A replica declares no engine: it inherits its source's."""
    if instance.get("engine"):
        return str(instance.get("engine"))
    sources = [o for o in instances if o is not instance and refers_to(instance, "replicateSourceDb", o)]
    return _engine(sources[0], instances) if sources else ""


def _instance_uses_tls_group(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    instances = of_type(resources, RDS_INSTANCE)
    groups = of_type(resources, RDS_PARAMETER_GROUP)
    for instance in instances:
        if _engine(instance, instances) != "postgres":
            continue
        label = instance.get("identifier") or instance.name
        if not instance.property_dependencies.get("parameterGroupName"):
            group_name = instance.get("parameterGroupName")
            if not group_name or str(group_name).startswith("default."):
                yield Violation(
                    f"postgres instance {label} uses the default parameter group ({group_name or 'unset'})"
                    ", where rds.force_ssl may be 0; expected a parameter group with rds.force_ssl = 1",
                    instance.urn,
                )
                continue
        matches = [g for g in groups if refers_to(instance, "parameterGroupName", g)]
        if not matches:
            yield Violation(
                f"postgres instance {label} uses parameter group {instance.get('parameterGroupName')}, "
                "which this stack does not declare, so rds.force_ssl = 1 can't be verified",
                instance.urn,
            )
        elif not all(_forces_ssl(g) for g in matches):
            group = matches[0].get("name") or matches[0].name
            yield Violation(
                f"postgres instance {label} uses parameter group {group}, which sets rds.force_ssl to "
                f"{shown(_parameter(matches[0], 'rds.force_ssl'))}; expected '1'",
                instance.urn,
            )


def _is_https_redirect(action: Any) -> bool:
    return (
        isinstance(action, Mapping)
        and action.get("type") == "redirect"
        and str((action.get("redirect") or {}).get("protocol", "")).upper() == "HTTPS"
    )


def _listener_https_only(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    protocol = str(resource.get("protocol") or "HTTP").upper()  # an ALB listener without protocol is HTTP
    allowed = [str(p).upper() for p in config["allowedProtocols"]]
    if protocol in allowed:
        return
    actions = as_list(resource.get("defaultActions"))
    if protocol == "HTTP" and actions and all(_is_https_redirect(a) for a in actions):
        return
    port = resource.get("port", default="?")
    port = f"{port:g}" if isinstance(port, float) else port  # protobuf carries every number as a double
    if protocol == "HTTP":
        yield (
            f"HTTP listener on port {port} serves traffic (default actions: "
            f"{', '.join(str(a.get('type')) for a in actions if isinstance(a, Mapping)) or 'none'}); expected "
            "only redirects to HTTPS"
        )
    else:
        yield f"listener on port {port} uses protocol {protocol}; expected one of {', '.join(allowed)}"


def _listener_modern_tls(resource: Resource, config: Mapping[str, Any]) -> Iterable[str]:
    if str(resource.get("protocol") or "").upper() not in ("HTTPS", "TLS"):
        return
    policy = resource.get("sslPolicy")
    prefixes = [str(p) for p in config["allowedPolicyPrefixes"]]
    if not (isinstance(policy, str) and any(policy.startswith(p) for p in prefixes)):
        shown = policy or "unset (AWS default ELBSecurityPolicy-2016-08, TLS 1.0+)"
        yield f"sslPolicy {shown} is not allowed; expected a policy starting with {' or '.join(prefixes)}"


_TRANSIT = ("CC6.1", "CC6.7")

RULES: list[Rule] = [
    Rule(
        name="s3-bucket-tls-only",
        description="Every S3 bucket policy denies requests that do not use TLS.",
        severity="high",
        remediation='Attach an aws.s3.BucketPolicy whose `policy` has a statement {Effect: Deny, Principal: "*", '
        'Action: "s3:*", Resource: [bucket ARN, bucket ARN + "/*"], Condition: {Bool: '
        '{"aws:SecureTransport": "false"}}}.',
        soc2=_TRANSIT,
        cis=("2.1.1",),
        resource_types=(*BUCKETS, BUCKET_POLICY),
        stack_check=_s3_tls_only,
    ),
    Rule(
        name="rds-parameter-group-forces-ssl",
        description="PostgreSQL parameter groups reject connections that do not use TLS.",
        severity="high",
        remediation='Add `aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1")` to `parameters` '
        "on the aws.rds.ParameterGroup (postgres*) or aws.rds.ClusterParameterGroup (aurora-postgresql*).",
        soc2=_TRANSIT,
        resource_types=(RDS_PARAMETER_GROUP, RDS_CLUSTER_PARAMETER_GROUP),
        resource_check=_parameter_group_forces_ssl,
    ),
    Rule(
        name="rds-instance-uses-tls-parameter-group",
        description="Every PostgreSQL instance uses a parameter group of this stack that sets rds.force_ssl = 1.",
        severity="high",
        remediation="Set `parameter_group_name=<group>.name` on aws.rds.Instance, pointing at an "
        "aws.rds.ParameterGroup declared in the program with `rds.force_ssl = 1` (not a default.* group).",
        soc2=_TRANSIT,
        resource_types=(RDS_INSTANCE, RDS_PARAMETER_GROUP),
        stack_check=_instance_uses_tls_group,
    ),
    Rule(
        name="lb-listener-https-only",
        description="Load balancer listeners serve HTTPS/TLS only; plain HTTP listeners only redirect to HTTPS.",
        severity="high",
        remediation='Use `protocol="HTTPS"` with `certificate_arn` on aws.lb.Listener, or make every '
        '`default_actions` entry of an HTTP listener `type="redirect"` with '
        '`redirect.protocol="HTTPS"`.',
        soc2=_TRANSIT,
        config={"allowedProtocols": ["HTTPS", "TLS"]},
        resource_types=LB_LISTENERS,
        resource_check=_listener_https_only,
    ),
    Rule(
        name="lb-listener-modern-tls",
        description="HTTPS/TLS listeners use a TLS 1.2+ security policy with TLS 1.3 support.",
        severity="medium",
        remediation='Set `ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06"` (or another allowed policy) on '
        "aws.lb.Listener.",
        soc2=_TRANSIT,
        # TLS13-1-0 / TLS13-1-1 also start with ELBSecurityPolicy-TLS13- but accept TLS 1.0 / 1.1.
        config={"allowedPolicyPrefixes": ["ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-TLS13-1-3-"]},
        resource_types=LB_LISTENERS,
        resource_check=_listener_modern_tls,
    ),
]
