"""Every command, fed the mistakes an operator makes at 3 a.m.: exit 2, one paragraph naming the offending
file, key or value, never a traceback, and nothing created.

Each case runs `python -m platformctl` in a scratch directory, the way an operator runs it. AWS is pointed at a
closed port with dummy credentials: every one of these must be refused before any AWS call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = {
    "tier": "prod",
    "primaryRegion": "us-east-1",
    "drRegion": "us-west-2",
    "databaseIdentifier": "platform-prod-db",
    "databaseArn": "arn:aws:rds:us-east-1:123456789012:db:platform-prod-db",
    "databaseReplicaIdentifier": "platform-prod-db-dr",
    "hostedZoneId": "Z0NONE",
    "backupVaultName": "platform-prod-backup-vault",
    "backupPlanId": "0a1b2c3d-plan",
    "dataBucket": "platform-prod-data",
    "logsBucket": "platform-prod-logs",
}
PACK = ["--policy-pack", str(REPO / "policies")]


@dataclass(frozen=True)
class Case:
    argv: list[str]
    names: str  # what the message must name: the file, key or value at fault
    files: dict[str, str] = field(default_factory=dict)  # written into the scratch directory first


def _outputs(**overrides: object) -> str:
    return json.dumps({**OUTPUTS, **overrides})


def _preview_json(stack: str) -> str:
    urn = f"urn:pulumi:{stack}::platform::aws:rds/instance:Instance::db"
    return json.dumps({"steps": [{"op": "create", "urn": urn, "newState": {"type": "aws:rds/instance:Instance"}}]})


CASES = {
    "gate: --at past year 9999 in UTC": Case(
        ["gate", "--stack", "prod", "--cwd", str(REPO), "--at", "9999-12-31T23:59:59-14:00"],
        "9999-12-31T23:59:59-14:00",
    ),
    "gate: --at without a timezone": Case(
        ["gate", "--stack", "prod", "--cwd", str(REPO), "--at", "2026-11-29T03:00:00"], "2026-11-29T03:00:00"
    ),
    "gate: the preview of another stack": Case(
        ["gate", "--stack", "staging", "--cwd", str(REPO), "--at", "2026-11-28T03:00:00Z", "--preview", "p.json"],
        "'prod'",
        {"p.json": _preview_json("prod")},
    ),
    "gate: an unknown stack": Case(["gate", "--stack", "nosuch", "--cwd", str(REPO)], "nosuch"),
    "preview: --baseline is a JSON list": Case(
        ["preview", "--stack", "dev", "--cwd", str(REPO), "--baseline", "base.json"], "base.json", {"base.json": "[]"}
    ),
    "preview: --sarif into a missing directory": Case(
        ["preview", "--stack", "dev", "--cwd", str(REPO), "--sarif", "missing/out.sarif"], "missing"
    ),
    "preview: --markdown into a directory that cannot be written": Case(
        ["preview", "--stack", "dev", "--cwd", str(REPO), "--markdown", "/proc/pr.md"], "/proc"
    ),
    "preview: --terraform-plan names a file": Case(
        ["preview", "--stack", "dev", "--cwd", str(REPO), "--terraform-plan", "plans"], "plans", {"plans": ""}
    ),
    "preview: Pulumi.yaml main names a missing folder": Case(
        ["preview", "--stack", "dev", "--cwd", "."],
        "src/",
        {"Pulumi.yaml": "name: platform\nruntime: python\nmain: src/\n", "Pulumi.dev.yaml": "config: {}\n"},
    ),
    "preview: Pulumi.yaml config is a list": Case(
        ["preview", "--stack", "dev", "--cwd", "."],
        "config",
        {
            "Pulumi.yaml": "name: platform\nruntime: python\nconfig:\n  - a\n",
            "Pulumi.dev.yaml": "config: {}\n",
            "__main__.py": "",
        },
    ),
    "preview: pack config names an unknown rule": Case(
        ["preview", "--stack", "dev", "--cwd", str(REPO), *PACK, "--policy-pack-config", "c.json"],
        "rds-multiaz",
        {"c.json": json.dumps({"rds-multiaz": "mandatory"})},
    ),
    "preview: pack config is not JSON": Case(
        ["preview", "--stack", "dev", "--cwd", str(REPO), *PACK, "--policy-pack-config", "c.json"],
        "c.json",
        {"c.json": '{"all": "advisory",\n'},
    ),
    "config-docs: --write outside a project": Case(["config-docs", "--write"], "Pulumi.yaml"),
    "config-docs: --write into another project": Case(
        ["config-docs", "--write", "--cwd", "other"], "billing", {"other/Pulumi.yaml": "name: billing\n"}
    ),
    "backup audit: databaseArn is not an ARN": Case(
        ["backup", "audit", "--stack", "prod", "--outputs", "o.json"],
        "not-an-arn",
        {"o.json": _outputs(databaseArn="not-an-arn")},
    ),
    "dr drill: --report-dir is a file": Case(
        ["dr", "drill", "--stack", "prod", "--outputs", "o.json", "--report-dir", "afile"],
        "afile",
        {"o.json": _outputs(), "afile": "x"},
    ),
    "dr drill: --orphan-age-hours inf": Case(
        ["dr", "drill", "--stack", "prod", "--outputs", "o.json", "--orphan-age-hours", "inf"],
        "inf",
        {"o.json": _outputs()},
    ),
    "dr drill: outputs file missing": Case(["dr", "drill", "--stack", "prod", "--outputs", "gone.json"], "gone.json"),
    "dr failover: --state in a missing directory": Case(
        [
            "dr",
            "failover",
            "--stack",
            "prod",
            "--outputs",
            "o.json",
            "--execute",
            "--confirm",
            "prod",
            "--reason",
            "INC-1",
            "--state",
            "missing/s.json",
        ],
        "missing",
        {"o.json": _outputs()},
    ),
    "bake: the stack outputs lack criticalAlarmNames": Case(
        ["bake", "--stack", "prod", "--cwd", str(REPO), "--outputs", "o.json"],
        "criticalAlarmNames",
        {"o.json": _outputs()},
    ),
    "bake: --minutes is negative": Case(["bake", "--stack", "prod", "--minutes", "-5"], "'-5'"),
    "bake: --since without a timezone": Case(
        ["bake", "--stack", "prod", "--minutes", "1", "--since", "2026-11-29T03:00:00"], "2026-11-29T03:00:00"
    ),
    "dr failover: databaseArn is not an ARN": Case(
        ["dr", "failover", "--stack", "prod", "--outputs", "o.json"],
        "platform-prod-db'",
        {"o.json": _outputs(databaseArn="platform-prod-db")},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_mistake_is_exit_2_naming_it_without_a_traceback(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    for relative, text in case.files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # a closed port: no case may get as far as AWS
    }
    env.pop("PULUMI_BACKEND_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "platformctl", *case.argv],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    where = f"{name}: platformctl {' '.join(case.argv)}\nstderr: {result.stderr}"
    assert result.returncode == 2, where
    assert "Traceback" not in result.stderr + result.stdout, where
    assert case.names in result.stderr, where
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before, f"{where}\ncreated files"
