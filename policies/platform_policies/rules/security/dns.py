"""Security rules for the stack's public DNS: every hosted zone the stack writes records into logs its queries and
is signed with DNSSEC.

The zone itself is usually not a resource of the stack (the account baseline creates it and the program looks it
up), so the rules start from what the stack does own: its Route 53 records. Each zone those records use (by the ID
written in the program, or by the zone resource their `zoneId` comes from) must have a QueryLog, and a
HostedZoneDnsSec that signs it with an active KeySigningKey. Records in a private zone (a Zone with `vpcs`) are
left out: Route 53 logs and signs public zones only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...aws_resources import region_of
from ...framework import Resource, Rule, Violation, of_type
from ...references import refers_to
from ...resource_types import (
    LOG_GROUP,
    ROUTE53_DNSSEC,
    ROUTE53_KEY_SIGNING_KEY,
    ROUTE53_QUERY_LOG,
    ROUTE53_RECORD,
    ROUTE53_ZONE,
)

# Public query logs are delivered only to a log group in us-east-1
# (https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateQueryLoggingConfig.html).
_QUERY_LOG_REGION = "us-east-1"

ZoneKey = tuple[str, ...]


def _zone_key(resource: Resource, key: str, by_urn: Mapping[str, Resource]) -> ZoneKey | None:
    """Which zone input `key` names: the zone resource(s) it comes from, else the ID written in the program.

    Dependencies decide when there are any (the value may be unknown in a preview); a value taken from a
    key-signing key's output stands for that key's zone.
    """
    dependencies = resource.property_dependencies.get(key)
    if dependencies:
        ksks = [by_urn[urn] for urn in dependencies if urn in by_urn and by_urn[urn].type == ROUTE53_KEY_SIGNING_KEY]
        if ksks:
            return _zone_key(ksks[0], "hostedZoneId", by_urn)
        return ("from", *sorted(dependencies))
    value = resource.get(key)
    return ("id", value) if isinstance(value, str) and value else None


def _label(zone: ZoneKey, by_urn: Mapping[str, Resource]) -> str:
    if zone[0] == "id":
        return zone[1]
    names = [by_urn[urn].name for urn in zone[1:] if urn in by_urn]
    return ", ".join(names) or "from another resource"


def _is_private(zone: ZoneKey, by_urn: Mapping[str, Resource]) -> bool:
    zones = [by_urn[urn] for urn in zone[1:] if zone[0] == "from" and urn in by_urn]
    return any(z.type == ROUTE53_ZONE and z.get("vpcs") for z in zones)


def _public_zones(resources: list[Resource], by_urn: Mapping[str, Resource]) -> dict[ZoneKey, Resource]:
    """Each public zone the stack's records use, with the first record (by URN) that uses it."""
    zones: dict[ZoneKey, Resource] = {}
    for record in sorted(of_type(resources, ROUTE53_RECORD), key=lambda r: r.urn):
        zone = _zone_key(record, "zoneId", by_urn)
        if zone is not None and not _is_private(zone, by_urn):
            zones.setdefault(zone, record)
    return zones


# --- route53-query-logging ----------------------------------------------------------------------------------------


def _check_query_logging(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    by_urn = {r.urn: r for r in resources}
    query_logs = of_type(resources, ROUTE53_QUERY_LOG)
    logged = {_zone_key(q, "zoneId", by_urn) for q in query_logs}
    for zone, record in _public_zones(resources, by_urn).items():
        if zone not in logged:
            yield Violation(
                f"hosted zone {_label(zone, by_urn)} (record {record.name}) has no aws.route53.QueryLog; its DNS "
                "queries are not logged",
                record.urn,
            )
    for query_log in query_logs:
        for group in of_type(resources, LOG_GROUP):
            region = region_of(group)
            if refers_to(query_log, "cloudwatchLogGroupArn", group) and region not in (None, _QUERY_LOG_REGION):
                yield Violation(
                    f"query log {query_log.name} writes to log group {group.name} in {region}; Route 53 delivers "
                    f"public query logs only to {_QUERY_LOG_REGION}",
                    query_log.urn,
                )


# --- route53-dnssec-signing ---------------------------------------------------------------------------------------


def _signing_problem(zone: ZoneKey, resources: list[Resource], by_urn: Mapping[str, Resource]) -> str | None:
    signing = [d for d in of_type(resources, ROUTE53_DNSSEC) if _zone_key(d, "hostedZoneId", by_urn) == zone]
    if not signing:
        return "has no aws.route53.HostedZoneDnsSec; it is not signed with DNSSEC"
    if all(d.get("signingStatus", default="SIGNING") != "SIGNING" for d in signing):
        return "has DNSSEC signing turned off (signingStatus NOT_SIGNING)"
    ksks = [k for k in of_type(resources, ROUTE53_KEY_SIGNING_KEY) if _zone_key(k, "hostedZoneId", by_urn) == zone]
    if not any(k.get("status", default="ACTIVE") == "ACTIVE" for k in ksks):
        return "has no ACTIVE aws.route53.KeySigningKey to sign with"
    return None


def _check_dnssec(resources: list[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    by_urn = {r.urn: r for r in resources}
    for zone, record in _public_zones(resources, by_urn).items():
        problem = _signing_problem(zone, resources, by_urn)
        if problem:
            yield Violation(f"hosted zone {_label(zone, by_urn)} (record {record.name}) {problem}", record.urn)


RULES: list[Rule] = [
    Rule(
        name="route53-query-logging",
        description="Every public hosted zone the stack writes records into logs its DNS queries to CloudWatch Logs "
        "in us-east-1 (Checkov CKV2_AWS_39).",
        severity="low",
        remediation="Declare aws.route53.QueryLog(zone_id=..., cloudwatch_log_group_arn=...) for the zone, with an "
        "encrypted log group in us-east-1 named /aws/route53/<zone> and an aws.cloudwatch.LogResourcePolicy "
        "(us-east-1) that lets route53.amazonaws.com CreateLogStream/PutLogEvents, the QueryLog depending on it "
        "(platform:dns.queryLogging; components/network/dns_security.py).",
        soc2=("CC7.2",),
        # No CIS AWS Foundations control covers Route 53.
        resource_types=(ROUTE53_ZONE, ROUTE53_RECORD, ROUTE53_QUERY_LOG, LOG_GROUP),
        stack_check=_check_query_logging,
    ),
    Rule(
        name="route53-dnssec-signing",
        description="Every public hosted zone the stack writes records into is signed with DNSSEC by an active "
        "key-signing key (Checkov CKV2_AWS_38).",
        severity="medium",
        remediation="Declare an aws.kms.Key in us-east-1 (ECC_NIST_P256, SIGN_VERIFY, a key policy admitting "
        "dnssec-route53.amazonaws.com), an aws.route53.KeySigningKey with status ACTIVE and an "
        "aws.route53.HostedZoneDnsSec depending on it, then add the DS record at the parent zone "
        "(platform:dns.dnssec; docs/first-deploy.md).",
        soc2=("CC6.7", "CC6.6"),
        resource_types=(ROUTE53_ZONE, ROUTE53_RECORD, ROUTE53_KEY_SIGNING_KEY, ROUTE53_DNSSEC),
        stack_check=_check_dnssec,
    ),
]
