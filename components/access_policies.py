"""IAM policy documents of the access component: pure functions of plain values, no resources."""

from __future__ import annotations

import json
from typing import Any

from pulumi import Input, Output

from .config import PROJECT_NAMESPACE

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
STS_AUDIENCE = "sts.amazonaws.com"
# An MFA sign-in older than this no longer opens an MFA-protected role.
MFA_MAX_AGE_SECONDS = 3600

_ROLE_ACTIONS = [
    "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole",
    "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:GetRolePolicy", "iam:AttachRolePolicy",
    "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies",
    "iam:ListInstanceProfilesForRole", "iam:PassRole",
    # Changing max_session_duration or a description calls UpdateRole*; refresh reads tags.
    "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:ListRoleTags",
]
_POLICY_ACTIONS = [
    "iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion", "iam:ListPolicyVersions",
    # The provider's default_tags make every CreatePolicy a tagged create, which IAM authorises as TagPolicy.
    "iam:TagPolicy", "iam:UntagPolicy", "iam:ListPolicyTags",
]
_OIDC_ACTIONS = [
    "iam:CreateOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:TagOpenIDConnectProvider",
    "iam:UntagOpenIDConnectProvider",
]


def document(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def human_trust(account_id: str, require_mfa: bool) -> str:
    """People arrive through the account's SSO/IdP sessions; the account decides who may assume."""
    statement: dict[str, Any] = {
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "sts:AssumeRole"}
    if require_mfa:
        statement["Condition"] = {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": str(MFA_MAX_AGE_SECONDS)},
        }
    return document([statement])


def github_trust(provider_arn: Input[str], repository: str, environment: str) -> Output[str]:
    """Only workflow jobs of one repository running in this tier's GitHub environment get the role."""
    return Output.json_dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {
            f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE,
            f"{GITHUB_OIDC_HOST}:sub": f"repo:{repository}:environment:{environment}",
        }},
    }]})


def developer_limited(account_id: str, prefix: str, tier: str) -> str:
    """Read comes from ReadOnlyAccess; this adds only the few writes a developer needs to debug."""
    ssm = f"arn:aws:ssm:*:{account_id}"
    return document([
        {"Sid": "ClusterAccess", "Effect": "Allow",
         "Action": ["eks:DescribeCluster", "eks:AccessKubernetesApi"],
         "Resource": f"arn:aws:eks:*:{account_id}:cluster/{prefix}*"},
        # The List*/Get*Results/GetMetricData actions have no resource-level permissions: AWS requires "*".
        {"Sid": "UnscopedReads", "Effect": "Allow",
         "Action": ["eks:ListClusters", "logs:GetQueryResults", "cloudwatch:GetMetricData"], "Resource": "*"},
        {"Sid": "LogQueries", "Effect": "Allow", "Action": ["logs:StartQuery", "logs:FilterLogEvents"],
         "Resource": f"arn:aws:logs:*:{account_id}:log-group:*"},
        {"Sid": "Dashboards", "Effect": "Allow", "Action": "cloudwatch:PutDashboard",
         "Resource": f"arn:aws:cloudwatch::{account_id}:dashboard/*"},
        {"Sid": "SessionsOnTierInstances", "Effect": "Allow", "Action": "ssm:StartSession",
         "Resource": f"arn:aws:ec2:*:{account_id}:instance/*",
         "Condition": {"StringEquals": {"aws:ResourceTag/environment": tier}}},
        # StartSession is authorised against the session document too; the tag condition cannot apply to it.
        {"Sid": "SessionDocument", "Effect": "Allow", "Action": "ssm:StartSession",
         "Resource": f"{ssm}:document/SSM-SessionManagerRunShell",
         "Condition": {"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}}},
        {"Sid": "OwnSessions", "Effect": "Allow", "Action": ["ssm:TerminateSession", "ssm:ResumeSession"],
         "Resource": f"{ssm}:session/${{aws:userid}}-*"},
    ])


def ci_iam(account_id: str, prefix: str) -> str:
    """PowerUserAccess excludes IAM; Pulumi still has to manage this stack's own roles and policies."""
    iam = f"arn:aws:iam::{account_id}"
    return document([
        {"Sid": "StackRoles", "Effect": "Allow", "Action": _ROLE_ACTIONS, "Resource": f"{iam}:role/{prefix}-*"},
        {"Sid": "StackPolicies", "Effect": "Allow", "Action": _POLICY_ACTIONS,
         "Resource": f"{iam}:policy/{prefix}-*"},
        {"Sid": "ServiceLinkedRoles", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
         "Resource": f"{iam}:role/aws-service-role/*"},
        {"Sid": "GithubOidcProvider", "Effect": "Allow", "Action": _OIDC_ACTIONS,
         "Resource": f"{iam}:oidc-provider/{GITHUB_OIDC_HOST}"},
    ])


def deny_platform_role_assumption(account_id: str) -> str:
    """PowerUserAccess allows sts:AssumeRole on "*", and the human roles trust the whole account: without
    this deny, the pipeline or a developer could step into platform-admin wherever it needs no MFA (dev)."""
    return document([{
        "Sid": "NoChainingIntoPlatformRoles", "Effect": "Deny", "Action": "sts:AssumeRole",
        "Resource": f"arn:aws:iam::{account_id}:role/{PROJECT_NAMESPACE}-*",
    }])
