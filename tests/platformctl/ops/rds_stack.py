"""A prod-like database setup in the moto server (conftest.py), shared by the DR drill and failover tests.

The primary in us-east-1, its cross-region read replica in us-west-2, a public zone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3

REPO = Path(__file__).resolve().parents[3]
PRIMARY, DR_REGION = "us-east-1", "us-west-2"
DB, REPLICA = "platform-prod-db", "platform-prod-db-dr"
ZONE = "prod.example.com"


def rds(region: str = PRIMARY) -> Any:
    return boto3.client("rds", region_name=region)


def route53() -> Any:
    return boto3.client("route53", region_name=PRIMARY)


def seed_database(region: str = PRIMARY, identifier: str = DB) -> dict[str, Any]:
    return rds(region).create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="platform",
        MasterUserPassword="not-a-secret-1",
        StorageEncrypted=True,
        BackupRetentionPeriod=7,
    )["DBInstance"]


def seed_replica(primary: dict[str, Any]) -> dict[str, Any]:
    return rds(DR_REGION).create_db_instance_read_replica(
        DBInstanceIdentifier=REPLICA,
        SourceDBInstanceIdentifier=primary["DBInstanceArn"],
        DBInstanceClass="db.t4g.micro",
    )["DBInstance"]


def seed_zone() -> str:
    return route53().create_hosted_zone(Name=ZONE, CallerReference=str(time.time()))["HostedZone"]["Id"].split("/")[-1]


def write_outputs(path: Path, tier: str = "prod", **overrides: Any) -> Path:
    outputs = {
        "tier": tier,
        "primaryRegion": PRIMARY,
        "drRegion": DR_REGION,
        "databaseIdentifier": DB,
        "databaseReplicaIdentifier": REPLICA if tier == "prod" else None,
        "hostedZoneId": "Z0NONE",
    }
    path.write_text(json.dumps({**outputs, **overrides}))
    return path


def cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def instance_ids(region: str) -> list[str]:
    return [i["DBInstanceIdentifier"] for i in rds(region).describe_db_instances()["DBInstances"]]
