"""The account-baseline program: the account-level singletons, previewed offline like the platform's stacks,
and the platform stacks that no longer create any of them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_core.errors import UsageError
from platformctl.ops.security_score import NAMESPACE as NAMESPACE_OF_SCORE
from platformctl.preview.engine import preview_stacks
from platformctl.project import load_project
from tests.conftest import Stack

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "account-baseline"
NAMESPACE = "platform-account-baseline"
EXAMPLES = ("example-prod", "example-nonprod")
OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
DETECTOR = "aws:guardduty/detector:Detector"
ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
EBS_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault"
ZONE = "aws:route53/zone:Zone"
INSPECTOR = "aws:inspector2/enabler:Enabler"
SECURITY_HUB = "aws:securityhub/account:Account"
STANDARD = "aws:securityhub/standardsSubscription:StandardsSubscription"
RECORDER = "aws:cfg/recorder:Recorder"
CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel"
RECORDER_STATUS = "aws:cfg/recorderStatus:RecorderStatus"
SERVICE_LINKED_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole"
BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"
GITHUB = "token.actions.githubusercontent.com"


def stack_config(stack: str) -> dict[str, Any]:
    raw = yaml.safe_load((BASELINE / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: value for key, value in raw.items()}


@pytest.fixture(scope="module")
def baselines() -> dict[str, Stack]:
    previews = preview_stacks(load_project(BASELINE), list(EXAMPLES))
    assert all(p.ok for p in previews), {p.stack: p.message for p in previews}
    return {p.stack: Stack(p) for p in previews}


@pytest.fixture(params=EXAMPLES)
def baseline(request, baselines) -> tuple[dict[str, Any], Stack]:
    return stack_config(request.param), baselines[request.param]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def by_region(stack: Stack, token: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for resource in stack.of_type(token):
        found.setdefault(stack.provider_region(resource), []).append(resource)
    return found


def test_one_explicit_provider_per_region_guarded_by_the_account(baseline):
    config, stack = baseline
    providers = stack.of_type("pulumi:providers:aws")
    assert sorted(p["inputs"]["region"] for p in providers) == sorted(config["regions"])
    for provider in providers:
        assert _json(provider["inputs"]["allowedAccountIds"]) == [config["accountId"]], provider["urn"]
        tags = _json(provider["inputs"]["defaultTags"])["tags"]
        assert {"environment", "owner", "cost-center", "managed-by", "data-classification"} <= set(tags)
    urns = {p["urn"] for p in providers}
    for resource in stack.resources:
        if resource["custom"] and not resource["type"].startswith("pulumi:providers:"):
            assert resource["provider"].rsplit("::", 1)[0] in urns, resource["urn"]


def test_github_oidc_provider_and_s3_account_block_exist_once_in_the_account(baseline):
    config, stack = baseline
    github = stack.one(OIDC)
    assert github["inputs"]["url"] == "https://token.actions.githubusercontent.com"
    assert github["inputs"]["clientIdLists"] == ["sts.amazonaws.com"]
    assert stack.provider_region(github) == config["regions"][0]
    assert stack.outputs["githubOidcProviderArn"] == github["outputs"]["arn"]
    block = stack.one(ACCOUNT_BLOCK)["inputs"]
    assert all(
        block[flag] is True
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    ), block


def test_guardduty_and_ebs_default_encryption_once_in_every_region(baseline):
    config, stack = baseline
    for token, flag in ((DETECTOR, "enable"), (EBS_DEFAULT, "enabled")):
        found = by_region(stack, token)
        assert sorted(found) == sorted(config["regions"]), token
        for region, resources in found.items():
            assert len(resources) == 1, f"{token} in {region}: {[r['urn'] for r in resources]}"
            assert resources[0]["inputs"][flag] is True, resources[0]["urn"]
    assert set(stack.outputs["guardDutyDetectorIds"]) == set(config["regions"])


def test_inspector_scans_ec2_and_ecr_of_this_account_in_every_region(baseline):
    config, stack = baseline
    found = by_region(stack, INSPECTOR)
    assert sorted(found) == sorted(config["regions"]), INSPECTOR
    for [enabler] in found.values():
        inputs = enabler["inputs"]
        assert inputs["accountIds"] == [config["accountId"]], enabler["urn"]
        assert sorted(inputs["resourceTypes"]) == ["EC2", "ECR"], enabler["urn"]
    # Activating ECR scanning sets the registry to enhanced scanning itself: no second owner of that setting.
    assert not stack.of_type("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")


def test_security_hub_scores_fsbp_and_cis_v3_in_every_region(baseline):
    config, stack = baseline
    hubs = by_region(stack, SECURITY_HUB)
    assert sorted(hubs) == sorted(config["regions"]), SECURITY_HUB
    standards = by_region(stack, STANDARD)
    for region, [hub] in hubs.items():
        inputs = hub["inputs"]
        assert inputs["enableDefaultStandards"] is False, hub["urn"]  # CIS v1.2.0 would come with the defaults
        assert inputs["controlFindingGenerator"] == "SECURITY_CONTROL", hub["urn"]
        assert inputs["autoEnableControls"] is True, hub["urn"]
        assert sorted(s["inputs"]["standardsArn"] for s in standards[region]) == [
            f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
            f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0",
        ], region
        for subscription in standards[region]:
            # Subscribing before the hub exists fails: the dependency orders the creates.
            assert hub["urn"] in subscription["dependencies"], subscription["urn"]
    assert stack.outputs["securityHubArns"] == {
        region: f"arn:aws:securityhub:{region}:{config['accountId']}:hub/default" for region in config["regions"]
    }


def test_account_singletons_are_replaced_delete_first(baseline):
    _, stack = baseline
    for token in (OIDC, DETECTOR, ACCOUNT_BLOCK, EBS_DEFAULT, INSPECTOR, SECURITY_HUB, STANDARD):
        for resource in stack.of_type(token):
            assert resource["deleteBeforeReplace"], resource["urn"]


def test_config_records_every_region_with_the_service_linked_role(baseline):
    config, stack = baseline
    [role] = stack.of_type(SERVICE_LINKED_ROLE)  # IAM is global: one role for every region's recorder
    assert role["inputs"]["awsServiceName"] == "config.amazonaws.com", role["urn"]
    assert role["outputs"]["arn"] == (
        f"arn:aws:iam::{config['accountId']}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    )
    primary = config["regions"][0]
    recorders, channels, statuses = (by_region(stack, t) for t in (RECORDER, CHANNEL, RECORDER_STATUS))
    for found in (recorders, channels, statuses):
        assert sorted(found) == sorted(config["regions"]), found
    for region, [recorder] in recorders.items():
        inputs = recorder["inputs"]
        assert inputs["name"] == "default" and inputs["roleArn"] == role["outputs"]["arn"], recorder["urn"]
        group = inputs["recordingGroup"]
        assert group["allSupported"] is True, recorder["urn"]
        assert group["recordingStrategies"] == [{"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}], recorder["urn"]
        # Global IAM resources once, in the primary region, not once (and billed once) per region.
        assert group["includeGlobalResourceTypes"] is (region == primary), recorder["urn"]
        assert inputs["recordingMode"]["recordingFrequency"] == "CONTINUOUS", recorder["urn"]
        [channel], [status] = channels[region], statuses[region]
        assert channel["inputs"]["s3KeyPrefix"] == region, channel["urn"]
        assert recorder["urn"] in channel["dependencies"], channel["urn"]  # a channel needs its recorder
        # Recording starts only once the channel is there.
        assert status["inputs"]["isEnabled"] is True and channel["urn"] in status["dependencies"], status["urn"]
        assert status["inputs"]["name"] == "default", status["urn"]
    for token in (RECORDER, CHANNEL, RECORDER_STATUS, SERVICE_LINKED_ROLE):
        for resource in stack.of_type(token):
            assert resource["deleteBeforeReplace"], resource["urn"]


def test_every_region_delivers_to_one_protected_encrypted_bucket_in_the_primary_region(baseline):
    config, stack = baseline
    [bucket] = [b for b in stack.of_type(BUCKET) if b["urn"].endswith("::config-recording")]
    name = bucket["outputs"]["bucket"]
    assert bucket["protect"] is True and bucket["inputs"]["forceDestroy"] is False, bucket["urn"]
    assert stack.provider_region(bucket) == config["regions"][0], bucket["urn"]
    [key] = stack.of_type("aws:kms/key:Key")
    assert key["inputs"]["enableKeyRotation"] is True, key["urn"]
    for channel in stack.of_type(CHANNEL):
        assert channel["inputs"]["s3BucketName"] == name, channel["urn"]
        assert channel["inputs"]["s3KmsKeyArn"] == key["outputs"]["arn"], channel["urn"]

    def of_bucket(token: str) -> dict:
        [found] = [r for r in stack.of_type(f"aws:s3/{token}") if r["inputs"]["bucket"] == name]
        return found["inputs"]

    assert of_bucket("bucketOwnershipControls:BucketOwnershipControls")["rule"]["objectOwnership"] == (
        "BucketOwnerEnforced"
    )
    block = of_bucket("bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert of_bucket("bucketVersioning:BucketVersioning")["versioningConfiguration"]["status"] == "Enabled"
    [rule] = of_bucket("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": key["outputs"]["arn"],
    }
    [lifecycle] = of_bucket("bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    assert lifecycle["status"] == "Enabled" and lifecycle["expiration"]["days"] == 365
    # Config's service principal (the service-linked role cannot use KMS) may use the key for this account only.
    [grant] = [s for s in _json(key["inputs"]["policy"])["Statement"] if s.get("Principal", {}).get("Service")]
    assert grant["Principal"] == {"Service": "config.amazonaws.com"}
    assert sorted(grant["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert grant["Condition"] == {"StringEquals": {"AWS:SourceAccount": config["accountId"]}}


def test_bucket_policy_is_the_aws_config_delivery_policy_and_tls_only(baseline):
    config, stack = baseline
    account, arn = config["accountId"], f"arn:aws:s3:::{stack.outputs['configBucket']}"
    [policy] = [
        p for p in stack.of_type("aws:s3/bucketPolicy:BucketPolicy") if p["urn"].endswith("config-recording-policy")
    ]
    statements = {s.pop("Sid"): s for s in _json(policy["inputs"]["policy"])["Statement"]}
    deny = statements.pop("DenyInsecureTransport")
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sorted(deny["Resource"]) == [arn, f"{arn}/*"]
    this_account = {"AWS:SourceAccount": account}
    assert statements == {
        "AWSConfigBucketPermissionsCheck": {
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": arn,
            "Condition": {"StringEquals": this_account},
        },
        "AWSConfigBucketExistenceCheck": {
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": "s3:ListBucket",
            "Resource": arn,
            "Condition": {"StringEquals": this_account},
        },
        "AWSConfigBucketDelivery": {
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": [f"{arn}/{region}/AWSLogs/{account}/Config/*" for region in config["regions"]],
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **this_account}},
        },
    }
    # The delivery channel is refused until the bucket policy lets Config write.
    for channel in stack.of_type(CHANNEL):
        assert policy["urn"] in channel["dependencies"], channel["urn"]


def test_security_score_role_trusts_main_of_the_repository_and_may_only_read_findings_and_publish(baseline):
    config, stack = baseline
    [role] = [r for r in stack.of_type(ROLE) if r["inputs"].get("name") == "platform-security-score"]
    assert stack.outputs["securityScoreRoleArn"] == role["outputs"]["arn"]
    [trust] = _json(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Federated": stack.one(OIDC)["outputs"]["arn"]}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    repository = config.get("githubRepository", "company/platform-infrastructure")
    assert trust["Condition"] == {
        "StringEquals": {
            f"{GITHUB}:aud": "sts.amazonaws.com",
            f"{GITHUB}:sub": f"repo:{repository}:ref:refs/heads/main",
        }
    }
    [inline] = [p for p in stack.of_type("aws:iam/rolePolicy:RolePolicy") if p["inputs"]["role"] == role["id"]]
    statements = {s.pop("Sid"): s for s in _json(inline["inputs"]["policy"])["Statement"]}
    assert statements == {
        "ReadControlFindings": {
            "Effect": "Allow",
            "Action": "securityhub:GetFindings",
            "Resource": [f"arn:aws:securityhub:{r}:{config['accountId']}:hub/default" for r in config["regions"]],
        },
        "PublishSecurityScore": {
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": NAMESPACE_OF_SCORE}},
        },
    }
    assert not stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no managed policy on top"


def test_public_zones_are_protected_and_their_name_servers_exported(baseline):
    config, stack = baseline
    zones = {z["inputs"]["name"]: z for z in stack.of_type(ZONE)}
    assert sorted(zones) == sorted(config["domains"])
    for zone in zones.values():
        assert zone["protect"] is True and zone["inputs"]["forceDestroy"] is False, zone["urn"]
    assert stack.outputs["nameServers"] == {domain: z["outputs"]["nameServers"] for domain, z in zones.items()}
    assert stack.outputs["hostedZoneIds"] == {domain: z["outputs"]["zoneId"] for domain, z in zones.items()}


def test_examples_cover_a_prod_account_and_a_shared_non_prod_account():
    assert stack_config("example-prod")["domains"] == ["platform.company.com"]
    assert stack_config("example-nonprod")["domains"] == ["dev.platform.company.com", "staging.platform.company.com"]


def test_default_regions_are_the_platform_default_regions():
    platform = yaml.safe_load((REPO / "Pulumi.yaml").read_text())["config"]
    baseline = yaml.safe_load((BASELINE / "Pulumi.yaml").read_text())["config"]
    assert baseline["regions"]["default"] == [platform["primaryRegion"]["default"], platform["drRegion"]["default"]]


def _copy_with(tmp_path: Path, values: dict[str, Any]) -> Path:
    copy = tmp_path / "account-baseline"
    shutil.copytree(BASELINE, copy, ignore=shutil.ignore_patterns("__pycache__", "Pulumi.example-*.yaml"))
    (copy / "Pulumi.test.yaml").write_text(
        yaml.safe_dump({"config": {f"{NAMESPACE}:{k}": v for k, v in values.items()}})
    )
    return copy


def test_security_score_role_trusts_the_configured_repository(tmp_path):
    values = {"accountId": "123456789012", "domains": [], "githubRepository": "acme/infra"}
    [preview] = preview_stacks(load_project(_copy_with(tmp_path, values)), ["test"])
    assert preview.ok, preview.message
    [role] = [r for r in Stack(preview).of_type(ROLE) if r["inputs"].get("name") == "platform-security-score"]
    [trust] = _json(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert trust["Condition"]["StringEquals"][f"{GITHUB}:sub"] == "repo:acme/infra:ref:refs/heads/main"


def test_account_id_is_required(tmp_path):
    with pytest.raises(UsageError, match="accountId"):
        preview_stacks(load_project(_copy_with(tmp_path, {"domains": []})), ["test"])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"accountId": "12345", "domains": []}, "accountId must be the 12-digit"),
        ({"accountId": "123456789012", "domains": ["Platform.Company.com"]}, "domains must be"),
        ({"accountId": "123456789012", "domains": [], "regions": []}, "regions must be"),
        (
            {"accountId": "123456789012", "domains": [], "githubRepository": "platform-infrastructure"},
            "githubRepository",
        ),
        ({"accountId": "123456789012", "domains": [], "githubRepository": "company/repo:ref"}, "githubRepository"),
    ],
)
def test_config_mistakes_stop_before_any_resource(tmp_path, values, message):
    [preview] = preview_stacks(load_project(_copy_with(tmp_path, values)), ["test"])
    assert not preview.ok and message in preview.message, preview.message
    assert not [r for r in preview.resources if r["custom"]]


# --- the platform stacks ------------------------------------------------------------------------------


def test_platform_stacks_create_no_account_singleton(tier_stack):
    tier, stack = tier_stack
    github = [p["urn"] for p in stack.of_type(OIDC) if "token.actions.githubusercontent.com" in p["inputs"]["url"]]
    singletons = [
        r["urn"]
        for r in stack.resources
        if r["type"]
        in (DETECTOR, ACCOUNT_BLOCK, EBS_DEFAULT, INSPECTOR, SECURITY_HUB, STANDARD, RECORDER, CHANNEL, RECORDER_STATUS)
    ]
    assert not github and not singletons, f"{tier}: {github + singletons}"
    # The cluster's IRSA provider is per cluster and stays in the stack.
    [irsa] = stack.of_type(OIDC)
    assert "oidc.eks." in irsa["inputs"]["url"], irsa["urn"]


def test_platform_stacks_still_route_guardduty_findings(tier_stack):
    tier, stack = tier_stack
    rules = {
        r["outputs"]["name"]: r
        for r in stack.of_type("aws:cloudwatch/eventRule:EventRule")
        if "aws.guardduty" in json.loads(r["inputs"]["eventPattern"]).get("source", [])
    }
    routed = {t["inputs"]["rule"] for t in stack.of_type("aws:cloudwatch/eventTarget:EventTarget")}
    assert rules and set(rules) <= routed, f"{tier}: {sorted(rules)} vs targets {sorted(routed)}"
