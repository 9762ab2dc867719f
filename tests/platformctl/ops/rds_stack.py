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


def _create_instance(region: str, identifier: str, **extra: Any) -> dict[str, Any]:
    return rds(region).create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=20,
        MasterUsername="platform",
        MasterUserPassword="not-a-secret-1",
        **extra,
    )["DBInstance"]


def seed_database(region: str = PRIMARY, identifier: str = DB) -> dict[str, Any]:
    return _create_instance(region, identifier, StorageEncrypted=True, BackupRetentionPeriod=7)


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


def seed_drill_instance(identifier: str, tags: dict[str, str], region: str = PRIMARY) -> dict[str, Any]:
    """A small instance carrying the given tags, as a drill (or an impostor) would have left it."""
    return _create_instance(region, identifier, Tags=[{"Key": key, "Value": value} for key, value in tags.items()])


def drill_argv(tmp_path: Path, stack: str = "prod", *extra: str) -> list[str]:
    """`dr drill` of a stack seeded like rds_stack's, reporting into tmp_path/reports."""
    outputs = write_outputs(tmp_path / f"outputs-{stack}.json", stack)
    return [
        "dr",
        "drill",
        "--stack",
        stack,
        "--outputs",
        str(outputs),
        "--report-dir",
        str(tmp_path / "reports"),
        *extra,
    ]


def drill_reports(directory: Path) -> list[dict[str, Any]]:
    """Every JSON drill report in directory, oldest run first."""
    return [json.loads(path.read_text()) for path in sorted(directory.glob("dr-drill-*.json"))]


def point_aws_nowhere(monkeypatch: Any) -> str:
    """Fake credentials and a closed loopback port for AWS: a test that must not reach AWS cannot, and never
    with a developer's real profile."""
    import socket

    with socket.socket() as sock:  # bound, then closed: nothing listens there
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    return endpoint
