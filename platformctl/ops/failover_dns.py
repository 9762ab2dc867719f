"""Steps 4 and 5 of `dr failover`: point the database's DNS name at the new instance, then the checklist."""

from __future__ import annotations

from typing import Any, Protocol

from .outputs import aws_client

RECORD_TTL = 60  # short, so clients follow a later failback quickly
ROUTE53_REGION = "us-east-1"  # Route 53 is global; its control plane answers in us-east-1
CHECKLIST = (
    "Point the applications' database secret/config at the new endpoint if they do not use db.<zone>.",
    "Check the application health checks and the 5xx / latency alarms in the DR region.",
    "Re-enable alarms and backups for the promoted instance (AWS Backup selection, replica-lag alarm is obsolete).",
    "Freeze deploys to the failed region; record the failover in the incident (time, RPO: replica lag at promote).",
    "Plan failback: a new replica of the promoted instance in the primary region, then the reverse runbook.",
    "No `pulumi up` of this stack until its config matches reality: the program still declares the old primary "
    "and a replica, and would fight the failover.",
)


class Failover(Protocol):
    """What these steps use of dr_failover's run (which imports them)."""

    stack: str
    outputs: dict[str, Any]
    execute: bool
    state: dict[str, Any]

    @property
    def verb(self) -> str: ...

    def describe(self, identifier: str) -> dict[str, Any] | None: ...


def step_dns(run: Failover) -> str:
    route53 = aws_client("route53", ROUTE53_REGION)
    zone_id = run.outputs["hostedZoneId"]
    zone = route53.get_hosted_zone(Id=zone_id)["HostedZone"]
    record = f"db.{zone['Name'].rstrip('.')}."
    endpoint = run.state["target"].get("endpoint") or _endpoint(run)
    found = route53.list_resource_record_sets(
        HostedZoneId=zone_id, StartRecordName=record, StartRecordType="CNAME", MaxItems="1"
    )["ResourceRecordSets"]
    current = [
        r["Value"] for s in found if s["Name"] == record and s["Type"] == "CNAME" for r in s.get("ResourceRecords", [])
    ]
    if [v.rstrip(".").lower() for v in current] == [endpoint.rstrip(".").lower()]:
        return f"skip: {record} already points at {endpoint}"
    print(
        f"  {run.verb}UPSERT {record} CNAME {endpoint} (TTL {RECORD_TTL}) in zone {zone_id}; "
        f"was {', '.join(current) or 'absent'}"
    )
    if run.execute:
        route53.change_resource_record_sets(
            HostedZoneId=zone_id,
            ChangeBatch={
                "Comment": f"platformctl dr failover {run.stack}",
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": record,
                            "Type": "CNAME",
                            "TTL": RECORD_TTL,
                            "ResourceRecords": [{"Value": endpoint}],
                        },
                    }
                ],
            },
        )
    return f"{run.verb}point {record} at {endpoint}"


def _endpoint(run: Failover) -> str:
    instance = run.describe(run.state["target"]["identifier"]) or {}
    address = (instance.get("Endpoint") or {}).get("Address")
    return address or f"<endpoint of {run.state['target']['identifier']} once restored>"


def step_checklist(run: Failover) -> str:
    for number, item in enumerate(CHECKLIST, start=1):
        print(f"  [ ] {number}. {item}")
    return "checklist printed"
