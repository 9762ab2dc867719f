"""The offline preview refuses what the real AWS provider and AWS APIs refuse: names, tags, policies, accounts."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs

from platformctl.preview.aws_limits import NAME_RULES
from platformctl.preview.engine import preview_stacks
from platformctl.preview.mocks import ACCOUNT_ID, PlatformMocks
from platformctl.preview.name_collisions import name_collisions
from platformctl.preview.offline_checks import (
    IDENTITY,
    RESOURCE,
    TRUST,
    check_records,
    name_problems,
    policy_problems,
    provider_problems,
    resource_problems,
    tag_problems,
)
from platformctl.project import load_project

REPO = Path(__file__).resolve().parents[3]
TIERS = ("dev", "staging", "prod")
# Types the account baseline program will register; they need rows before it lands.
BASELINE_TYPES = {
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:guardduty/detector:Detector",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
    "aws:ebs/encryptionByDefault:EncryptionByDefault",
    "aws:ebs/defaultKmsKey:DefaultKmsKey",
    "aws:route53/zone:Zone",
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:ec2/securityGroup:SecurityGroup",
}


@pytest.fixture(scope="module")
def registered_types() -> set[str]:
    """Every AWS type the three stacks and the bootstrap program register, whatever the checks say of them."""
    previews = preview_stacks(load_project(REPO), list(TIERS)) + preview_stacks(
        load_project(REPO / "bootstrap"), ["shared"]
    )
    for preview in previews:
        assert preview.status in ("ok", "check-error"), f"{preview.stack} did not run: {preview.message}"
    return {r["type"] for p in previews for r in p.resources if r["type"].startswith("aws:")}


def test_every_registered_aws_type_has_a_limits_row(registered_types):
    missing = sorted((registered_types | BASELINE_TYPES) - NAME_RULES.keys())
    assert not missing, f"add a row to platformctl/aws_limits.py for: {missing}"


@pytest.mark.parametrize("token", sorted(NAME_RULES))
def test_each_row_cites_aws_and_names_a_real_input(token):
    rule = NAME_RULES[token]
    assert rule.doc.startswith("https://docs.aws.amazon.com/"), f"{token}: cite the AWS page of the limit"
    if rule.prop is None:
        return
    _, module_file, kind = token.split(":")
    module = importlib.import_module(f"pulumi_aws.{module_file.split('/')[0]}")
    parameters = inspect.signature(getattr(module, f"{kind}Args").__init__).parameters
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", rule.prop).lower()
    assert snake in parameters, f"{token}: {rule.prop!r} is not an input of {kind}Args"
    if rule.auto_max is not None:  # auto-named inputs are optional: the provider fills them in
        assert parameters[snake].default is None, f"{token}: {rule.prop} is required, so never auto-named"


# --- physical names ----------------------------------------------------------------------------------

TG = "aws:lb/targetGroup:TargetGroup"


def test_auto_named_target_group_too_long_fails_with_the_providers_words():
    logical = "checkout-service-target-group1"  # 30 characters: 30 + "-" + 7 random > 32
    assert name_problems(TG, logical, {}) == [
        f"could not make instance of '{TG}': name '{logical}-' plus 7 random chars is longer than maximum length 32"
    ]
    assert name_problems(TG, "checkout-tg", {}) == []


@pytest.mark.parametrize(
    "token,inputs,expected",
    [
        ("aws:iam/role:Role", {"name": "r" * 70}, '"name" cannot be longer than 64 characters'),
        ("aws:iam/role:Role", {"name": "ci deployer"}, 'only alphanumeric characters and +=,.@_- allowed in "name"'),
        ("aws:lb/loadBalancer:LoadBalancer", {"name": "internal-api"}, '"name" cannot begin with "internal-"'),
        ("aws:lb/loadBalancer:LoadBalancer", {"name": "api-"}, '"name" cannot end with a hyphen'),
        (TG, {"name": "-api"}, '"name" cannot begin with a hyphen'),
        ("aws:rds/instance:Instance", {"identifier": "1db"}, '"identifier" must begin with a letter'),
        ("aws:rds/instance:Instance", {"identifier": "app--db"}, '"identifier" cannot contain two consecutive hyphens'),
        ("aws:rds/instance:Instance", {"identifier": "App-db"}, "only lowercase alphanumeric characters and hyphens"),
        ("aws:s3/bucket:Bucket", {"bucket": "ab"}, '"bucket" must be at least 3 characters'),
        ("aws:s3/bucket:Bucket", {"bucket": "Assets"}, "only lowercase alphanumeric characters, periods and hyphens"),
        ("aws:s3/bucket:Bucket", {"bucket": "192.168.5.4"}, '"bucket" cannot be formatted as an IP address'),
        ("aws:ec2/securityGroup:SecurityGroup", {"name": "sg-web"}, '"name" cannot begin with "sg-"'),
        ("aws:kms/alias:Alias", {"name": "data"}, '"name" must begin with "alias/"'),
        ("aws:kms/alias:Alias", {"name": "alias/aws/data"}, '"name" cannot begin with "alias/aws/"'),
        ("aws:backup/vault:Vault", {"name": "v"}, '"name" must be at least 2 characters'),
        ("aws:backup/plan:Plan", {"name": "p" * 51}, '"name" cannot be longer than 50 characters'),
        ("aws:eks/nodeGroup:NodeGroup", {"nodeGroupName": "n" * 64}, '"nodeGroupName" cannot be longer than 63'),
        ("aws:cloudtrail/trail:Trail", {"name": "audit--trail"}, "cannot contain adjacent periods, underscores or"),
        ("aws:cloudwatch/eventRule:EventRule", {"name": "e" * 65}, '"name" cannot be longer than 64 characters'),
        ("aws:budgets/budget:Budget", {"name": "cost:monthly"}, '":" and "\\" not allowed in "name"'),
    ],
)
def test_explicit_names_are_held_to_the_aws_rules(token, inputs, expected):
    problems = name_problems(token, "logical", inputs)
    assert any(expected in p for p in problems), f"{token} {inputs}: expected {expected!r}, got {problems}"


@pytest.mark.parametrize(
    "token,inputs",
    [
        ("aws:iam/role:Role", {"name": "platform-prod-ci-deployer"}),
        ("aws:rds/instance:Instance", {"identifier": "platform-prod-db"}),
        ("aws:kms/alias:Alias", {"name": "alias/platform-prod-data"}),
        ("aws:s3/bucket:Bucket", {"bucket": "platform-pulumi-state-123456789012-us-east-1"}),
        ("aws:sns/topic:Topic", {"name": "alerts.fifo"}),
        ("aws:iam/role:Role", {"name": Unknown()}),  # unknown at preview time: nothing to check yet
        ("aws:iam/role:Role", {"name": {rpc._special_sig_key: rpc._special_secret_sig, "value": "r" * 70}}),
        ("aws:eks/nodeGroup:NodeGroup", {"nodeGroupNamePrefix": "nodes-"}),
    ],
)
def test_compliant_unknown_and_secret_names_pass(token, inputs):
    assert name_problems(token, "logical", inputs) == []


def test_auto_names_follow_the_provider_rules_for_the_type():
    mocks = PlatformMocks()

    def physical(token: str, name: str, prop: str) -> str:
        return mocks.new_resource(SimpleNamespace(typ=token, name=name, inputs={}, provider="", custom=True))[1][prop]

    assert re.fullmatch(r"web-assets-[0-9a-f]{7}", physical("aws:s3/bucket:Bucket", "Web-Assets", "bucket"))
    assert re.fullmatch(r"alias/data-[0-9a-f]{7}", physical("aws:kms/alias:Alias", "data", "name"))
    assert re.fullmatch(r"notify-[0-9a-f]{7}", physical("aws:cloudwatch/eventTarget:EventTarget", "notify", "targetId"))
    # v7 does not lower-case RDS identifiers: the provider's validator refuses the upper case instead.
    assert name_problems("aws:rds/instance:Instance", "AppDb", {}) != []


# --- tags --------------------------------------------------------------------------------------------


def test_tags_within_the_aws_rules_pass():
    tags = {"owner": "platform-team", "cost-center": "", "Name": "café über 東京 +=.:/@_-", "note": "x" * 256}
    assert tag_problems(tags) == []


@pytest.mark.parametrize(
    "tags,expected",
    [
        ({f"k{i}": "v" for i in range(51)}, "51 tags; AWS allows at most 50 per resource"),
        ({"k" * 129: "v"}, "is 129 characters; keys are 1 to 128 characters"),
        ({"owner": "x" * 257}, 'tag "owner": value is 257 characters, longer than maximum length 256'),
        ({"AWS:owner": "me"}, 'tag key "AWS:owner" begins with "aws:"'),
        ({"team": "rocket 🚀"}, 'tag "team": value contains "🚀" (U+1F680)'),
        ({"team#": "x"}, 'tag key "team#" contains "#"'),
    ],
)
def test_tags_outside_the_aws_rules_fail(tags, expected):
    problems = tag_problems(tags)
    assert any(expected in p for p in problems), f"expected {expected!r}, got {problems}"


def test_provider_default_tags_count_towards_a_resource_with_tags_of_its_own():
    defaults = {f"default-{i}": "v" for i in range(45)}
    problems = resource_problems("aws:s3/bucket:Bucket", "b", {"tags": {f"own-{i}": "v" for i in range(6)}}, defaults)
    assert problems == ["51 tags (45 from the provider's defaultTags); AWS allows at most 50 per resource"]


def test_ec2_tags_take_any_character_but_not_any_length():
    assert resource_problems("aws:ec2/vpc:Vpc", "v", {"tags": {"Name": "🚀"}}) == []
    assert resource_problems("aws:ec2/vpc:Vpc", "v", {"tags": {"Name": "x" * 257}}) != []


def test_unknown_tag_values_are_skipped():
    assert resource_problems("aws:s3/bucket:Bucket", "b", {"tags": {"owner": Unknown()}}) == []


# --- policy documents --------------------------------------------------------------------------------


def _doc(*statements: dict, version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


IDENTITY_OK = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
TRUST_OK = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}


@pytest.mark.parametrize(
    "text,kind",
    [
        (_doc(IDENTITY_OK), IDENTITY),
        (_doc(TRUST_OK), TRUST),
        (_doc({**TRUST_OK, "Resource": "*"}), RESOURCE),
        (_doc({"Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "*"}), IDENTITY),
    ],
)
def test_valid_policy_documents_pass(text, kind):
    assert policy_problems(text, kind) == []


@pytest.mark.parametrize(
    "text,kind,expected",
    [
        ("{not json", IDENTITY, "contains an invalid JSON policy"),
        (_doc(IDENTITY_OK, version="2012-10-18"), IDENTITY, 'Version "2012-10-18" is not one of'),
        (json.dumps({"Version": "2012-10-17", "Statement": []}), IDENTITY, "the policy has no Statement"),
        (_doc({**IDENTITY_OK, "Action": []}), IDENTITY, "Policy statement must contain actions."),
        (_doc({**IDENTITY_OK, "Effect": "allow"}), IDENTITY, 'Effect "allow" must be "Allow" or "Deny"'),
        (_doc({**IDENTITY_OK, "Principal": "*"}), IDENTITY, "Policy document should not specify a principal."),
        (_doc({"Effect": "Allow", "Action": "s3:*"}), IDENTITY, "Policy statement must contain resources."),
        (_doc({**TRUST_OK, "Resource": "*"}), TRUST, "Has prohibited field Resource"),
        (_doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), TRUST, "Missing required field Principal"),
        (_doc({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}), RESOURCE, "Missing required field Principal"),
    ],
)
def test_invalid_policy_documents_fail(text, kind, expected):
    problems = policy_problems(text, kind)
    assert any(expected in p for p in problems), f"expected {expected!r}, got {problems}"


def test_policies_are_checked_in_the_input_that_holds_them():
    role = {
        "assumeRolePolicy": _doc({**TRUST_OK, "Resource": "*"}),
        "inlinePolicies": [{"name": "read", "policy": _doc({**IDENTITY_OK, "Principal": "*"})}],
    }
    problems = resource_problems("aws:iam/role:Role", "r", role)
    assert any(p.startswith('"assumeRolePolicy": ') for p in problems), problems
    assert any(p.startswith('"inlinePolicies[0].policy": ') for p in problems), problems
    assert resource_problems("aws:iam/role:Role", "r", {"assumeRolePolicy": Unknown()}) == []


# --- providers and whole stacks ----------------------------------------------------------------------


def test_a_provider_pinned_to_another_account_fails_like_the_real_one():
    assert provider_problems({"allowedAccountIds": json.dumps(["111122223333"])}) == [
        f"AWS account ID not allowed: {ACCOUNT_ID}"
    ]
    assert provider_problems({"allowedAccountIds": json.dumps([ACCOUNT_ID])}) == []
    assert provider_problems({"forbiddenAccountIds": json.dumps([ACCOUNT_ID])}) != []


def test_check_records_names_every_offending_urn_and_merges_the_providers_default_tags():
    provider_urn = "urn:pulumi:dev::p::pulumi:providers:aws::aws"
    defaults = json.dumps({"tags": {f"d{i}": "v" for i in range(50)}})
    records = [
        SimpleNamespace(
            urn=provider_urn,
            type="pulumi:providers:aws",
            name="aws",
            op="create",
            provider="",
            inputs={"defaultTags": defaults},
        ),
        SimpleNamespace(
            urn="urn:pulumi:dev::p::aws:s3/bucket:Bucket::b",
            type="aws:s3/bucket:Bucket",
            name="b",
            op="create",
            provider=f"{provider_urn}::id",
            inputs={"tags": {"own": "v"}},
        ),
        SimpleNamespace(
            urn=f"urn:pulumi:dev::p::{TG}::" + "t" * 30,
            type=TG,
            name="t" * 30,
            op="create",
            provider=f"{provider_urn}::id",
            inputs={},
        ),
    ]
    found = [str(v) for v in check_records(records)]
    assert len(found) == 2, found
    assert found[0].startswith("urn:pulumi:dev::p::aws:s3/bucket:Bucket::b: 51 tags (50 from"), found
    assert found[1].startswith(f"urn:pulumi:dev::p::{TG}::{'t' * 30}: could not make instance"), found


# --- cross-stack collisions --------------------------------------------------------------------------


def _stack(stack: str, region: str, *resources: tuple[str, dict]) -> list[dict]:
    provider = {
        "urn": f"urn:pulumi:{stack}::p::pulumi:providers:aws::aws",
        "type": "pulumi:providers:aws",
        "inputs": {"region": region},
        "provider": "",
    }
    return [provider] + [
        {
            "urn": f"urn:pulumi:{stack}::p::{token}::r{i}",
            "type": token,
            "inputs": inputs,
            "provider": provider["urn"] + "::id",
        }
        for i, (token, inputs) in enumerate(resources)
    ]


ROLE, LOGS, BUCKET, DETECTOR = (
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket",
    "aws:guardduty/detector:Detector",
)


def test_names_collide_within_their_uniqueness_scope_only():
    stacks = {
        "dev": _stack(
            "dev",
            "us-east-1",
            (ROLE, {"name": "CI"}),
            (LOGS, {"name": "/app"}),
            (BUCKET, {"bucket": "assets"}),
            (DETECTOR, {}),
        ),
        "staging": _stack("staging", "us-west-2", (ROLE, {"name": "ci"}), (LOGS, {"name": "/app"}), (DETECTOR, {})),
        "prod": _stack("prod", "us-east-1", (ROLE, {"name": "ci"}), (BUCKET, {"bucket": "assets"})),
    }
    found = name_collisions(stacks, {"dev": "111111111111", "staging": "111111111111", "prod": "222222222222"})
    assert len(found) == 2, found
    role, bucket = found
    # IAM names are unique per account whatever their case; log groups and detectors per region too.
    assert "aws:iam/role:Role name 'ci' in account 111111111111: stacks 'dev'" in role, role
    assert "urn:pulumi:dev::p::aws:iam/role:Role::r0" in role and "urn:pulumi:staging::p::" in role, role
    # Bucket names are global: two accounts still collide.
    assert bucket.startswith("aws:s3/bucket:Bucket bucket 'assets' in every AWS account"), bucket


def test_singletons_collide_per_account_and_region_and_auto_names_never_do():
    stacks = {
        "a": _stack("a", "us-east-1", (DETECTOR, {}), (ROLE, {}), (ROLE, {"name": "[unknown]"})),
        "b": _stack("b", "us-east-1", (DETECTOR, {}), (ROLE, {}), (ROLE, {"name": "[unknown]"})),
    }
    [found] = name_collisions(stacks, {"a": "1", "b": "1"})
    assert found.startswith(
        "aws:guardduty/detector:Detector (one per account and region) in account 1, region us-east-1"
    ), found
    assert name_collisions(stacks, {"a": "1", "b": "2"}) == []


# --- mock invokes and recorded options ---------------------------------------------------------------


def _invoke(token: str, region: str = "us-east-1", **args) -> dict:
    return PlatformMocks(default_region=region).call(MockCallArgs(token, args, ""))


def test_invokes_answer_like_aws():
    host = "token.actions.githubusercontent.com"
    by_url = _invoke("aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider", url=f"https://{host}")
    assert by_url["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}" and by_url["url"] == host
    assert by_url["clientIdLists"] == ["sts.amazonaws.com"]
    assert _invoke("aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider", arn=by_url["arn"])["url"] == host
    detector = _invoke("aws:guardduty/getDetector:getDetector")
    assert re.fullmatch(r"[0-9a-f]{32}", detector["id"]) and detector["status"] == "ENABLED"
    zone, dotted = (_invoke("aws:route53/getZone:getZone", name=name) for name in ("company.com", "company.com."))
    assert zone == dotted and zone["name"] == "company.com" and re.fullmatch(r"Z0[0-9A-F]{19}", zone["zoneId"])
    assert zone["arn"] == f"arn:aws:route53:::hostedzone/{zone['zoneId']}" and len(zone["nameServers"]) == 4


@pytest.mark.parametrize(
    "region,count,first_ids", [("us-east-1", 6, ["use1-az2", "use1-az4"]), ("us-west-2", 4, ["usw2-az2", "usw2-az1"])]
)
def test_availability_zone_ids_follow_the_accounts_mapping(region, count, first_ids):
    zones = _invoke("aws:index/getAvailabilityZones:getAvailabilityZones", region)
    assert len(zones["names"]) == len(zones["zoneIds"]) == len(set(zones["zoneIds"])) == count
    assert zones["names"][0] == f"{region}a" and zones["zoneIds"][:2] == first_ids
    assert zones["zoneIds"] != sorted(zones["zoneIds"]), "AZ names and IDs are not mapped in order"


# --- end to end: `platformctl preview` on a tiny program ---------------------------------------------

PROGRAM = """
import pulumi, pulumi_aws as aws
provider = aws.Provider("aws", region="us-east-1",
                        default_tags=aws.ProviderDefaultTagsArgs(tags={"owner": "platform-team"}))
opts = pulumi.ResourceOptions(provider=provider)
"""


def tiny(tmp_path: Path, body: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: tiny\nruntime:\n  name: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(PROGRAM + textwrap.dedent(body))
    return tmp_path


def preview(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "preview", "--cwd", str(project), "--stack", "dev", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"},
    )


def test_auto_named_target_group_over_32_characters_fails_the_preview(tmp_path):
    project = tiny(
        tmp_path,
        'aws.lb.TargetGroup("checkout-service-target-group1", port=80, protocol="HTTP", vpc_id="vpc-1", opts=opts)\n',
    )
    result = preview(project, "--json")
    urn = f"urn:pulumi:dev::tiny::{TG}::checkout-service-target-group1"
    assert result.returncode == 1, f"{urn} passed offline: {result.stdout[-2000:]}{result.stderr}"
    message = (
        f"could not make instance of '{TG}': name 'checkout-service-target-group1-' plus 7 random chars "
        "is longer than maximum length 32"
    )
    assert f"error: {urn}: {message}" in result.stderr, result.stderr
    [diagnostic] = [d for d in json.loads(result.stdout)["diagnostics"] if d["severity"] == "error"]
    assert diagnostic == {"severity": "error", "urn": urn, "message": message}


def test_explicit_role_name_over_64_characters_fails_the_preview(tmp_path):
    name = "platform-" + "x" * 61
    project = tiny(
        tmp_path,
        f'''
        aws.iam.Role("ci", name="{name}", opts=opts, assume_role_policy="""{_doc(TRUST_OK)}""")
    ''',
    )
    result = preview(project)
    urn = "urn:pulumi:dev::tiny::aws:iam/role:Role::ci"
    assert result.returncode == 1, f"{urn} passed offline: {result.stdout[-2000:]}"
    assert f'error: {urn}: "name" cannot be longer than 64 characters: "{name}"' in result.stdout, result.stdout


def test_bucket_tags_outside_the_aws_rules_fail_the_preview_naming_each_tag(tmp_path):
    project = tiny(
        tmp_path,
        """
        aws.s3.Bucket("notes", tags={"description": "x" * 300}, opts=opts)
        aws.s3.Bucket("mascot", tags={"team": "rocket \\U0001F680"}, opts=opts)
    """,
    )
    result = preview(project)
    assert result.returncode == 1, result.stdout[-2000:]
    for urn, expected in [
        (
            "urn:pulumi:dev::tiny::aws:s3/bucket:Bucket::notes",
            'tag "description": value is 300 characters, longer than maximum length 256',
        ),
        ("urn:pulumi:dev::tiny::aws:s3/bucket:Bucket::mascot", 'tag "team": value contains'),
    ]:
        assert f"error: {urn}: {expected}" in result.stdout, f"{urn}: {expected!r} missing:\n{result.stdout}"
    assert "U+1F680" in result.stdout


def test_a_compliant_program_previews_and_records_replacement_options(tmp_path):
    project = tiny(
        tmp_path,
        f'''
        aws.lb.TargetGroup("checkout", port=80, protocol="HTTP", vpc_id="vpc-1", opts=opts)
        aws.iam.Role("ci", name="platform-ci", assume_role_policy="""{_doc(TRUST_OK)}""",
                     opts=pulumi.ResourceOptions(provider=provider, delete_before_replace=True,
                                                 ignore_changes=["tags"]))
        aws.s3.Bucket("notes", tags={{"team": "platform", "note": "Ünïcödé 東京"}}, opts=opts)
    ''',
    )
    result = preview(project)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    [run] = preview_stacks(load_project(project), ["dev"])
    role = next(r for r in run.resources if r["type"] == "aws:iam/role:Role")
    bucket = next(r for r in run.resources if r["type"] == "aws:s3/bucket:Bucket")
    assert (role["deleteBeforeReplace"], role["ignoreChanges"]) == (True, ["tags"]), role["urn"]
    assert (bucket["deleteBeforeReplace"], bucket["ignoreChanges"]) == (False, []), bucket["urn"]
