"""Who may use the Kubernetes API: one EKS access entry per IAM role, with its EKS access policies.

The cluster authenticates with access entries only (`authentication_mode="API"`) and does not bootstrap its
creator (`bootstrap_cluster_creator_admin_permissions=False`): EKS would otherwise add an entry of its own for
whoever ran the first `up`, and when that is one of the roles below the explicit entry fails with
ResourceInUseException (an IAM principal can be in only one access entry:
https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).

Every Kubernetes call the program makes needs these entries first: `ready` lists what the Kubernetes provider
and every Kubernetes resource must depend on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input

from platform_core.tiers import Tier

from ..config.model import PlatformConfig
from ..iam import partition
from ..security.access_policies import SSO_ROLE_PATH

# EKS access policies (not IAM policies): https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
CLUSTER_ADMIN = "AmazonEKSClusterAdminPolicy"
EDIT = "AmazonEKSEditPolicy"
VIEW = "AmazonEKSViewPolicy"
ENTRY_TYPE = "STANDARD"  # the only type access policies can be associated with
CLUSTER_SCOPE = "cluster"
NAMESPACE_SCOPE = "namespace"

# The roles of security/access.py that reach the Kubernetes API. ci-previewer is the read-only role the
# pull-request workflow runs the real `pulumi preview` with; the Kubernetes provider reads the cluster's objects.
ROLE_KEYS = ("ci-deployer", "ci-previewer", "platform-admin", "break-glass", "developer")


@dataclass(frozen=True)
class AccessGrant:
    """One access policy of one role: cluster-wide, or limited to `namespaces`."""

    policy: str
    namespaces: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        return NAMESPACE_SCOPE if self.namespaces else CLUSTER_SCOPE


def grants(config: PlatformConfig) -> dict[str, tuple[AccessGrant, ...]]:
    """role key -> its access policies, for this tier."""
    developer = (
        (AccessGrant(VIEW),)
        if config.tier is Tier.PROD
        else (AccessGrant(EDIT, tuple(config.kubernetes.app_namespaces)),)
    )
    return {
        "ci-deployer": (AccessGrant(CLUSTER_ADMIN),),
        "ci-previewer": (AccessGrant(VIEW),),
        "platform-admin": (AccessGrant(CLUSTER_ADMIN),),
        "break-glass": (AccessGrant(CLUSTER_ADMIN),),
        "developer": developer,
    }


def sso_role_arns(permission_set: str, parent: pulumi.Resource) -> dict[str, str]:
    """role name -> ARN of the roles Identity Center made for a permission set in this account (none until
    the permission set is assigned to the account; see security/access_policies.SSO_ROLE_PATH)."""
    found = aws.iam.get_roles(
        name_regex=f"^AWSReservedSSO_{permission_set}_[0-9a-f]+$",
        path_prefix=f"/{SSO_ROLE_PATH}/",
        opts=pulumi.InvokeOptions(parent=parent),
    )
    return dict(zip(found.names or [], found.arns or [], strict=True))


def access_policy_arn(region: str, policy: str) -> str:
    return f"arn:{partition(region)}:eks::aws:cluster-access-policy/{policy}"


@dataclass(frozen=True)
class ClusterAccessArgs:
    config: PlatformConfig
    cluster_name: Input[str]
    role_arns: Mapping[str, Input[str]]  # role key (ROLE_KEYS) -> IAM role ARN, e.g. Access.role_arns


class ClusterAccess(pulumi.ComponentResource):
    entries: dict[str, aws.eks.AccessEntry]
    associations: dict[str, list[aws.eks.AccessPolicyAssociation]]
    ready: list[pulumi.Resource]

    def __init__(self, name: str, args: ClusterAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:ClusterAccess", name, None, opts)
        missing = sorted(set(ROLE_KEYS) - set(args.role_arns))
        unknown = sorted(set(args.role_arns) - set(ROLE_KEYS))
        if missing or unknown:
            raise ValueError(
                f"ClusterAccess needs exactly the roles {list(ROLE_KEYS)}; missing {missing}, "
                f"without a Kubernetes access definition {unknown}"
            )
        # Fixed identities (one entry per principal, one association per principal and policy): replacing one
        # must delete the old first, or the new one fails as a duplicate (and a late delete would revoke it).
        child = pulumi.ResourceOptions(parent=self, delete_before_replace=True)
        self.entries, self.associations = {}, {}
        role_grants = grants(args.config)
        for role, principal_arn in args.role_arns.items():
            self._grant(f"{name}-{role}", role, principal_arn, role_grants[role], args, child)
        # People signed in with a role's permission set get that role's access directly: it is what lets the
        # first `up` (run by a platform admin, before the platform-admin role exists) create Kubernetes objects.
        for role, permission_set in sorted(args.config.access.identity_center_permission_sets.items()):
            for role_name, principal_arn in sorted(sso_role_arns(permission_set, self).items()):
                key = f"{role}-sso-{role_name.rsplit('_', 1)[-1]}"
                self._grant(f"{name}-{key}", key, principal_arn, role_grants[role], args, child)
        self.ready = [*self.entries.values(), *(a for group in self.associations.values() for a in group)]
        self.register_outputs(
            {
                "accessEntries": {role: entry.access_entry_arn for role, entry in self.entries.items()},
            }
        )

    def _grant(
        self,
        resource_name: str,
        key: str,
        principal_arn: Input[str],
        role_grants: tuple[AccessGrant, ...],
        args: ClusterAccessArgs,
        child: pulumi.ResourceOptions,
    ) -> None:
        entry = aws.eks.AccessEntry(
            resource_name, cluster_name=args.cluster_name, principal_arn=principal_arn, type=ENTRY_TYPE, opts=child
        )
        self.entries[key] = entry
        self.associations[key] = [
            aws.eks.AccessPolicyAssociation(
                f"{resource_name}-{grant.policy}",
                cluster_name=args.cluster_name,
                principal_arn=entry.principal_arn,
                policy_arn=access_policy_arn(args.config.primary_region, grant.policy),
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(
                    type=grant.scope, namespaces=list(grant.namespaces) or None
                ),
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[entry])),
            )
            for grant in role_grants
        ]
