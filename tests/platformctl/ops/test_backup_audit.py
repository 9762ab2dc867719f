"""`platformctl backup audit` against a moto server seeded like a deployed stack, clean and with each drift.

moto 5.2.5 emulates backup vaults and plans but not backup selections, recovery points or backup jobs (the
server answers 404/500 for ListBackupSelections, GetBackupSelection, ListRecoveryPointsByResource,
ListRecoveryPointsByBackupVault and StartBackupJob). Those four reads are answered here, from a JSON state file,
by botocore `before-call` hooks on backup clients; every other call goes to the server. CLI subprocesses get
the same hooks through a generated `sitecustomize` on PYTHONPATH, so they still run `python -m platformctl`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

from platform_core.aws_cron import runs_per_day
from platform_core.errors import UsageError
from platform_core.tiers import BACKUP_COMPLETION_WINDOW, BACKUP_START_WINDOW, FACTS, Tier
from platformctl.cli import main
from platformctl.ops import outputs as ops_outputs

REPO = Path(__file__).resolve().parents[3]
STATE_ENV = "PLATFORMCTL_TEST_BACKUP_STATE"
REGION, DR_REGION = "us-east-1", "us-west-2"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FAKED = (
    "ListBackupSelections",
    "GetBackupSelection",
    "ListRecoveryPointsByResource",
    "ListRecoveryPointsByBackupVault",
)
RULES = {"dev": {"daily": "cron(0 6 * * ? *)"}, "prod": {"every-4-hours": "cron(0 0/4 * * ? *)"}}


# --- the APIs moto lacks, answered from a state file -------------------------------------------------------


class _Http:
    def __init__(self, status_code: int) -> None:
        self.status_code, self.headers, self.content = status_code, {}, b""


def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["fake_params"] = dict(params)


def _answer(model: Any, context: dict[str, Any], **_: Any) -> tuple[_Http, dict[str, Any]]:
    state = json.loads(Path(os.environ[STATE_ENV]).read_text())
    params, region = context["fake_params"], context["client_region"]
    if model.name == "ListBackupSelections":
        selections = state["selections"].get(params["BackupPlanId"], [])
        return _Http(200), {
            "BackupSelectionsList": [
                {"SelectionId": s["SelectionId"], "SelectionName": s["SelectionName"]} for s in selections
            ]
        }
    if model.name == "GetBackupSelection":
        for selection in state["selections"].get(params["BackupPlanId"], []):
            if selection["SelectionId"] == params["SelectionId"]:
                return _Http(200), {"BackupSelection": selection, "SelectionId": selection["SelectionId"]}
        return _Http(404), {"Error": {"Code": "ResourceNotFoundException", "Message": "no such selection"}}
    points = [p for p in state["points"] if p["region"] == region]
    if model.name == "ListRecoveryPointsByResource":
        points = [p for p in points if p["ResourceArn"] == params["ResourceArn"]]
    else:
        points = [
            p
            for p in points
            if p["BackupVaultName"] == params["BackupVaultName"]
            and p["ResourceArn"] == params.get("ByResourceArn", p["ResourceArn"])
        ]
    return _Http(200), {"RecoveryPoints": [_point_shape(p) for p in points]}


def _point_shape(point: dict[str, Any]) -> dict[str, Any]:
    shaped = {key: value for key, value in point.items() if key != "region"}
    for key in ("CreationDate", "CompletionDate"):
        if key in shaped:
            shaped[key] = datetime.fromisoformat(shaped[key])
    return shaped


def install_fakes() -> Any:
    """Hook every backup client created from now on; returns the original create_client to restore."""
    original = botocore.session.Session.create_client

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        client = original(self, service_name, *args, **kwargs)
        if service_name == "backup":
            for operation in FAKED:
                client.meta.events.register(f"before-parameter-build.backup.{operation}", _remember_params)
                client.meta.events.register(f"before-call.backup.{operation}", _answer)
        return client

    botocore.session.Session.create_client = create_client
    return original


# --- a stack seeded into moto ------------------------------------------------------------------------------


class Seeded:
    """One stack's AWS Backup setup in moto plus the faked selections and recovery points."""

    def __init__(self, tmp_path: Path, tier: str) -> None:
        self.tier, self.tmp_path = tier, tmp_path
        self.state_path = tmp_path / "backup-state.json"
        self.outputs_path = tmp_path / "outputs.json"
        self.state: dict[str, Any] = {"selections": {}, "points": []}
        self.outputs: dict[str, Any] = {}

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(service, region_name=region)

    def seed(self, *, retention: int | None = None, copy_action: bool = True, encrypted: bool = True) -> Seeded:
        prod = self.tier == "prod"
        retention = retention or FACTS[Tier(self.tier)].backup_retention_days
        key = self.client("kms").create_key()["KeyMetadata"]["Arn"]
        vault = f"platform-{self.tier}-vault"
        self.client("backup").create_backup_vault(
            BackupVaultName=vault, **({"EncryptionKeyArn": key} if encrypted else {})
        )
        dr_arn = None
        if prod:
            dr_key = self.client("kms", DR_REGION).create_key()["KeyMetadata"]["Arn"]
            dr_arn = self.client("backup", DR_REGION).create_backup_vault(
                BackupVaultName=f"{vault}-dr", EncryptionKeyArn=dr_key
            )["BackupVaultArn"]
        schedules = {**RULES["prod" if prod else "dev"], **({"continuous": "cron(0 * * * ? *)"} if prod else {})}
        rules = [
            {
                "RuleName": name,
                "TargetBackupVaultName": vault,
                "ScheduleExpression": cron,
                "Lifecycle": {"DeleteAfterDays": retention},
                "EnableContinuousBackup": name == "continuous",
                **(
                    {
                        "CopyActions": [
                            {"DestinationBackupVaultArn": dr_arn, "Lifecycle": {"DeleteAfterDays": retention}}
                        ]
                    }
                    if dr_arn and copy_action
                    else {}
                ),
            }
            for name, cron in schedules.items()
        ]
        plan_id = self.client("backup").create_backup_plan(
            BackupPlan={"BackupPlanName": f"platform-{self.tier}-plan", "Rules": rules}
        )["BackupPlanId"]
        for bucket in ("data", "logs"):
            self.client("s3").create_bucket(Bucket=f"platform-{self.tier}-{bucket}")
        database = self.client("rds").create_db_instance(
            DBInstanceIdentifier=f"platform-{self.tier}-db",
            Engine="postgres",
            DBInstanceClass="db.t4g.micro",
            MasterUsername="platform",
            MasterUserPassword="not-a-secret-1",
            AllocatedStorage=20,
        )
        self.outputs = {
            "tier": self.tier,
            "primaryRegion": REGION,
            "drRegion": DR_REGION,
            "databaseArn": database["DBInstance"]["DBInstanceArn"],
            "dataBucket": f"platform-{self.tier}-data",
            "logsBucket": f"platform-{self.tier}-logs",
            "backupVaultName": vault,
            "backupPlanId": plan_id,
            "backupKeyArn": key,
            "drBackupVaultArn": dr_arn,
        }
        self.select(self.resources)
        for resource in self.resources:
            self.point(resource, age=timedelta(hours=5))
            if prod:
                self.point(resource, age=timedelta(days=3), continuous=True)
                self.point(resource, age=timedelta(hours=4, minutes=30), region=DR_REGION, vault=f"{vault}-dr")
        return self.save()

    @property
    def resources(self) -> list[str]:
        return [
            self.outputs["databaseArn"],
            f"arn:aws:s3:::{self.outputs['dataBucket']}",
            f"arn:aws:s3:::{self.outputs['logsBucket']}",
        ]

    def select(self, resources: list[str]) -> None:
        self.state["selections"][self.outputs["backupPlanId"]] = [
            {
                "SelectionId": "selection-1",
                "SelectionName": f"platform-{self.tier}-stateful",
                "IamRoleArn": "arn:aws:iam::123456789012:role/backup",
                "Resources": resources,
            }
        ]

    def point(
        self,
        resource: str,
        *,
        age: timedelta,
        continuous: bool = False,
        region: str = REGION,
        vault: str | None = None,
        status: str = "COMPLETED",
    ) -> None:
        created = NOW - age
        # Continuous points carry `continuous:` in their ARN, as in AWS.
        arn = f"arn:aws:backup:{region}:123456789012:recovery-point:{'continuous:' if continuous else ''}"
        self.state["points"].append(
            {
                "region": region,
                "ResourceArn": resource,
                "BackupVaultName": vault or self.outputs["backupVaultName"],
                "RecoveryPointArn": f"{arn}{len(self.state['points'])}",
                "Status": status,
                "CreationDate": created.isoformat(),
                **({} if continuous else {"CompletionDate": (created + timedelta(minutes=20)).isoformat()}),
            }
        )

    def drop_points(self, **match: Any) -> None:
        self.state["points"] = [p for p in self.state["points"] if any(p.get(k) != v for k, v in match.items())]

    def save(self) -> Seeded:
        self.state_path.write_text(json.dumps(self.state))
        self.outputs_path.write_text(json.dumps(self.outputs))
        return self

    def argv(self, *extra: str) -> list[str]:
        return [
            "backup",
            "audit",
            "--stack",
            self.tier,
            "--outputs",
            str(self.outputs_path),
            "--now",
            NOW.isoformat(),
            *extra,
        ]


@pytest.fixture
def fakes(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "backup-state.json"))
    monkeypatch.setattr(botocore.session.Session, "create_client", botocore.session.Session.create_client)
    install_fakes()  # undone by the setattr above when the test ends
    return tmp_path


@pytest.fixture
def dev(fakes: Path) -> Seeded:
    return Seeded(fakes, "dev")


@pytest.fixture
def prod(fakes: Path) -> Seeded:
    return Seeded(fakes, "prod")


def audit_json(seeded: Seeded, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(seeded.argv("--json", *extra))
    return code, json.loads(capsys.readouterr().out)


def run_cli(seeded: Seeded, *extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m platformctl backup audit` in a child process that inherits AWS_ENDPOINT_URL and friends."""
    site = seeded.tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
        "from tests.platformctl.ops.test_backup_audit import install_fakes\ninstall_fakes()\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    return subprocess.run(
        [sys.executable, "-m", "platformctl", *seeded.argv(*extra)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def only(findings: list[dict[str, Any]], check: str) -> dict[str, Any]:
    matching = [f for f in findings if f["check"] == check]
    assert len(matching) == 1 and len(findings) == 1, findings
    return matching[0]


# --- clean stacks ------------------------------------------------------------------------------------------


def test_dev_stack_as_declared_is_clean(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed()
    assert main(dev.argv()) == 0
    assert "clean" in capsys.readouterr().out


def test_prod_stack_as_declared_is_clean_through_the_cli(prod: Seeded) -> None:
    prod.seed()
    result = run_cli(prod, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["stack"] == "prod" and document["findings"] == []
    checks = {(c["check"], c["resource"]) for c in document["checked"]}
    assert {("dr-copy", arn) for arn in prod.resources} <= checks
    assert ("vault", f"{prod.outputs['drBackupVaultArn'].rsplit(':', 1)[-1]} ({DR_REGION})") in checks


# --- drift -------------------------------------------------------------------------------------------------


def test_retention_drifted_to_three_days_names_the_plan_rule(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed(retention=3)
    code, document = audit_json(dev, capsys)
    assert code == 1
    finding = only(document["findings"], "retention")
    assert finding == {
        "severity": "error",
        "check": "retention",
        "resource": "platform-dev-plan/daily",
        "finding": "keeps recovery points 3 days",
        "expected": "7 days (dev tier)",
    }


def test_prod_rule_without_dr_copy_action(prod: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    prod.seed(copy_action=False)
    code, document = audit_json(prod, capsys)
    assert code == 1
    resources = {f["resource"] for f in document["findings"] if f["check"] == "dr-copy-action"}
    assert resources == {"platform-prod-plan/every-4-hours", "platform-prod-plan/continuous"}
    assert all(f["check"] == "dr-copy-action" for f in document["findings"])


def test_unselected_bucket(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed()
    dev.select(dev.resources[:2])
    dev.save()
    code, document = audit_json(dev, capsys)
    assert code == 1
    assert only(document["findings"], "selection")["resource"] == "arn:aws:s3:::platform-dev-logs"


def test_unencrypted_vault(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed(encrypted=False)
    code, document = audit_json(dev, capsys)
    assert code == 1
    finding = only(document["findings"], "vault-encryption")
    assert finding["resource"] == f"platform-dev-vault ({REGION})"
    assert finding["expected"] == dev.outputs["backupKeyArn"]


def test_missing_vault_through_the_cli(dev: Seeded) -> None:
    dev.seed()
    dev.client("backup").delete_backup_vault(BackupVaultName="platform-dev-vault")
    result = run_cli(dev)
    assert result.returncode == 1, result.stdout + result.stderr
    header, columns, row = result.stdout.splitlines()
    assert header.endswith("1 finding(s)") and columns.split() == [
        "SEVERITY",
        "CHECK",
        "RESOURCE",
        "FINDING",
        "EXPECTED",
    ]
    assert row.split()[:3] == ["error", "vault", "platform-dev-vault"] and "does not exist" in row


def test_missing_dr_vault_is_one_finding(prod: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    prod.seed()
    prod.client("backup", DR_REGION).delete_backup_vault(BackupVaultName="platform-prod-vault-dr")
    prod.drop_points(region=DR_REGION)  # AWS only deletes empty vaults
    prod.save()
    code, document = audit_json(prod, capsys)
    assert code == 1
    assert only(document["findings"], "vault")["resource"] == f"platform-prod-vault-dr ({DR_REGION})"


def test_stale_daily_recovery_point(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed()
    dev.drop_points(ResourceArn=dev.outputs["databaseArn"])
    dev.point(dev.outputs["databaseArn"], age=timedelta(hours=30))
    dev.point(dev.outputs["databaseArn"], age=timedelta(hours=1), status="PARTIAL")  # not usable for a restore
    dev.save()
    code, document = audit_json(dev, capsys)
    assert code == 1
    finding = only(document["findings"], "recovery-point")
    assert finding["resource"] == dev.outputs["databaseArn"]
    assert finding["finding"].startswith("newest recovery point is 1 d 5 h 40 min old")
    # The allowance is the tier's RPO plus the rules' start window (platform_core.tiers), and says so.
    assert finding["expected"] == "younger than 1 d 1 h (dev RPO 1 d + 1 h backup start window)"


def test_prod_without_continuous_point_misses_its_rpo(prod: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    prod.seed()
    prod.state["points"] = [p for p in prod.state["points"] if ":continuous:" not in p["RecoveryPointArn"]]
    prod.save()
    code, document = audit_json(prod, capsys)
    assert code == 1
    assert {f["resource"] for f in document["findings"]} == set(prod.resources)
    # Continuous backup keeps its point current: no start window on top of the 15-minute RPO.
    assert {f["expected"] for f in document["findings"]} == {"younger than 15 min (prod RPO 15 min, continuous backup)"}


def test_prod_plan_with_four_snapshots_a_day_misses_the_six_the_tier_schedules(
    prod: Seeded, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The audit used to demand 4 runs a day in prod; the program schedules 6 and the pack checks 6 (tier facts).
    monkeypatch.setitem(RULES, "prod", {"every-6-hours": "cron(0 0/6 * * ? *)"})
    prod.seed()
    code, document = audit_json(prod, capsys)
    assert code == 1
    finding = only(document["findings"], "schedule")
    assert (finding["finding"], finding["expected"]) == (
        "4 scheduled backup(s) every day",
        "at least 6 a day (prod tier)",
    )


def test_prod_point_without_dr_copy(prod: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    prod.seed()
    prod.drop_points(region=DR_REGION, ResourceArn=prod.outputs["databaseArn"])
    prod.save()
    code, document = audit_json(prod, capsys)
    assert code == 1
    finding = only(document["findings"], "dr-copy")
    assert finding["resource"] == prod.outputs["databaseArn"] and "has no copy in the DR vault" in finding["finding"]


def test_prod_plan_with_one_daily_snapshot_and_no_continuous_rule(
    fakes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = Seeded(fakes, "dev").seed()  # a dev-shaped plan audited as prod
    code, document = audit_json(dev, capsys, "--tier", "prod")
    assert code == 1
    checks = {f["check"] for f in document["findings"]}
    assert {"schedule", "continuous-backup", "dr-vault", "retention", "recovery-point"} <= checks


def test_deleted_plan(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed()
    dev.client("backup").delete_backup_plan(BackupPlanId=dev.outputs["backupPlanId"])
    code, document = audit_json(dev, capsys)
    assert code == 1
    assert only(document["findings"], "plan")["finding"].startswith("backup plan was deleted")


def test_unknown_plan(dev: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    dev.seed()
    dev.outputs["backupPlanId"] = "no-such-plan"
    dev.save()
    code, document = audit_json(dev, capsys)
    assert code == 1
    assert only(document["findings"], "plan") == {
        "severity": "error",
        "check": "plan",
        "resource": "no-such-plan",
        "finding": "backup plan does not exist",
        "expected": "the plan named by backupPlanId",
    }


# --- bad usage ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (None, "cannot read the stack outputs"),
        ("not json", "not JSON"),
        ("[]", "expected a JSON object"),
        ('{"tier": "dev"}', "missing stack output(s) backupVaultName, backupPlanId, databaseArn"),
    ],
)
def test_bad_outputs_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], outputs: str | None, message: str
) -> None:
    path = tmp_path / "outputs.json"
    if outputs is not None:
        path.write_text(outputs)
    assert main(["backup", "audit", "--stack", "dev", "--outputs", str(path)]) == 2
    assert message in capsys.readouterr().err


BAD_TIER_OUTPUTS = {
    "backupVaultName": "platform-dev-vault",
    "backupPlanId": "plan-1",
    "dataBucket": "platform-dev-data",
    "logsBucket": "platform-dev-logs",
    "tier": "qa",
    "databaseArn": "arn:aws:rds:us-east-1:123456789012:db:x",
}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--tier", "dev", "--now", "2026-11-29T12:00:00"), "has no timezone"),
        (("--tier", "dev", "--now", "yesterday"), "not an ISO 8601 time"),
        ((), "tier 'qa' (outputs.tier or --tier) must be one of dev, staging, prod"),
    ],
)
def test_bad_time_or_tier_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(BAD_TIER_OUTPUTS))
    assert main(["backup", "audit", "--stack", "dev", "--outputs", str(path), *extra]) == 2
    assert message in capsys.readouterr().err


def test_unknown_tier_option_is_rejected_by_the_parser(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["backup", "audit", "--stack", "dev", "--outputs", str(tmp_path / "o.json"), "--tier", "qa"])
    assert raised.value.code == 2


def test_outputs_loader_treats_null_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"tier": "dev", "drBackupVaultArn": None}))
    assert ops_outputs.load_outputs(path, ("tier",)) == {"tier": "dev", "drBackupVaultArn": None}
    with pytest.raises(UsageError, match=r"missing stack output\(s\) drBackupVaultArn; present: drBackupVault"):
        ops_outputs.load_outputs(path, ("tier", "drBackupVaultArn"))


def test_clients_retry_adaptively_with_timeouts() -> None:
    config = ops_outputs.aws_client("backup", DR_REGION).meta.config
    # botocore's max_attempts counts retries: 10 of them after the first attempt.
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 11}
    assert (config.connect_timeout, config.read_timeout, config.region_name) == (5, 30, DR_REGION)


# --- the tier facts ----------------------------------------------------------------------------------------


def test_the_audit_demands_what_the_program_deploys(stacks: dict[str, Any]) -> None:
    """The audit reads the tier facts; so does the program: what a stack deploys is what the audit demands."""
    for tier in Tier:
        facts = FACTS[tier]
        (plan,) = stacks[tier].of_type("aws:backup/plan:Plan")
        rules = plan["inputs"]["rules"]
        assert {rule["lifecycle"]["deleteAfter"] for rule in rules} == {facts.backup_retention_days}
        snapshots = [rule for rule in rules if not rule.get("enableContinuousBackup")]
        assert sum(runs_per_day(rule["schedule"]) or 0 for rule in snapshots) == facts.backup_runs_per_day
        assert (len(snapshots) < len(rules)) is facts.continuous_database_backup
        assert all(rule.get("copyActions") for rule in rules) is facts.backups_copied_to_dr
        assert {(rule["startWindow"], rule["completionWindow"]) for rule in rules} == {
            (BACKUP_START_WINDOW.total_seconds() // 60, BACKUP_COMPLETION_WINDOW.total_seconds() // 60)
        }


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("cron(0 3 * * ? *)", 1),
        ("cron(0 0/4 * * ? *)", 6),
        ("cron(0 * * * ? *)", 24),
        ("cron(0,30 1-3 * * ? *)", 6),
        ("cron(0 3 ? * MON *)", 0),
        ("cron(0 3 1 * ? *)", 0),
        ("cron(0 25 * * ? *)", None),
        ("rate(1 day)", None),
    ],
)
def test_runs_per_day(expression: str, runs: int | None) -> None:
    assert runs_per_day(expression) == runs


def test_no_credentials_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.setenv(name, os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({**BAD_TIER_OUTPUTS, "tier": "dev"}))
    assert main(["backup", "audit", "--stack", "dev", "--outputs", str(path)]) == 2
    assert "cannot audit stack 'dev': Unable to locate credentials" in capsys.readouterr().err
