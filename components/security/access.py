"""IAM roles for the people and the pipelines that operate one tier.

The GitHub Actions OIDC provider exists once per account: the account baseline (account-baseline/) owns it, and
this component only looks it up for the pipeline roles' trust policies.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from platform_core.tiers import Tier

from ..config.model import PlatformConfig
from ..data.database_parameters import instance_identifier
from ..providers import from_account_baseline
from . import access_policies as docs
from .dr_drill_policies import dr_drill

HOUR = 3600
CI_SESSION_SECONDS = HOUR
CI_PREVIEWER_SESSION_SECONDS = HOUR
DEVELOPER_SESSION_SECONDS = HOUR
# dr-drill.yml asks STS for 6 h (role-duration-seconds: 21600): its wait is prod's 4 h RTO, and the credentials
# must outlive it to delete the drill's instance. A longer request than the role's MaxSessionDuration is refused.
DR_DRILL_SESSION_SECONDS = 6 * HOUR
ROLE_KEYS = ("platform-admin", "developer", "ci-deployer", "ci-previewer", "break-glass")
# Only where access.drDrill is on (prod): the quarterly DR drill's role (docs/dr-drill.md).
DR_DRILL_ROLE = "dr-drill"

_AWS_MANAGED = {
    "AdministratorAccess": "arn:aws:iam::aws:policy/AdministratorAccess",
    "PowerUserAccess": "arn:aws:iam::aws:policy/PowerUserAccess",
    "ReadOnlyAccess": "arn:aws:iam::aws:policy/ReadOnlyAccess",
}
# Customer-managed policy name -> physical name suffix after the stack prefix.
_CUSTOMER = {
    "DeveloperLimitedWrite": "developer-limited-write",
    "CiDeployerIam": "ci-deployer-iam",
    "CiPreviewerState": "ci-previewer-state",
    "DenyPlatformRoleAssumption": "deny-role-assumption",
    "DrDrill": "dr-drill",
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
    """platform-admin, developer, ci-deployer, ci-previewer and break-glass (and dr-drill where access.drDrill),
    with AWS- or customer-managed policies."""

    roles: dict[str, aws.iam.Role]
    role_arns: dict[str, Output[str]]
    cluster_role_arns: dict[str, Output[str]]  # ROLE_KEYS only: the roles ClusterAccess maps into Kubernetes
    github_oidc_provider_arn: str

    def __init__(self, name: str, args: AccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:access:Access", name, None, opts)
        config = args.config
        access = config.access
        prod = config.tier is Tier.PROD
        sso = access.identity_center_permission_sets
        repository = access.github_repository

        self.github_oidc_provider_arn = self._github_oidc_provider_arn()
        self._policies = self._customer_policies(name, args)

        self.roles = {
            "platform-admin": self._role(
                name,
                args,
                "platform-admin",
                trust=docs.human_trust(args.account_id, access.admin_requires_mfa or prod, sso.get("platform-admin")),
                session_seconds=access.admin_session_hours * HOUR,
                policies=("AdministratorAccess",),
                description="Day-to-day administration of the platform",
            ),
            "developer": self._role(
                name,
                args,
                "developer",
                trust=docs.human_trust(args.account_id, prod, sso.get("developer")),
                session_seconds=DEVELOPER_SESSION_SECONDS,
                policies=_DEVELOPER_POLICIES[access.developer_access],
                description=f"Application developers ({access.developer_access} access)",
            ),
            "ci-deployer": self._role(
                name,
                args,
                "ci-deployer",
                trust=docs.github_trust(
                    self.github_oidc_provider_arn, docs.environment_subject(repository, access.github_environment)
                ),
                session_seconds=CI_SESSION_SECONDS,
                policies=("PowerUserAccess", "CiDeployerIam", "DenyPlatformRoleAssumption"),
                description=f"Pulumi deployments from GitHub Actions, environment {access.github_environment}",
            ),
            # The pull-request workflow's real `pulumi preview`: reads everything, changes nothing.
            "ci-previewer": self._role(
                name,
                args,
                "ci-previewer",
                trust=docs.github_trust(self.github_oidc_provider_arn, docs.pull_request_subject(repository)),
                session_seconds=CI_PREVIEWER_SESSION_SECONDS,
                policies=("ReadOnlyAccess", "CiPreviewerState", "DenyPlatformRoleAssumption"),
                description=f"Read-only pulumi preview of the {config.tier.value} stack from pull requests",
            ),
            # MFA on every tier and never through Identity Center: this role bypasses the normal access path,
            # so its use must be deliberate, and it must work when SSO is down.
            "break-glass": self._role(
                name,
                args,
                "break-glass",
                trust=docs.break_glass_trust(args.account_id),
                session_seconds=access.break_glass_session_hours * HOUR,
                policies=("AdministratorAccess",),
                description="Emergency access; every assumption raises an alarm",
            ),
        }
        if access.dr_drill:
            self.roles[DR_DRILL_ROLE] = self._role(
                name,
                args,
                DR_DRILL_ROLE,
                # Its own environment, not ci-deployer's protected `production` (which waits for a reviewer).
                trust=docs.github_trust(
                    self.github_oidc_provider_arn, docs.environment_subject(repository, access.dr_drill_environment)
                ),
                session_seconds=DR_DRILL_SESSION_SECONDS,
                policies=("DrDrill",),
                description=f"Scheduled DR drill of {config.tier.value} from GitHub environment "
                f"{access.dr_drill_environment}: restores, checks and deletes drill instances",
            )
        self.role_arns = {key: role.arn for key, role in self.roles.items()}
        # The drill talks to the RDS API only: no Kubernetes access entry for it.
        self.cluster_role_arns = {key: self.role_arns[key] for key in ROLE_KEYS}
        self.register_outputs(
            {
                "roleArns": self.role_arns,
                "githubOidcProviderArn": self.github_oidc_provider_arn,
            }
        )

    def _github_oidc_provider_arn(self) -> str:
        """The account's GitHub Actions OIDC provider, created by the account baseline before any stack."""
        return from_account_baseline(
            f"IAM OIDC provider for {docs.GITHUB_OIDC_URL} in this account",
            lambda: aws.iam.get_open_id_connect_provider(
                url=docs.GITHUB_OIDC_URL, opts=pulumi.InvokeOptions(parent=self)
            ),
        ).arn

    def _customer_policies(self, name: str, args: AccessArgs) -> dict[str, aws.iam.Policy]:
        prefix = args.config.name_prefix
        documents = {
            "CiDeployerIam": docs.ci_iam(args.account_id, prefix, args.config.primary_region),
            "CiPreviewerState": docs.ci_previewer_state(args.account_id),
            "DenyPlatformRoleAssumption": docs.deny_platform_role_assumption(args.account_id),
        }
        if args.config.access.dr_drill:
            documents["DrDrill"] = _dr_drill_document(args)
        if args.config.access.developer_access == "limited":
            documents["DeveloperLimitedWrite"] = docs.developer_limited(args.account_id, prefix, args.config.tier.value)
        # Fixed names: a replacement (e.g. a new description) must delete the old policy before creating the
        # new one, or CreatePolicy fails with EntityAlreadyExists. The same holds for the roles below.
        return {
            policy_name: aws.iam.Policy(
                f"{name}-{_CUSTOMER[policy_name]}",
                name=f"{prefix}-{_CUSTOMER[policy_name]}",
                policy=document,
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
            for policy_name, document in documents.items()
        }

    def _role(
        self,
        name: str,
        args: AccessArgs,
        role_key: str,
        *,
        trust: Input[str],
        session_seconds: int,
        policies: tuple[str, ...],
        description: str,
    ) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{name}-{role_key}",
            name=f"{args.config.name_prefix}-{role_key}",
            assume_role_policy=trust,
            max_session_duration=session_seconds,
            description=description,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        for policy_name in policies:
            policy_arn = _AWS_MANAGED[policy_name] if policy_name in _AWS_MANAGED else self._policies[policy_name].arn
            aws.iam.RolePolicyAttachment(
                f"{name}-{role_key}-{policy_name}",
                role=role.name,
                policy_arn=policy_arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return role


def _dr_drill_document(args: AccessArgs) -> str:
    """The drill restores in the primary region (point in time, snapshots) and, where the tier copies backups
    there, in the DR region; each region's recovery points are on the key of that region (data, dr)."""
    config = args.config
    regions, aliases = [config.primary_region], [f"alias/{config.name_prefix}-data"]
    if config.uses_dr_region:
        regions.append(config.dr_region)
        aliases.append(f"alias/{config.name_prefix}-dr")
    return dr_drill(args.account_id, regions, instance_identifier(config), aliases, config.name_prefix)
