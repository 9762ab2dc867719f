"""IAM roles for the people and the pipeline that operate one tier, and GitHub's OIDC provider."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from . import access_policies as docs
from .config import PlatformConfig, Tier

HOUR = 3600
CI_SESSION_SECONDS = HOUR
DEVELOPER_SESSION_SECONDS = HOUR
ROLE_KEYS = ("platform-admin", "developer", "ci-deployer", "break-glass")

_AWS_MANAGED = {
    "AdministratorAccess": "arn:aws:iam::aws:policy/AdministratorAccess",
    "PowerUserAccess": "arn:aws:iam::aws:policy/PowerUserAccess",
    "ReadOnlyAccess": "arn:aws:iam::aws:policy/ReadOnlyAccess",
}
# Customer-managed policy name -> physical name suffix after the stack prefix.
_CUSTOMER = {
    "DeveloperLimitedWrite": "developer-limited-write",
    "CiDeployerIam": "ci-deployer-iam",
    "DenyPlatformRoleAssumption": "deny-role-assumption",
}
_DEVELOPER_POLICIES = {
    "full": ("PowerUserAccess", "DenyPlatformRoleAssumption"),
    "limited": ("ReadOnlyAccess", "DeveloperLimitedWrite"),
    "read-only": ("ReadOnlyAccess",),
}


@dataclass(frozen=True)
class AccessArgs:
    config: PlatformConfig
    account_id: str


class Access(pulumi.ComponentResource):
    """platform-admin, developer, ci-deployer and break-glass, each with AWS- or customer-managed policies."""

    roles: dict[str, aws.iam.Role]
    role_arns: dict[str, Output[str]]
    github_oidc_provider: aws.iam.OpenIdConnectProvider
    github_oidc_provider_arn: Output[str]

    def __init__(self, name: str, args: AccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:access:Access", name, None, opts)
        config = args.config
        access = config.access
        prod = config.tier is Tier.PROD

        # One IAM OIDC provider per URL per account: a second stack in the same account (e.g. dev and
        # staging sharing one) would fail with EntityAlreadyExists. Tiers live in separate accounts today;
        # sharing an account would need this made conditional or imported from a shared stack.
        # No thumbprint_lists: IAM validates GitHub's tokens against its own trusted CAs and ignores
        # thumbprints for GitHub, and the provider no longer requires the argument.
        self.github_oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-github-oidc", url=docs.GITHUB_OIDC_URL, client_id_lists=[docs.STS_AUDIENCE],
            opts=pulumi.ResourceOptions(parent=self))
        self._policies = self._customer_policies(name, args)

        self.roles = {
            "platform-admin": self._role(
                name, args, "platform-admin",
                trust=docs.human_trust(args.account_id, access.admin_requires_mfa or prod),
                session_seconds=access.admin_session_hours * HOUR, policies=("AdministratorAccess",),
                description="Day-to-day administration of the platform"),
            "developer": self._role(
                name, args, "developer", trust=docs.human_trust(args.account_id, prod),
                session_seconds=DEVELOPER_SESSION_SECONDS, policies=_DEVELOPER_POLICIES[access.developer_access],
                description=f"Application developers ({access.developer_access} access)"),
            "ci-deployer": self._role(
                name, args, "ci-deployer",
                trust=docs.github_trust(self.github_oidc_provider.arn, access.github_repository,
                                        access.github_environment),
                session_seconds=CI_SESSION_SECONDS,
                policies=("PowerUserAccess", "CiDeployerIam", "DenyPlatformRoleAssumption"),
                description=f"Pulumi deployments from GitHub Actions, environment {config.tier.value}"),
            # MFA on every tier: this role bypasses the normal access path, so its use must be deliberate.
            "break-glass": self._role(
                name, args, "break-glass", trust=docs.human_trust(args.account_id, True),
                session_seconds=access.break_glass_session_hours * HOUR, policies=("AdministratorAccess",),
                description="Emergency access; every assumption raises an alarm"),
        }
        self.role_arns = {key: role.arn for key, role in self.roles.items()}
        self.github_oidc_provider_arn = self.github_oidc_provider.arn
        self.register_outputs({
            "roleArns": self.role_arns,
            "githubOidcProviderArn": self.github_oidc_provider_arn,
        })

    def _customer_policies(self, name: str, args: AccessArgs) -> dict[str, aws.iam.Policy]:
        prefix = args.config.name_prefix
        documents = {
            "CiDeployerIam": docs.ci_iam(args.account_id, prefix),
            "DenyPlatformRoleAssumption": docs.deny_platform_role_assumption(args.account_id),
        }
        if args.config.access.developer_access == "limited":
            documents["DeveloperLimitedWrite"] = docs.developer_limited(
                args.account_id, prefix, args.config.tier.value)
        return {
            policy_name: aws.iam.Policy(
                f"{name}-{_CUSTOMER[policy_name]}", name=f"{prefix}-{_CUSTOMER[policy_name]}",
                policy=document, opts=pulumi.ResourceOptions(parent=self))
            for policy_name, document in documents.items()
        }

    def _role(self, name: str, args: AccessArgs, role_key: str, *, trust: Input[str], session_seconds: int,
              policies: tuple[str, ...], description: str) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{name}-{role_key}", name=f"{args.config.name_prefix}-{role_key}", assume_role_policy=trust,
            max_session_duration=session_seconds, description=description,
            opts=pulumi.ResourceOptions(parent=self))
        for policy_name in policies:
            policy_arn = (_AWS_MANAGED[policy_name] if policy_name in _AWS_MANAGED
                          else self._policies[policy_name].arn)
            aws.iam.RolePolicyAttachment(
                f"{name}-{role_key}-{policy_name}", role=role.name, policy_arn=policy_arn,
                opts=pulumi.ResourceOptions(parent=self))
        return role
