"""IAM policy documents of the access component: pure functions of plain values, no resources."""

from __future__ import annotations

import json
from typing import Any

from pulumi import Input, Output

from ..config.base import PROJECT_NAMESPACE
from ..iam import STS_AUDIENCE, web_identity_trust

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
# An MFA sign-in older than this no longer opens an MFA-protected role.
MFA_MAX_AGE_SECONDS = 3600

# The roles IAM Identity Center creates for a permission set assigned to this account: name
# AWSReservedSSO_<permission set>_<suffix>, path /aws-reserved/sso.amazonaws.com/<region>/, the suffix changing
# whenever the set is re-assigned, hence the wildcard
# (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
# Instances that predate regional paths create them without the <region>/ segment; both forms are admitted.
SSO_ROLE_PATH = "aws-reserved/sso.amazonaws.com"

# The bootstrap program's KMS aliases (bootstrap/__main__.py; tests/test_access.py keeps them in step): the
# `awskms://` secrets provider of every stack and the state bucket's SSE-KMS key.
SECRETS_KEY_ALIAS = "alias/platform-pulumi-secrets"
STATE_KEY_ALIAS = "alias/platform-pulumi-state"

# What the bridged provider calls on each IAM resource type the stack manages, for create, read (refresh),
# update, tag changes and delete (terraform-provider-aws internal/service/iam: role.go, role_policy.go,
# role_policy_attachment.go, policy.go, openid_connect_provider.go). Action names per the IAM service
# authorization reference
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
ROLE_ACTIONS = (
    "iam:CreateRole",
    "iam:GetRole",
    "iam:DeleteRole",
    "iam:UpdateAssumeRolePolicy",
    # max_session_duration -> UpdateRole, description -> UpdateRoleDescription.
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:ListRoleTags",
    # Read lists inline and attached policies; delete first detaches the role from any instance profile.
    "iam:ListRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    # aws.iam.RolePolicy (inline policies) and aws.iam.RolePolicyAttachment act on the role.
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    # EKS, node groups, flow logs, the trail, replication, backups and the event bus are handed their roles.
    "iam:PassRole",
)
POLICY_ACTIONS = (
    "iam:CreatePolicy",
    "iam:GetPolicy",
    "iam:DeletePolicy",
    # An update creates a version, then makes it the default in a second call; at five versions the oldest
    # goes first, and delete removes every non-default version.
    "iam:GetPolicyVersion",
    "iam:ListPolicyVersions",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicyVersion",
    # The provider's default_tags make every CreatePolicy a tagged create, which IAM authorises as TagPolicy.
    "iam:TagPolicy",
    "iam:UntagPolicy",
    "iam:ListPolicyTags",
)
OIDC_PROVIDER_ACTIONS = (
    "iam:CreateOpenIDConnectProvider",
    "iam:GetOpenIDConnectProvider",
    "iam:DeleteOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:RemoveClientIDFromOpenIDConnectProvider",
    "iam:TagOpenIDConnectProvider",
    "iam:UntagOpenIDConnectProvider",
    "iam:ListOpenIDConnectProviderTags",
)
SERVICE_LINKED_ROLE_ACTIONS = (
    "iam:CreateServiceLinkedRole",
    "iam:DeleteServiceLinkedRole",
    "iam:GetServiceLinkedRoleDeletionStatus",
    "iam:GetRole",
    "iam:UpdateRoleDescription",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:ListRoleTags",
)


def document(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def identity_center_role_arns(account_id: str, permission_set: str) -> list[str]:
    """ARN patterns of the roles IAM Identity Center creates in this account for one permission set."""
    name = f"AWSReservedSSO_{permission_set}_*"
    role = f"arn:aws:iam::{account_id}:role/{SSO_ROLE_PATH}"
    return [f"{role}/*/{name}", f"{role}/{name}"]


def human_trust(account_id: str, require_mfa: bool, permission_set: str | None = None) -> str:
    """People assume the role from this account: through an IAM Identity Center permission set, or as IAM users.

    Identity Center sessions carry no aws:MultiFactorAuthPresent, so an MFA condition would lock them out; MFA for
    them is enforced by Identity Center / the IdP at sign-in. They are admitted by the permission set's role
    ARN instead. IAM principals keep the MFA condition wherever the tier requires it; a role reached through
    Identity Center admits IAM principals only with MFA (and not at all where the tier requires none).
    """
    account = {"AWS": f"arn:aws:iam::{account_id}:root"}
    statements: list[dict[str, Any]] = []
    if permission_set:
        # aws:PrincipalArn of a role session is the role's ARN, path included
        # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
        statements.append(
            {
                "Sid": "IdentityCenterPermissionSet",
                "Effect": "Allow",
                "Principal": account,
                "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": identity_center_role_arns(account_id, permission_set)}},
            }
        )
    if require_mfa:
        statements.append(
            {
                "Sid": "IamPrincipalsWithMfa",
                "Effect": "Allow",
                "Principal": account,
                "Action": "sts:AssumeRole",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": str(MFA_MAX_AGE_SECONDS)},
                },
            }
        )
    elif not permission_set:
        statements.append(
            {"Sid": "AccountPrincipals", "Effect": "Allow", "Principal": account, "Action": "sts:AssumeRole"}
        )
    return document(statements)


def break_glass_trust(account_id: str) -> str:
    """IAM users with MFA only, never Identity Center: break-glass must work when SSO or the IdP is down."""
    return human_trust(account_id, require_mfa=True, permission_set=None)


def environment_subject(repository: str, environment: str) -> str:
    """The `sub` of a job that runs in a GitHub environment."""
    return f"repo:{repository}:environment:{environment}"


def pull_request_subject(repository: str) -> str:
    """The `sub` of a job triggered by a pull request and not running in an environment (https://docs.github.com/
    en/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect,
    "Filtering for pull_request events")."""
    return f"repo:{repository}:pull_request"


def github_trust(provider_arn: Input[str], subject: str) -> Output[str]:
    """Only GitHub Actions jobs whose token carries this subject (one repository, one trigger) get the role."""
    claims = {f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE, f"{GITHUB_OIDC_HOST}:sub": subject}
    return Output.json_dumps(web_identity_trust(provider_arn, claims))


def developer_limited(account_id: str, prefix: str, tier: str) -> str:
    """Read comes from ReadOnlyAccess; this adds only the few writes a developer needs to debug."""
    ssm = f"arn:aws:ssm:*:{account_id}"
    return document(
        [
            {
                "Sid": "ClusterAccess",
                "Effect": "Allow",
                "Action": ["eks:DescribeCluster", "eks:AccessKubernetesApi"],
                "Resource": f"arn:aws:eks:*:{account_id}:cluster/{prefix}*",
            },
            # The List*/Get*Results/GetMetricData actions have no resource-level permissions: AWS requires "*".
            {
                "Sid": "UnscopedReads",
                "Effect": "Allow",
                "Action": ["eks:ListClusters", "logs:GetQueryResults", "cloudwatch:GetMetricData"],
                "Resource": "*",
            },
            {
                "Sid": "LogQueries",
                "Effect": "Allow",
                "Action": ["logs:StartQuery", "logs:FilterLogEvents"],
                "Resource": f"arn:aws:logs:*:{account_id}:log-group:*",
            },
            {
                "Sid": "Dashboards",
                "Effect": "Allow",
                "Action": "cloudwatch:PutDashboard",
                "Resource": f"arn:aws:cloudwatch::{account_id}:dashboard/*",
            },
            {
                "Sid": "SessionsOnTierInstances",
                "Effect": "Allow",
                "Action": "ssm:StartSession",
                "Resource": f"arn:aws:ec2:*:{account_id}:instance/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/environment": tier}},
            },
            # StartSession is authorised against the session document too; the tag condition cannot apply to it.
            {
                "Sid": "SessionDocument",
                "Effect": "Allow",
                "Action": "ssm:StartSession",
                "Resource": f"{ssm}:document/SSM-SessionManagerRunShell",
                "Condition": {"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}},
            },
            {
                "Sid": "OwnSessions",
                "Effect": "Allow",
                "Action": ["ssm:TerminateSession", "ssm:ResumeSession"],
                "Resource": f"{ssm}:session/${{aws:userid}}-*",
            },
        ]
    )


def ci_iam(account_id: str, prefix: str, region: str) -> str:
    """PowerUserAccess excludes IAM; Pulumi still has to manage this stack's own IAM resources, and only those.

    The GitHub OIDC provider belongs to the account baseline (account-baseline/): the stack only looks it up.
    """
    iam = f"arn:aws:iam::{account_id}"
    return document(
        [
            {
                "Sid": "StackRoles",
                "Effect": "Allow",
                "Action": list(ROLE_ACTIONS),
                "Resource": f"{iam}:role/{prefix}-*",
            },
            {
                "Sid": "StackPolicies",
                "Effect": "Allow",
                "Action": list(POLICY_ACTIONS),
                "Resource": f"{iam}:policy/{prefix}-*",
            },
            # The cluster's IRSA provider: its URL ends in an ID EKS picks when the cluster is created.
            {
                "Sid": "ClusterOidcProviders",
                "Effect": "Allow",
                "Action": list(OIDC_PROVIDER_ACTIONS),
                "Resource": f"{iam}:oidc-provider/oidc.eks.{region}.amazonaws.com/id/*",
            },
            {
                "Sid": "ServiceLinkedRoles",
                "Effect": "Allow",
                "Action": list(SERVICE_LINKED_ROLE_ACTIONS),
                "Resource": f"{iam}:role/aws-service-role/*",
            },
            # aws.iam.get_open_id_connect_provider(url=...) lists the account's providers, then reads the match.
            {
                "Sid": "LookUpGithubOidcProvider",
                "Effect": "Allow",
                "Action": "iam:GetOpenIDConnectProvider",
                "Resource": f"{iam}:oidc-provider/{GITHUB_OIDC_HOST}",
            },
            # ListOpenIDConnectProviders has no resource-level permissions: AWS requires "*".
            {
                "Sid": "ListOidcProviders",
                "Effect": "Allow",
                "Action": "iam:ListOpenIDConnectProviders",
                "Resource": "*",
            },
        ]
    )


def ci_previewer_state(account_id: str) -> str:
    """What a real `pulumi preview` needs beyond ReadOnlyAccess: decrypting the stack's secrets and its state.

    The `awskms://` secrets provider decrypts the stack's data key with kms:Decrypt (nothing else for an
    existing stack); the state objects are SSE-KMS with the state key, which S3 decrypts on the caller's behalf.
    Keys are matched by alias (kms:ResourceAliases is multivalued, hence ForAnyValue), never by a wildcard alone
    (https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html).
    """
    return document(pulumi_state_key_statements(account_id))


def pulumi_state_key_statements(account_id: str) -> list[dict[str, Any]]:
    """kms:Decrypt of the stack's secrets data key and, through S3, of the state objects (ci_previewer_state)."""
    keys = f"arn:aws:kms:*:{account_id}:key/*"
    return [
        {
            "Sid": "StackSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": keys,
            "Condition": {"ForAnyValue:StringEquals": {"kms:ResourceAliases": SECRETS_KEY_ALIAS}},
        },
        {
            "Sid": "StateObjects",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": keys,
            "Condition": {
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": STATE_KEY_ALIAS},
                "StringLike": {"kms:ViaService": "s3.*.amazonaws.com"},
            },
        },
    ]


def deny_platform_role_assumption(account_id: str) -> str:
    """PowerUserAccess allows sts:AssumeRole on "*", and the human roles trust the whole account: without
    this deny, the pipeline or a developer could step into platform-admin wherever it needs no MFA (dev)."""
    return document(
        [
            {
                "Sid": "NoChainingIntoPlatformRoles",
                "Effect": "Deny",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{account_id}:role/{PROJECT_NAMESPACE}-*",
            }
        ]
    )
