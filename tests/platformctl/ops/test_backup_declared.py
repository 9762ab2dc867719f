"""The stack outputs `backup audit` reads: each in its format, or a usage error before any AWS call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from platform_core.errors import UsageError
from platformctl.cli import main
from platformctl.ops import backup_audit
from platformctl.ops.backup_declared import declared_from

REPO = Path(__file__).resolve().parents[3]
ACCOUNT = "123456789012"
GOOD = {
    "tier": "prod",
    "primaryRegion": "us-east-1",
    "databaseArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:platform-prod-db",
    "dataBucket": "platform-prod-data",
    "logsBucket": "platform-prod-logs",
    "backupVaultName": "platform-prod-vault",
    "backupPlanId": "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    "backupKeyArn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    "drBackupVaultArn": f"arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:platform-prod-vault-dr",
}


def test_well_formed_outputs_declare_what_the_plan_must_protect():
    declared = declared_from("prod", GOOD, None)
    assert declared.resources == (
        GOOD["databaseArn"],
        "arn:aws:s3:::platform-prod-data",
        "arn:aws:s3:::platform-prod-logs",
    )
    assert (declared.dr_region, declared.dr_vault_name) == ("us-west-2", "platform-prod-vault-dr")


def test_absent_optional_outputs_are_not_checked():
    outputs = {**GOOD, "tier": "dev", "drBackupVaultArn": None, "backupKeyArn": "", "primaryRegion": None}
    declared = declared_from("dev", outputs, None)
    assert (declared.dr_vault_arn, declared.key_arn, declared.region) == (None, None, "us-east-1")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("databaseArn", "not-an-arn", "an RDS DB instance ARN, arn:aws:rds:<region>:<12-digit account>:db:"),
        ("databaseArn", f"arn:aws:s3:::bucket-{ACCOUNT}", "an RDS DB instance ARN"),
        ("databaseArn", 42, "an RDS DB instance ARN"),
        ("dataBucket", "Platform_Data", "an S3 bucket name"),
        ("logsBucket", ["platform-prod-logs"], "an S3 bucket name"),
        ("backupVaultName", "vault name with spaces", "a backup vault name"),
        ("backupPlanId", {"id": "x"}, "a backup plan ID"),
        ("backupKeyArn", "alias/backups", "a KMS key ARN"),
        ("drBackupVaultArn", "arn:aws:backup:us-west-2:1:backup-vault:v", "a backup vault ARN"),
        ("primaryRegion", "US East", "an AWS region such as us-east-1"),
    ],
)
def test_a_malformed_output_is_a_usage_error_naming_it(key: str, value: Any, expected: str):
    with pytest.raises(UsageError) as raised:
        declared_from("prod", {**GOOD, key: value}, None, source="--outputs o.json")
    assert str(raised.value).startswith(f"--outputs o.json: stack output {key} is {value!r}, expected {expected}")


@pytest.mark.parametrize("tier", [["prod"], {"name": "prod"}, 3, "qa"])
def test_a_malformed_tier_is_a_usage_error_naming_it(tier: Any):
    with pytest.raises(UsageError) as raised:
        declared_from("prod", {**GOOD, "tier": tier}, None)
    assert str(raised.value).startswith(f"stack 'prod': tier {tier!r} (outputs.tier or --tier) must be one of")


def test_every_malformed_output_is_named_at_once():
    with pytest.raises(UsageError) as raised:
        declared_from("prod", {**GOOD, "databaseArn": "x", "dataBucket": "Y"}, None)
    assert str(raised.value).count("stack output ") == 2


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records any AWS client the audit would create: a usage error must come before the first one."""
    created: list[str] = []

    def client(service: str, region: str) -> Any:
        created.append(service)
        raise AssertionError(f"the audit called AWS ({service} in {region}) for a malformed outputs file")

    monkeypatch.setattr(backup_audit, "aws_client", client)
    return created


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (
            {**GOOD, "databaseArn": "not-an-arn"},
            "stack output databaseArn is 'not-an-arn', expected an RDS DB instance ARN",
        ),
        ({**GOOD, "dataBucket": 7}, "stack output dataBucket is 7, expected an S3 bucket name"),
        ({k: v for k, v in GOOD.items() if k != "backupPlanId"}, "missing stack output(s) backupPlanId"),
        ({**GOOD, "backupVaultName": None}, "missing stack output(s) backupVaultName"),
    ],
)
def test_the_audit_refuses_malformed_outputs_before_any_aws_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_aws: list[str], outputs: dict[str, Any], message: str
):
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    assert main(["backup", "audit", "--stack", "prod", "--outputs", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"error: --outputs {path}: {message}")
    assert no_aws == []


def test_the_cli_names_a_malformed_output_without_a_traceback(tmp_path: Path):
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({**GOOD, "databaseArn": "not-an-arn"}))
    result = subprocess.run(
        [sys.executable, "-m", "platformctl", "backup", "audit", "--stack", "prod", "--outputs", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        # An endpoint nothing listens on: were the audit to call AWS, the error would be another one.
        env={**os.environ, "PYTHONPATH": str(REPO), "AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"error: --outputs {path}: stack output databaseArn is 'not-an-arn', expected an RDS DB instance ARN, "
        "arn:aws:rds:<region>:<12-digit account>:db:<identifier>"
    )
