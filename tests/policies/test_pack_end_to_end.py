"""The pack through its real entry point: started like the CLI starts it, driven over gRPC, on made-up programs."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from platformctl.policy.runner import evaluate
from tests.platformctl.cli_runs import platformctl

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"


def test_grpc_entry_point_reports_pack_metadata_and_findings(stacks, project):
    """One stack through Handshake, GetAnalyzerInfo, Configure, ConfigureStack, Analyze and AnalyzeStack."""
    preview = stacks["dev"].preview
    broken = [dict(r) for r in preview.resources]
    db = next(r for r in broken if r["type"] == "aws:rds/instance:Instance")
    db["inputs"] = {**db["inputs"], "publiclyAccessible": True, "storageEncrypted": False}
    findings = evaluate(PACK, PACK / "config" / "dev.json", broken, project.name, "dev", {})
    by_policy = {f.policy: f for f in findings if f.urn == db["urn"]}
    assert by_policy["rds-not-public"].level == "mandatory"
    assert by_policy["rds-storage-encrypted-with-cmk"].severity in {"high", "critical"}
    assert "SOC 2" in by_policy["rds-not-public"].framework and by_policy["rds-not-public"].remediation


BROKEN = {
    "unencrypted bucket": (
        "dev",
        """
        bucket = aws.s3.Bucket("data", opts=opts)
        aws.s3.BucketServerSideEncryptionConfiguration("data-sse", bucket=bucket.bucket, rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3
                .BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"))], opts=opts)
    """,
        "s3-bucket-encrypted-with-cmk",
    ),
    "single-AZ prod database": (
        "prod",
        """
        aws.rds.Instance("db", engine="postgres", instance_class="db.r6g.large", allocated_storage=100,
                         multi_az=False, storage_encrypted=True, kms_key_id="arn:aws:kms:us-east-1:1:key/x",
                         deletion_protection=True, skip_final_snapshot=False, final_snapshot_identifier="final",
                         backup_retention_period=30, manage_master_user_password=True, username="admin_user",
                         opts=opts)
    """,
        "rds-multi-az",
    ),
    "on-demand dev node group": (
        "dev",
        """
        aws.eks.NodeGroup("nodes", cluster_name="c", node_role_arn="arn:aws:iam::1:role/n", subnet_ids=["s-1"],
                          capacity_type="ON_DEMAND", instance_types=["t3.large"],
                          scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=1, max_size=2, desired_size=1),
                          opts=opts)
    """,
        "node-groups-use-spot",
    ),
    "3-day retention": (
        "dev",
        """
        vault = aws.backup.Vault("vault", kms_key_arn="arn:aws:kms:us-east-1:1:key/x", opts=opts)
        aws.backup.Plan("plan", rules=[aws.backup.PlanRuleArgs(
            rule_name="daily", target_vault_name=vault.name, schedule="cron(0 3 * * ? *)",
            lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=3))], opts=opts)
    """,
        "backup-retention-matches-tier",
    ),
}


@pytest.mark.parametrize("tier,body,rule", BROKEN.values(), ids=BROKEN.keys())
def test_broken_programs_fail_with_the_rule_named(tmp_path, tier, body, rule):
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / f"Pulumi.{tier}.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n\n"
        "provider = aws.Provider('aws', region='us-east-1')\nopts = pulumi.ResourceOptions(provider=provider)\n"
        + textwrap.dedent(body)
    )
    result = platformctl(
        "preview",
        "--cwd",
        str(tmp_path),
        "--stack",
        tier,
        "--json",
        "--policy-pack",
        str(PACK),
        "--policy-pack-config",
        str(PACK / "config" / f"{tier}.json"),
    )
    assert result.returncode == 1, result.stderr
    mandatory = {
        v["policyName"] for v in json.loads(result.stdout)["policyViolations"] if v["enforcementLevel"] == "mandatory"
    }
    assert rule in mandatory, mandatory


def _pack_copy(tmp_path: Path, exemptions: list[dict]) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(PACK, copy, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    (copy / "venv").symlink_to(PACK / "venv")  # the pack's declared virtualenv, as `make install` made it
    (copy / "exemptions.yaml").write_text(json.dumps({"exemptions": exemptions}))
    return copy


def _rds_public_program(tmp_path: Path) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: exempt\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program / "__main__.py").write_text(
        textwrap.dedent("""
        import pulumi_aws as aws
        aws.rds.Instance("db", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20,
                         storage_encrypted=True, kms_key_id="arn:aws:kms:us-east-1:1:key/x",
                         publicly_accessible=True, manage_master_user_password=True, username="admin_user",
                         backup_retention_period=7)
    """)
    )
    return program


@pytest.mark.parametrize("expires,blocked", [("2099-12-31", False), ("2020-01-01", True)])
def test_exemptions_excuse_until_they_expire_and_stay_visible(tmp_path, expires, blocked):
    urn = "urn:pulumi:dev::exempt::aws:rds/instance:Instance::db"
    pack = _pack_copy(
        tmp_path,
        [
            {
                "rule": "rds-not-public",
                "urn": urn,
                "owner": "dba-team",
                "expires": expires,
                "reason": "vendor migration tool needs a public endpoint until cut-over",
            }
        ],
    )
    result = platformctl(
        "preview",
        "--cwd",
        str(_rds_public_program(tmp_path)),
        "--stack",
        "dev",
        "--json",
        "--policy-pack",
        str(pack),
        "--policy-pack-config",
        str(pack / "config" / "dev.json"),
    )
    violations = json.loads(result.stdout)["policyViolations"]
    exempted = [v for v in violations if v["exempted"]]
    public = [v for v in violations if v["policyName"] == "rds-not-public"]
    invalid = [v for v in violations if v["policyName"] == "policy-exemptions-valid"]
    if blocked:
        assert public and invalid and "expired on 2020-01-01" in invalid[0]["message"]
    else:
        assert not public and not invalid
        assert exempted and "vendor migration tool" in exempted[0]["message"] and exempted[0]["urn"] == urn
