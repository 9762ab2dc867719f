"""IAM for workloads inside the cluster (IRSA), and the EKS add-ons that need it.

Each in-cluster service that calls AWS gets its own role, trusted only by its own service
account through the cluster's OIDC issuer: Alertmanager publishes to the alert topics, Grafana
reads CloudWatch, the EBS CSI driver creates the encrypted volumes of persistent workloads, and
the CloudWatch agent ships Container Insights (the node CPU, memory and disk alarms read it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..iam import STS_AUDIENCE, web_identity_trust
from ..kubernetes.baseline import MONITORING_NAMESPACE
from ..kubernetes.prometheus_values import ALERTMANAGER_SERVICE_ACCOUNT, GRAFANA_SERVICE_ACCOUNT

EBS_CSI_SERVICE_ACCOUNT = ("kube-system", "ebs-csi-controller-sa")
# The log groups the CloudWatch observability add-on writes to; it would create them itself, unencrypted and
# never expiring (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-logs-FluentBit.html,
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-reference-performance-logs-EKS.html).
CONTAINER_INSIGHTS_LOG_GROUPS = ("performance", "application", "host", "dataplane")
CLOUDWATCH_AGENT_SERVICE_ACCOUNT = ("amazon-cloudwatch", "cloudwatch-agent")
_CLOUDWATCH_READ = [
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "logs:DescribeLogGroups",
    "logs:GetLogEvents",
    "logs:StartQuery",
    "logs:StopQuery",
    "logs:GetQueryResults",
    "tag:GetResources",
    "ec2:DescribeRegions",
]


@dataclass(frozen=True)
class WorkloadIdentityArgs:
    config: PlatformConfig
    cluster_name: Input[str]
    oidc_issuer: Input[str]
    alert_topic_arns: dict[str, Input[str]]
    alert_key_arn: Input[str]
    volume_key_arn: Input[str]
    logs_key_arn: Input[str]  # encrypts the Container Insights log groups (the logs key admits CloudWatch Logs)


class WorkloadIdentity(pulumi.ComponentResource):
    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:WorkloadIdentity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # An empty thumbprint list: IAM validates EKS issuers against its own trusted CAs.
        # One provider per issuer URL in the account: a replacement must delete the old one first.
        provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=args.oidc_issuer,
            client_id_lists=["sts.amazonaws.com"],
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        issuer_host = Output.from_input(args.oidc_issuer).apply(lambda url: url.removeprefix("https://"))

        topics = [args.alert_topic_arns[severity] for severity in sorted(args.alert_topic_arns)]
        self.alertmanager_role = self._role(
            name,
            "alertmanager",
            provider,
            issuer_host,
            (MONITORING_NAMESPACE, ALERTMANAGER_SERVICE_ACCOUNT),
            Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "sns:Publish", "Resource": topics},
                        # The topics are encrypted: publishing needs the topic key too.
                        {
                            "Effect": "Allow",
                            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                            "Resource": args.alert_key_arn,
                        },
                    ],
                }
            ),
        )
        self.grafana_role = self._role(
            name,
            "grafana",
            provider,
            issuer_host,
            (MONITORING_NAMESPACE, GRAFANA_SERVICE_ACCOUNT),
            # Read-only listing calls have no resource-level permissions in IAM.
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": _CLOUDWATCH_READ, "Resource": "*"}],
                }
            ),
        )
        self.ebs_csi_role = self._role(
            name, "ebs-csi", provider, issuer_host, EBS_CSI_SERVICE_ACCOUNT, self._ebs_key_policy(args.volume_key_arn)
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-ebs-csi-AmazonEBSCSIDriverPolicy",
            role=self.ebs_csi_role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
            opts=child,
        )
        # Not a default self-managed component and no configuration values: nothing to conflict with on create.
        self.ebs_csi_addon = aws.eks.Addon(
            f"{name}-ebs-csi",
            cluster_name=args.cluster_name,
            addon_name="aws-ebs-csi-driver",
            service_account_role_arn=self.ebs_csi_role.arn,
            resolve_conflicts_on_update="OVERWRITE",
            opts=_fixed_name(self),
        )
        self.container_insights_log_groups: dict[str, aws.cloudwatch.LogGroup] = {}
        self.container_insights_addon: aws.eks.Addon | None = None
        if args.config.observability.container_insights:
            self._container_insights(name, args, provider, issuer_host)

        self.oidc_provider_arn = provider.arn
        self.alertmanager_role_arn = self.alertmanager_role.arn
        self.grafana_role_arn = self.grafana_role.arn
        self.register_outputs(
            {
                "oidcProviderArn": self.oidc_provider_arn,
                "alertmanagerRoleArn": self.alertmanager_role_arn,
                "grafanaRoleArn": self.grafana_role_arn,
                "ebsCsiRoleArn": self.ebs_csi_role.arn,
            }
        )

    def _container_insights(
        self, name: str, args: WorkloadIdentityArgs, provider: aws.iam.OpenIdConnectProvider, issuer_host: Output[str]
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        agent_role = self._role(name, "cloudwatch-agent", provider, issuer_host, CLOUDWATCH_AGENT_SERVICE_ACCOUNT, None)
        aws.iam.RolePolicyAttachment(
            f"{name}-cloudwatch-agent-CloudWatchAgentServerPolicy",
            role=agent_role.name,
            policy_arn="arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
            opts=child,
        )
        retention = args.config.observability.log_retention_days
        self.container_insights_log_groups = {
            kind: aws.cloudwatch.LogGroup(
                f"{name}-container-insights-{kind}",
                name=Output.concat("/aws/containerinsights/", args.cluster_name, "/", kind),
                kms_key_id=args.logs_key_arn,
                retention_in_days=retention,
                opts=_fixed_name(self),
            )
            for kind in CONTAINER_INSIGHTS_LOG_GROUPS
        }
        self.container_insights_addon = aws.eks.Addon(
            f"{name}-container-insights",
            cluster_name=args.cluster_name,
            addon_name="amazon-cloudwatch-observability",
            service_account_role_arn=agent_role.arn,
            resolve_conflicts_on_update="OVERWRITE",
            opts=_fixed_name(self, depends_on=list(self.container_insights_log_groups.values())),
        )

    def _role(
        self,
        name: str,
        workload: str,
        provider: aws.iam.OpenIdConnectProvider,
        issuer_host: Output[str],
        service_account: tuple[str, str],
        policy: Input[str] | None,
    ) -> aws.iam.Role:
        trust = Output.all(provider.arn, issuer_host).apply(
            lambda values: irsa_trust_policy(values[0], values[1], *service_account)
        )
        role = aws.iam.Role(f"{name}-{workload}", assume_role_policy=trust, opts=pulumi.ResourceOptions(parent=self))
        if policy is not None:
            aws.iam.RolePolicy(
                f"{name}-{workload}-policy", role=role.id, policy=policy, opts=pulumi.ResourceOptions(parent=self)
            )
        return role

    @staticmethod
    def _ebs_key_policy(volume_key_arn: Input[str]) -> Output[str]:
        # The managed driver policy covers EBS calls but not a customer key: volumes encrypted with
        # the data key need grants on it.
        return Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                        "Resource": volume_key_arn,
                        "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
                    },
                    {
                        "Effect": "Allow",
                        "Action": [
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:DescribeKey",
                        ],
                        "Resource": volume_key_arn,
                    },
                ],
            }
        )


def _fixed_name(parent: pulumi.Resource, **options) -> pulumi.ResourceOptions:
    """A fixed physical name (add-on per cluster, log group): a replacement must delete the old one first."""
    return pulumi.ResourceOptions(parent=parent, delete_before_replace=True, **options)


def irsa_trust_policy(provider_arn: str, issuer_host: str, namespace: str, service_account: str) -> str:
    """Only this service account of this cluster may assume the role: `sub` pins both."""
    claims = {
        f"{issuer_host}:sub": f"system:serviceaccount:{namespace}:{service_account}",
        f"{issuer_host}:aud": STS_AUDIENCE,
    }
    return json.dumps(web_identity_trust(provider_arn, claims))
