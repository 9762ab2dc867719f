"""Cases for the public zone's query logging and DNSSEC (platform_policies/rules/security/dns.py)."""

from __future__ import annotations

from dataclasses import replace

from platform_policies.framework import Resource
from tests.policies.cases import Case, res

RECORD = "aws:route53/record:Record"
ZONE = "aws:route53/zone:Zone"
QUERY_LOG = "aws:route53/queryLog:QueryLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KSK = "aws:route53/keySigningKey:KeySigningKey"
DNSSEC = "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec"

ZONE_ID = "Z0BASELINEZONE000001"  # looked up, written into the records as a value
US_EAST_1 = {"region": "us-east-1"}


def _urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::platform::{type_}::{name}"


def record(urn_name: str = "apex", zone_id: str = ZONE_ID) -> Resource:
    return res(RECORD, urn_name, zoneId=zone_id, name="platform.company.com", type="A")


GROUP = res(LOG_GROUP, "query-log", provider_props=US_EAST_1, name="/aws/route53/platform.company.com")
GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/platform.company.com"
QUERY_LOGGING = res(
    QUERY_LOG,
    "query-logging",
    property_dependencies={"cloudwatchLogGroupArn": [_urn(LOG_GROUP, "query-log")]},
    zoneId=ZONE_ID,
    cloudwatchLogGroupArn=GROUP_ARN,
)
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/4115cc27-bcfe-a87a-1841-a1fcd2094b53"
ACTIVE_KSK = res(
    KSK, "ksk", hostedZoneId=ZONE_ID, keyManagementServiceArn=KEY_ARN, name="platform_prod_ksk", status="ACTIVE"
)
SIGNING = res(DNSSEC, "dnssec", hostedZoneId=ZONE_ID, signingStatus="SIGNING")

# A zone created in the stack: records and the query log name it by dependency, its ID unknown in a preview.
OWN_ZONE = res(ZONE, "zone", name="example.com")
PRIVATE_ZONE = res(ZONE, "private-zone", name="internal.example.com", vpcs=[{"vpcId": "vpc-0abc"}])


def _from(zone: Resource, type_: str, urn_name: str, key: str) -> Resource:
    """A resource whose `key` is the zone's output: the dependency names the zone, the value is a stand-in."""
    return replace(res(type_, urn_name, property_dependencies={key: [zone.urn]}), props={key: "Z0FROMZONEOUTPUT"})


CASES: list[Case] = [
    # route53-query-logging
    Case("route53-query-logging", False, (record(), GROUP, QUERY_LOGGING)),
    Case(
        "route53-query-logging",
        False,
        (_from(OWN_ZONE, RECORD, "www", "zoneId"), OWN_ZONE, _from(OWN_ZONE, QUERY_LOG, "own-logging", "zoneId")),
        note="zone-in-stack",
    ),
    Case(
        "route53-query-logging", False, (_from(PRIVATE_ZONE, RECORD, "db", "zoneId"), PRIVATE_ZONE), note="private-zone"
    ),
    Case("route53-query-logging", False, (GROUP,), note="no-records"),
    Case("route53-query-logging", True, (record(), GROUP), offender="apex", note="no-query-log"),
    Case(
        "route53-query-logging",
        True,
        (record(), GROUP, res(QUERY_LOG, "query-logging", zoneId="Z0OTHERZONE", cloudwatchLogGroupArn=GROUP_ARN)),
        offender="apex",
        note="other-zone",
    ),
    Case(
        "route53-query-logging",
        True,
        (
            record(),
            res(
                LOG_GROUP, "query-log", provider_props={"region": "eu-west-1"}, name="/aws/route53/platform.company.com"
            ),
            QUERY_LOGGING,
        ),
        offender="query-logging",
        note="log-group-outside-us-east-1",
    ),
    # route53-dnssec-signing
    Case("route53-dnssec-signing", False, (record(), ACTIVE_KSK, SIGNING)),
    Case(
        "route53-dnssec-signing",
        False,
        (
            record(),
            ACTIVE_KSK,
            res(DNSSEC, "dnssec", property_dependencies={"hostedZoneId": [ACTIVE_KSK.urn]}, hostedZoneId=ZONE_ID),
        ),
        note="zone-id-from-ksk-default-status",
    ),
    Case(
        "route53-dnssec-signing",
        False,
        (_from(PRIVATE_ZONE, RECORD, "db", "zoneId"), PRIVATE_ZONE),
        note="private-zone",
    ),
    Case("route53-dnssec-signing", True, (record(), ACTIVE_KSK), offender="apex", note="not-signed"),
    Case(
        "route53-dnssec-signing",
        True,
        (record(), ACTIVE_KSK, res(DNSSEC, "dnssec", hostedZoneId=ZONE_ID, signingStatus="NOT_SIGNING")),
        offender="apex",
        note="not-signing",
    ),
    Case(
        "route53-dnssec-signing",
        True,
        (
            record(),
            res(KSK, "ksk", hostedZoneId=ZONE_ID, keyManagementServiceArn=KEY_ARN, name="k_1", status="INACTIVE"),
            SIGNING,
        ),
        offender="apex",
        note="inactive-ksk",
    ),
]
