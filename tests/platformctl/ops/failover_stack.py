"""Shared by the `dr failover` tests: the DR-region failover bucket as bootstrap/ makes it, prod-like outputs, argv.

The database, replica and zone come from rds_stack.py; the moto server from conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from platformctl.ops import dr_failover
from tests.platformctl.ops.rds_stack import DR_REGION, REPO, seed_database, seed_replica, seed_zone, write_outputs

ACCOUNT = "123456789012"  # moto's
FAILOVER_BUCKET = f"platform-failover-{ACCOUNT}-{DR_REGION}"  # what `dr failover` derives from the outputs
LOCK_KEY = "platformctl/dr-failover/prod/lock.json"
STATE_KEY = "platformctl/dr-failover/prod/state.json"
REASON = "INC-1234 us-east-1 RDS outage"


def s3(region: str = DR_REGION) -> Any:
    return boto3.client("s3", region_name=region)


def seed_failover_bucket(name: str = FAILOVER_BUCKET, region: str = DR_REGION) -> str:
    """Versioned and default-encrypted with a customer key of its region, like bootstrap/'s failover bucket."""
    client = s3(region)
    where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client.create_bucket(Bucket=name, **where)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    key = boto3.client("kms", region_name=region).create_key(Description="failover locks")["KeyMetadata"]["Arn"]
    client.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    return name


def seed_prod(tmp_path: Path, **overrides: Any) -> tuple[Path, dict[str, Any], str]:
    """Primary, replica, zone and failover bucket; the outputs file, the replica, the zone id."""
    primary = seed_database()
    replica = seed_replica(primary)
    zone_id = seed_zone()
    seed_failover_bucket()
    outputs = write_outputs(
        tmp_path / "outputs.json", hostedZoneId=zone_id, databaseArn=primary["DBInstanceArn"], **overrides
    )
    return outputs, replica, zone_id


def stored(key: str) -> dict[str, Any] | None:
    try:
        return json.loads(s3().get_object(Bucket=FAILOVER_BUCKET, Key=key)["Body"].read())
    except s3().exceptions.NoSuchKey:
        return None


def failover(outputs: Path, *extra: str, state: Path | None = None) -> list[str]:
    where = ["--state", str(state)] if state else []
    return ["dr", "failover", "--stack", "prod", "--outputs", str(outputs), *where, *extra]


def execute(reason: str = REASON, timeout_minutes: str | None = "0") -> tuple[str, ...]:
    timeout = ("--timeout-minutes", timeout_minutes) if timeout_minutes is not None else ()
    return ("--execute", "--confirm", "prod", "--reason", reason, *timeout)  # the bucket comes from the outputs


def emulate_promotion(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Emulate AWS clearing ReadReplicaSourceDBInstanceIdentifier after PromoteReadReplica (moto keeps it).

    The promote call itself still goes to moto; returns the identifiers promoted, in call order.
    """
    promoted: list[str] = []
    real_source, real_client = dr_failover.replica_source, dr_failover.aws_client

    def client(service: str, region: str) -> Any:
        made = real_client(service, region)
        made.meta.events.register(
            "provide-client-params.rds.PromoteReadReplica",
            lambda params, **_: promoted.append(params["DBInstanceIdentifier"]),
        )
        return made

    monkeypatch.setattr(dr_failover, "aws_client", client)
    monkeypatch.setattr(
        dr_failover,
        "replica_source",
        lambda instance: None if instance["DBInstanceIdentifier"] in promoted else real_source(instance),
    )
    return promoted


def start_cli(*argv: str, cwd: Path) -> subprocess.Popen[str]:
    """The CLI in the background, unbuffered, so a test can read its progress as it happens."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "platformctl", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
