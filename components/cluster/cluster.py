"""The EKS cluster: encrypted control plane with its logs, and managed node groups on IMDSv2-only nodes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from platform_core.tiers import BUSINESS_HOURS

from ..config.model import PlatformConfig
from ..iam import partition, service_trust

_CLUSTER_POLICIES = ("AmazonEKSClusterPolicy",)
_NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")
# Root device of the AL2023 EKS AMIs, which EKS picks for 1.30+ when the launch template names no image.
_ROOT_DEVICE = "/dev/xvda"
_BUSINESS_HOURS = dict(zip(("scale-up", "scale-down"), BUSINESS_HOURS.recurrences(), strict=True))


@dataclass(frozen=True)
class ClusterArgs:
    config: PlatformConfig
    vpc_id: pulumi.Input[str]  # EKS derives the VPC from the subnets; kept for security groups added later
    subnet_ids: dict[str, pulumi.Input[str]]  # AZ name -> private subnet id
    secrets_key_arn: pulumi.Input[str]
    volume_key_arn: pulumi.Input[str]
    logs_key_arn: pulumi.Input[str]


class Cluster(pulumi.ComponentResource):
    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Cluster", name, None, opts)
        config = args.config
        self._partition = partition(config.primary_region)

        cluster_role, cluster_attachments = self._role(name, "cluster", "eks.amazonaws.com", _CLUSTER_POLICIES)
        node_role, node_attachments = self._role(name, "node", "ec2.amazonaws.com", _NODE_POLICIES)
        cluster = self._cluster(name, args, cluster_role, cluster_attachments)
        template = self._launch_template(name, config, args.volume_key_arn)
        # The VPC CNI enforces NetworkPolicies only when asked to; without it every policy is accepted and ignored.
        # A new cluster already runs a self-managed vpc-cni, so creating the add-on with configuration values
        # fails with ConfigurationConflict unless it may overwrite it
        # (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateAddon.html, resolveConflicts).
        self.vpc_cni_addon = aws.eks.Addon(
            f"{name}-vpc-cni",
            cluster_name=cluster.name,
            addon_name="vpc-cni",
            configuration_values=json.dumps({"enableNetworkPolicy": "true"}),
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=self._fixed_name(),
        )

        self.node_groups: dict[str, aws.eks.NodeGroup] = {}
        subnets_by_group = (
            {f"{name}-nodes-{az}": (az, [subnet]) for az, subnet in args.subnet_ids.items()}
            if config.cluster.node_groups.per_az
            else {f"{name}-nodes": ("all-azs", list(args.subnet_ids.values()))}
        )
        for resource_name, (key, subnet_ids) in subnets_by_group.items():
            group = self._node_group(resource_name, config, cluster, node_role, node_attachments, template, subnet_ids)
            if config.cluster.node_groups.business_hours_only:
                self._business_hours(resource_name, config, group)
            self.node_groups[key] = group

        self.cluster_name: pulumi.Output[str] = cluster.name
        self.endpoint: pulumi.Output[str] = cluster.endpoint
        self.certificate_authority: pulumi.Output[str] = cluster.certificate_authority.data
        self.oidc_issuer: pulumi.Output[str] = cluster.identities[0].oidcs[0].issuer
        self.cluster_security_group_id: pulumi.Output[str] = cluster.vpc_config.cluster_security_group_id
        self.node_role_arn: pulumi.Output[str] = node_role.arn
        self.node_group_asgs: dict[str, pulumi.Output[str]] = {
            key: group.resources[0].autoscaling_groups[0].name for key, group in self.node_groups.items()
        }
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "endpoint": self.endpoint,
                "certificate_authority": self.certificate_authority,
                "oidc_issuer": self.oidc_issuer,
                "cluster_security_group_id": self.cluster_security_group_id,
                "node_role_arn": self.node_role_arn,
                "node_groups": {key: group.id for key, group in self.node_groups.items()},
            }
        )

    def _fixed_name(self, **options) -> pulumi.ResourceOptions:
        """A resource with a fixed physical name (cluster, log group, add-on, scheduled action): a replacement
        must delete the old one first, or creating the new one fails with "already exists"."""
        return pulumi.ResourceOptions(parent=self, delete_before_replace=True, **options)

    def _role(
        self, name: str, role: str, service: str, policies: tuple[str, ...]
    ) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
        child = pulumi.ResourceOptions(parent=self)
        trust = service_trust(service)
        iam_role = aws.iam.Role(f"{name}-{role}-role", assume_role_policy=trust, opts=child)
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{role}-role-{policy}",
                role=iam_role.name,
                policy_arn=f"arn:{self._partition}:iam::aws:policy/{policy}",
                opts=child,
            )
            for policy in policies
        ]
        return iam_role, attachments

    def _cluster(
        self, name: str, args: ClusterArgs, role: aws.iam.Role, attachments: list[aws.iam.RolePolicyAttachment]
    ) -> aws.eks.Cluster:
        config = args.config
        settings = config.cluster
        cluster_name = config.name_prefix
        # EKS would create this group itself, unencrypted and kept forever; creating it first sets both.
        self.control_plane_log_group = aws.cloudwatch.LogGroup(
            f"{name}-control-plane-logs",
            name=f"/aws/eks/{cluster_name}/cluster",
            kms_key_id=args.logs_key_arn,
            retention_in_days=settings.log_retention_days,
            opts=self._fixed_name(),
        )
        return aws.eks.Cluster(
            f"{name}-eks",
            name=cluster_name,
            version=settings.kubernetes_version,
            role_arn=role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=list(args.subnet_ids.values()),
                endpoint_private_access=True,
                endpoint_public_access=settings.public_endpoint,
                # The config model refuses a public endpoint without networks: an empty list would leave the
                # EKS default, 0.0.0.0/0 (https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html).
                public_access_cidrs=(
                    [str(cidr) for cidr in settings.public_access_cidrs] if settings.public_endpoint else None
                ),
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.secrets_key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(settings.log_types),
            # Access entries only (cluster_access.py). No implicit entry for the creator: it would
            # clash with the explicit one of its role (ci-deployer, platform-admin), so the first `up` must run
            # as one of those roles.
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=False
            ),
            # STANDARD: upgraded at end of standard support instead of paying for extended support.
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            opts=self._fixed_name(
                depends_on=[self.control_plane_log_group, *attachments],
                # The bootstrap flag only acts at creation and changing it replaces the cluster
                # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-accessconfig.html):
                # a cluster created before keeps its value instead of being destroyed and rebuilt.
                ignore_changes=["accessConfig.bootstrapClusterCreatorAdminPermissions"],
            ),
        )

    def _launch_template(
        self, name: str, config: PlatformConfig, volume_key_arn: pulumi.Input[str]
    ) -> aws.ec2.LaunchTemplate:
        # No instance type or image: the node groups choose them.
        # Hop limit 1: a pod's request crosses one more hop than the node's own, so pods cannot reach IMDS and
        # the node's instance role (https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html,
        # "Restrict access to the instance profile assigned to the worker node"). What the program installs works:
        # the VPC CNI, the CloudWatch agent and Fluent Bit of amazon-cloudwatch-observability run in the host
        # network (its chart sets hostNetwork: true); the EBS CSI controller uses IRSA and the AWS_REGION the
        # pod identity webhook injects (https://github.com/aws/amazon-eks-pod-identity-webhook), and its node
        # DaemonSet falls back to Kubernetes metadata without IMDS
        # (https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/install.md#metadata);
        # Alertmanager and Grafana use IRSA with their region set in their values. An AWS Load Balancer
        # Controller added later needs its `region` and `vpcId` values set for the same reason.
        root_volume = aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
            volume_type="gp3",
            volume_size=config.cluster.node_groups.disk_size_gib,
            encrypted="true",
            kms_key_id=volume_key_arn,
            delete_on_termination="true",
        )
        return aws.ec2.LaunchTemplate(
            f"{name}-node-template",
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=config.cluster.node_groups.metadata_hop_limit,
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(device_name=_ROOT_DEVICE, ebs=root_volume)
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _node_group(
        self,
        resource_name: str,
        config: PlatformConfig,
        cluster: aws.eks.Cluster,
        role: aws.iam.Role,
        attachments: list[aws.iam.RolePolicyAttachment],
        template: aws.ec2.LaunchTemplate,
        subnet_ids: list[pulumi.Input[str]],
    ) -> aws.eks.NodeGroup:
        groups = config.cluster.node_groups
        return aws.eks.NodeGroup(
            resource_name,
            cluster_name=cluster.name,
            node_role_arn=role.arn,
            subnet_ids=subnet_ids,
            capacity_type=groups.capacity_type,
            instance_types=list(groups.instance_types),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=groups.min_size, desired_size=groups.desired_size, max_size=groups.max_size
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            # The cluster autoscaler and the business-hours schedules own the desired size.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=attachments, ignore_changes=["scalingConfig.desiredSize"]
            ),
        )

    def _business_hours(self, resource_name: str, config: PlatformConfig, group: aws.eks.NodeGroup) -> None:
        groups = config.cluster.node_groups
        asg_name = group.resources[0].autoscaling_groups[0].name
        # Off-hours the groups keep offHoursMinSize nodes, not zero: a deploy then (its Helm release waits for
        # the monitoring pods) still has somewhere to schedule them.
        floor = groups.off_hours_min_size
        sizes = {"scale-up": (groups.min_size, groups.desired_size), "scale-down": (floor, floor)}
        for action, recurrence in _BUSINESS_HOURS.items():
            min_size, desired = sizes[action]
            aws.autoscaling.Schedule(
                f"{resource_name}-{action}",
                autoscaling_group_name=asg_name,
                scheduled_action_name=f"business-hours-{action}",
                recurrence=recurrence,
                time_zone="Etc/UTC",
                min_size=min_size,
                desired_capacity=desired,
                max_size=groups.max_size,
                opts=self._fixed_name(),
            )
