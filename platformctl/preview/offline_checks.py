"""The checks the real AWS provider and AWS APIs make, run over every registration of an offline preview.

The SDK's mock monitor accepts any value; `pulumi preview` against AWS does not. These checks refuse what
the bridged provider's Check (auto-naming, upstream validators, `allowedAccountIds`) or the create call
would refuse: physical names (`aws_limits`), tags, and the IAM-style policy documents. Each finding
names the resource's URN, like the engine's per-resource errors.

Values the program left unknown at preview time, and secrets, are not plain strings: they are skipped,
never guessed at.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.runtime import rpc

from .aws_limits import PREFIXED_SUFFIX_CHARS, RANDOM_CHARS, NameRule, physical_name, rule_for
from .mock_values import ACCOUNT_ID, random_suffix

AWS_PROVIDER = "pulumi:providers:aws"
TAG_LIMIT, TAG_KEY_MAX, TAG_VALUE_MAX = 50, 128, 256
TAGS_DOC = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
_TAG_ASCII = re.compile(r"[A-Za-z0-9 _.:/=+\-@]*")
_TAG_SYMBOLS = frozenset("_.:/=+-@")
_TAG_CHARS_TEXT = "Unicode letters, digits, spaces and _ . : / = + - @"
# EC2 (and so VPC) resources take any character in tags: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html
_ANY_TAG_CHARACTER = ("aws:ec2/", "aws:vpc/")

IDENTITY, TRUST, RESOURCE = "identity", "trust", "resource"
POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
MANAGED_POLICY_MAX = 6144  # characters, whitespace not counted (IAM quota PolicySize, not adjustable)
# (type, input) holding a policy document as JSON text, and which grammar applies to it.
POLICY_INPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "aws:iam/role:Role": (("assumeRolePolicy", TRUST),),  # its inlinePolicies are identity policies
    "aws:iam/policy:Policy": (("policy", IDENTITY),),
    "aws:iam/rolePolicy:RolePolicy": (("policy", IDENTITY),),
    "aws:iam/userPolicy:UserPolicy": (("policy", IDENTITY),),
    "aws:iam/groupPolicy:GroupPolicy": (("policy", IDENTITY),),
    "aws:kms/key:Key": (("policy", RESOURCE),),
    "aws:kms/keyPolicy:KeyPolicy": (("policy", RESOURCE),),
    "aws:s3/bucket:Bucket": (("policy", RESOURCE),),
    "aws:s3/bucketPolicy:BucketPolicy": (("policy", RESOURCE),),
    "aws:sns/topic:Topic": (("policy", RESOURCE),),
    "aws:sns/topicPolicy:TopicPolicy": (("policy", RESOURCE),),
    "aws:sqs/queuePolicy:QueuePolicy": (("policy", RESOURCE),),
    "aws:backup/vaultPolicy:VaultPolicy": (("policy", RESOURCE),),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": (("policyDocument", RESOURCE),),
    "aws:secretsmanager/secretPolicy:SecretPolicy": (("policy", RESOURCE),),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": (("policy", RESOURCE),),
}


@dataclass(frozen=True)
class Violation:
    urn: str
    message: str

    def __str__(self) -> str:
        return f"{self.urn}: {self.message}"

    def to_json(self) -> dict[str, str]:
        return {"severity": "error", "urn": self.urn, "message": self.message}


def check_records(records: Iterable[Any]) -> list[Violation]:
    """Every violation of every resource the program registered (records of `resource_monitor.ResourceRecord`)."""
    records = [r for r in records if r.op == "create"]  # a read looks up what exists; it creates nothing
    providers = {r.urn: r for r in records if r.type == AWS_PROVIDER}
    found: list[Violation] = []
    for record in records:
        if record.type == AWS_PROVIDER:
            found += [Violation(record.urn, m) for m in provider_problems(record.inputs)]
        elif record.type.startswith("aws:"):
            provider = providers.get(record.provider.rsplit("::", 1)[0])
            defaults = default_tags(provider.inputs) if provider else {}
            found += [
                Violation(record.urn, m) for m in resource_problems(record.type, record.name, record.inputs, defaults)
            ]
    return found


def resource_problems(
    token: str, logical: str, inputs: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> list[str]:
    problems = name_problems(token, logical, inputs)
    tags = _plain_mapping(inputs.get("tags"))
    if tags is not None:  # the defaults alone are checked once, on the provider that declares them
        problems += tag_problems(tags, any_character=token.startswith(_ANY_TAG_CHARACTER), defaults=defaults or {})
    for prop, kind in POLICY_INPUTS.get(token, ()):
        problems += _policy_input_problems(token, prop, inputs.get(prop), kind)
    if token == "aws:iam/role:Role":
        for index, inline in enumerate(_plain_list(inputs.get("inlinePolicies"))):
            if isinstance(inline, Mapping):
                problems += _policy_input_problems(
                    token, f"inlinePolicies[{index}].policy", inline.get("policy"), IDENTITY
                )
    return problems


# --- physical names ----------------------------------------------------------------------------------


def name_problems(token: str, logical: str, inputs: Mapping[str, Any]) -> list[str]:
    rule = rule_for(token)
    if rule is None or rule.prop is None:
        return []
    auto = inputs.get(rule.prop) is None and not isinstance(inputs.get(f"{rule.prop}Prefix"), str)
    if auto and rule.auto_max is not None and len(rule.auto_base(logical)) + RANDOM_CHARS > rule.auto_max:
        # The provider's own words (pulumi/sdk resource.NewUniqueName, through the bridge's FromName).
        return [
            f"could not make instance of '{token}': name '{rule.auto_base(logical)}' plus {RANDOM_CHARS} "
            f"random chars is longer than maximum length {rule.auto_max}"
        ]
    value = physical_name(rule, logical, dict(inputs), random_suffix(token, logical), "0" * PREFIXED_SUFFIX_CHARS)
    if not isinstance(value, str):
        return []
    return [f"{_about(rule, problem)}: {json.dumps(value)}" for problem in value_problems(rule, value)]


def value_problems(rule: NameRule, value: str) -> list[str]:
    """What is wrong with `value` as this type's name, each worded as the provider's validators do."""
    problems = []
    if rule.max_len is not None and len(value) > rule.max_len:
        problems.append(f"cannot be longer than {rule.max_len} characters")
    if len(value) < rule.min_len:
        problems.append(f"must be at least {rule.min_len} characters")
    if value and rule.allowed is not None and not rule.allowed.fullmatch(value):
        problems.append(rule.allowed_text)
    problems += [forbid.says for forbid in rule.forbid if forbid.pattern.search(value)]
    return problems


def _about(rule: NameRule, problem: str) -> str:
    """`"name" cannot …` or `only … allowed in "name"`, as terraform-provider-aws words them."""
    return f'{problem} "{rule.prop}"' if problem.endswith(" in") else f'"{rule.prop}" {problem}'


# --- tags --------------------------------------------------------------------------------------------


def tag_problems(
    tags: Mapping[str, Any], any_character: bool = False, defaults: Mapping[str, Any] | None = None
) -> list[str]:
    """AWS's tag rules (TAGS_DOC): each of `tags`, and how many the resource ends up with over `defaults`."""
    problems = []
    total = len({**(defaults or {}), **tags})
    if total > TAG_LIMIT:
        origin = f" ({len(defaults)} from the provider's defaultTags)" if defaults else ""
        problems.append(f"{total} tags{origin}; AWS allows at most {TAG_LIMIT} per resource")
    for key, value in tags.items():
        shown = json.dumps(key if len(key) <= 60 else key[:57] + "...")
        if not 1 <= len(key) <= TAG_KEY_MAX:
            problems.append(f"tag key {shown} is {len(key)} characters; keys are 1 to {TAG_KEY_MAX} characters")
        if key[:4].lower() == "aws:":
            problems.append(f'tag key {shown} begins with "aws:", a prefix reserved for AWS')
        if not any_character and (bad := _bad_tag_characters(key)):
            problems.append(f"tag key {shown} contains {bad}; tags allow only {_TAG_CHARS_TEXT}")
        if not isinstance(value, str):
            continue
        if len(value) > TAG_VALUE_MAX:
            problems.append(
                f"tag {shown}: value is {len(value)} characters, longer than maximum length {TAG_VALUE_MAX}"
            )
        if not any_character and (bad := _bad_tag_characters(value)):
            problems.append(f"tag {shown}: value contains {bad}; tags allow only {_TAG_CHARS_TEXT}")
    return problems


def _bad_tag_characters(text: str) -> str:
    if _TAG_ASCII.fullmatch(text):  # nearly every tag: skip the per-character Unicode look-ups
        return ""
    bad = dict.fromkeys(ch for ch in text if ch not in _TAG_SYMBOLS and unicodedata.category(ch)[0] not in "LNZ")
    return ", ".join(f"{json.dumps(ch, ensure_ascii=False)} (U+{ord(ch):04X})" for ch in bad)


def default_tags(provider_inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A provider's `defaultTags.tags`; provider inputs arrive as JSON text, as the engine passes config."""
    raw = _json_value(provider_inputs.get("defaultTags"))
    tags = _plain_mapping(raw.get("tags")) if isinstance(raw, Mapping) else None
    return tags or {}


# --- providers ---------------------------------------------------------------------------------------


def provider_problems(inputs: Mapping[str, Any], account_id: str = ACCOUNT_ID) -> list[str]:
    """The provider's configure step: the caller's account against the allow and deny lists, then tags."""
    problems = []
    allowed = _json_value(inputs.get("allowedAccountIds"))
    forbidden = _json_value(inputs.get("forbiddenAccountIds"))
    if (isinstance(allowed, list) and allowed and account_id not in map(str, allowed)) or (
        isinstance(forbidden, list) and account_id in map(str, forbidden)
    ):
        problems.append(f"AWS account ID not allowed: {account_id}")  # terraform-provider-aws's own words
    problems += [f"defaultTags: {problem}" for problem in tag_problems(default_tags(inputs))]
    return problems


# --- policy documents --------------------------------------------------------------------------------


def _policy_input_problems(token: str, prop: str, value: Any, kind: str) -> list[str]:
    if not isinstance(value, str):
        return []
    problems = policy_problems(value, kind)
    if token == "aws:iam/policy:Policy" and len(re.sub(r"\s", "", value)) > MANAGED_POLICY_MAX:
        problems.append(f"LimitExceeded: Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX}")
    return [f'"{prop}": {problem}' for problem in problems]


def policy_problems(text: str, kind: str) -> list[str]:
    """What IAM (MalformedPolicyDocument) or the owning service refuses in a policy document."""
    try:
        document = json.loads(text)
    except ValueError as error:
        return [f"contains an invalid JSON policy: {error}"]
    if not isinstance(document, dict):
        return ["contains an invalid JSON policy: not a JSON object"]
    problems = []
    version = document.get("Version")
    if version is not None and version not in POLICY_VERSIONS:
        problems.append(
            f"MalformedPolicyDocument: Version {json.dumps(version)} is not one of {', '.join(POLICY_VERSIONS)}"
        )
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements:
        return [*problems, "MalformedPolicyDocument: the policy has no Statement"]
    for index, statement in enumerate(statements):
        problems += [f"MalformedPolicyDocument: Statement[{index}]: {p}" for p in _statement_problems(statement, kind)]
    return problems


def _statement_problems(statement: Any, kind: str) -> list[str]:
    if not isinstance(statement, dict):
        return ["is not a JSON object"]
    problems = []
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(f'Effect {json.dumps(statement.get("Effect"))} must be "Allow" or "Deny"')
    if not (_any_text(statement.get("Action")) or _any_text(statement.get("NotAction"))):
        problems.append("Policy statement must contain actions.")
    principal = "Principal" in statement or "NotPrincipal" in statement
    resource = "Resource" in statement or "NotResource" in statement
    if kind == IDENTITY:
        problems += ["Policy document should not specify a principal."] if principal else []
        problems += [] if resource else ["Policy statement must contain resources."]
    elif kind == TRUST:
        problems += [] if principal else ["Missing required field Principal"]
        problems += ["Has prohibited field Resource"] if resource else []
    elif not principal:
        problems.append("Missing required field Principal")
    return problems


def _any_text(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(item, str) and item for item in values)


# --- values as registered ----------------------------------------------------------------------------


def _plain_mapping(value: Any) -> dict[str, Any] | None:
    """A mapping the program wrote out, or None for unknowns and secrets (rpc marks those with a key)."""
    if not isinstance(value, Mapping) or rpc.is_rpc_secret(value):
        return None
    return {key: item for key, item in value.items() if isinstance(key, str)}


def _plain_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _json_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value
