"""Realistic answers to the data-source invokes a program makes offline (caller identity, AZs, zones, …).

Values are derived from the arguments, the region and the mocks' account, like the resource mocks in
`platformctl.preview.mocks`, so an invoke and a resource describing the same thing agree.
"""

from __future__ import annotations

import re
from typing import Any

from .mock_values import ACCOUNT_ID, availability_zones, digest, name_servers, zone_id

# Zone IDs name the physical AZ; which letter maps to which ID differs per account, so not a-1, b-2, …
_AZ_IDS = {
    "us-east-1": {"a": "use1-az2", "b": "use1-az4", "c": "use1-az6", "d": "use1-az1", "e": "use1-az3", "f": "use1-az5"},
    "us-west-2": {"a": "usw2-az2", "b": "usw2-az1", "c": "usw2-az3", "d": "usw2-az4"},
}


def _zone_ids(region: str) -> list[str]:
    known = _AZ_IDS.get(region, {})
    short = f"{region[:2]}{region.split('-')[1][0]}{region[-1]}"
    return [known.get(az[-1], f"{short}-az{i}") for i, az in enumerate(availability_zones(region), 1)]


def _oidc_provider(region: str, args: dict[str, Any]) -> dict[str, Any]:
    """An existing provider, found by its URL or ARN; the ARN names the issuer host and path."""
    if args.get("arn"):
        arn = str(args["arn"])
        host = arn.split(":oidc-provider/", 1)[-1]
    else:
        host = str(args.get("url", "")).removeprefix("https://").rstrip("/")
        arn = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"
    return {
        "id": arn,
        "arn": arn,
        "url": host,
        "clientIdLists": ["sts.amazonaws.com"],
        "thumbprintLists": [],
        "tags": {},
    }


def _detector(region: str, args: dict[str, Any]) -> dict[str, Any]:
    """The account's one detector in the region (its ID is 32 hex characters)."""
    detector_id = args.get("id") or digest("aws:guardduty/detector:Detector", f"{ACCOUNT_ID}/{region}", 32)
    return {
        "id": detector_id,
        "arn": f"arn:aws:guardduty:{region}:{ACCOUNT_ID}:detector/{detector_id}",
        "status": "ENABLED",
        "findingPublishingFrequency": "SIX_HOURS",
        "region": region,
        "tags": {},
        "serviceRoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/guardduty.amazonaws.com/"
        "AWSServiceRoleForAmazonGuardDuty",
        "features": [
            {"name": feature, "status": "ENABLED", "additionalConfigurations": []}
            for feature in ("CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS", "S3_DATA_EVENTS")
        ],
    }


def _hosted_zone(region: str, args: dict[str, Any]) -> dict[str, Any]:
    """A public zone found by name: the ID and name servers follow from the name, not from a lookup.

    Route 53 takes the name with or without its final dot; the data source hands it back without.
    """
    name = str(args.get("name") or "").rstrip(".").lower()
    found_id = str(args.get("zoneId") or zone_id(digest("aws:route53/zone:Zone", name, 32)))
    name = name or f"{found_id.lower()}.example.com"  # looked up by ID alone: any stable name will do
    servers = name_servers(digest("aws:route53/zone:Zone", name, 16))
    return {
        "id": found_id,
        "zoneId": found_id,
        "name": name,
        "arn": f"arn:aws:route53:::hostedzone/{found_id}",
        "nameServers": servers,
        "primaryNameServer": servers[0],
        "privateZone": False,
        "resourceRecordSetCount": 2,
        "callerReference": digest("zone-caller", name, 32),
        "tags": {},
        "comment": "Managed by Pulumi",
        "linkedServiceDescription": "",
        "linkedServicePrincipal": "",
        "enableAcceleratedRecovery": False,
    }


# The ELB log-delivery account of each region, as the ALB guide lists them (enable-access-logging.html).
_ELB_ACCOUNTS = {"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-2": "797873946194"}


def _elb_service_account(region: str, args: dict[str, Any]) -> dict[str, Any]:
    region = str(args.get("region") or region)
    account = _ELB_ACCOUNTS.get(region) or str(int(digest("elb-account", region, 10), 16))[:12].zfill(12)
    return {"id": account, "arn": f"arn:aws:iam::{account}:root", "region": region}


_SSO_ROLE_PATTERN = re.compile(r"^\^?AWSReservedSSO_([\w+=,.@-]+)_")


def _roles(region: str, args: dict[str, Any]) -> dict[str, Any]:
    """Roles by name pattern. Only IAM Identity Center's permission-set roles are assumed to exist (one per
    permission set the account is assigned, under its reserved path, with a random suffix); nothing else."""
    match = _SSO_ROLE_PATTERN.match(str(args.get("nameRegex") or ""))
    if not match or not str(args.get("pathPrefix") or "").startswith("/aws-reserved/sso.amazonaws.com"):
        return {"id": region, "arns": [], "names": []}
    name = f"AWSReservedSSO_{match[1]}_{digest('sso-role', match[1], 16)}"
    arn = f"arn:aws:iam::{ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/{region}/{name}"
    return {
        "id": region,
        "arns": [arn],
        "names": [name],
        "nameRegex": args.get("nameRegex"),
        "pathPrefix": args.get("pathPrefix"),
    }


INVOKES = {
    "aws:iam/getRoles:getRoles": _roles,
    "aws:elb/getServiceAccount:getServiceAccount": _elb_service_account,
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda region, _: {
        "id": region,
        "names": availability_zones(region),
        "groupNames": [region],
        "zoneIds": _zone_ids(region),
    },
    "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": _oidc_provider,
    "aws:guardduty/getDetector:getDetector": _detector,
    "aws:route53/getZone:getZone": _hosted_zone,
    "aws:index/getCallerIdentity:getCallerIdentity": lambda region, _: {
        "id": ACCOUNT_ID,
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/platform-ci",
        "userId": "AIDA" + digest("caller", "identity", 17).upper(),
    },
    "aws:index/getRegion:getRegion": lambda region, _: {
        "id": region,
        "name": region,
        "region": region,
        "endpoint": f"ec2.{region}.amazonaws.com",
    },
    "aws:index/getPartition:getPartition": lambda region, _: {
        "id": "aws",
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    },
}
