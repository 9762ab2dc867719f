"""What every VPC gets, the primary's and the DR region's: a closed default security group and, where the
tier has them, flow logs to an encrypted CloudWatch log group with their delivery role (one set per VPC).

The resources are children of the calling component, so they land in its region through its provider.
CloudWatch Logs needs a KMS key in the log group's own region whose policy admits `logs.<region>.amazonaws.com`
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from ..iam import partition, service_trust


@dataclass(frozen=True)
class FlowLogSettings:
    group_name: str  # fixed: 1-512 of [.-_/#A-Za-z0-9] (CreateLogGroup)
    region: str  # the VPC's region, for the role's aws:SourceArn
    key_arn: pulumi.Input[str]  # a key in `region` that admits CloudWatch Logs
    retention_days: int


def add_flow_logs(owner: pulumi.Resource, name: str, vpc: aws.ec2.Vpc, settings: FlowLogSettings) -> aws.ec2.FlowLog:
    """The log group, the delivery role and its policy, and the flow log of every packet of `vpc`."""
    # A fixed name cannot exist twice: a replacement deletes the old group first instead of failing with
    # "already exists". Names: 1-512 of [.-_/#A-Za-z0-9]
    # (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
    group = aws.cloudwatch.LogGroup(
        f"{name}-flow-logs",
        name=settings.group_name,
        kms_key_id=settings.key_arn,
        retention_in_days=settings.retention_days,
        opts=pulumi.ResourceOptions(parent=owner, delete_before_replace=True),
    )
    role = _delivery_role(owner, name, settings.region)
    policy = _write_policy(owner, name, role, group)
    # The policy must exist before the first delivery, or the flow log starts in an error state.
    return aws.ec2.FlowLog(
        f"{name}-flow-log",
        vpc_id=vpc.id,
        traffic_type="ALL",
        log_destination_type="cloud-watch-logs",
        log_destination=group.arn,
        iam_role_arn=role.arn,
        opts=pulumi.ResourceOptions(parent=owner, depends_on=[policy]),
    )


def _delivery_role(owner: pulumi.Resource, name: str, region: str) -> aws.iam.Role:
    # aws:SourceAccount and aws:SourceArn keep other accounts' and other services' requests from using this
    # role (confused deputy): https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    # One role per VPC: IAM is global, but each role is pinned to its own region's flow logs.
    account = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=owner)).account_id
    trust = service_trust(
        "vpc-flow-logs.amazonaws.com",
        {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": f"arn:{partition(region)}:ec2:{region}:{account}:vpc-flow-log/*"},
        },
    )
    return aws.iam.Role(f"{name}-flow-logs-role", assume_role_policy=trust, opts=pulumi.ResourceOptions(parent=owner))


def _write_policy(
    owner: pulumi.Resource, name: str, role: aws.iam.Role, group: aws.cloudwatch.LogGroup
) -> aws.iam.RolePolicy:
    # The documented minimum less logs:CreateLogGroup: the group is ours (KMS key, retention), and a role
    # able to create it would bring a deleted group back unencrypted and kept forever.
    write = pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [group.arn, pulumi.Output.concat(group.arn, ":*")],
                },
                # A list call: it is not scoped to one group.
                {"Effect": "Allow", "Action": ["logs:DescribeLogGroups"], "Resource": "*"},
            ],
        }
    )
    return aws.iam.RolePolicy(
        f"{name}-flow-logs-write", role=role.id, policy=write, opts=pulumi.ResourceOptions(parent=owner)
    )


def close_default_security_group(owner: pulumi.Resource, name: str, vpc: aws.ec2.Vpc) -> aws.ec2.DefaultSecurityGroup:
    """Adopts `vpc`'s default security group and removes every rule (CIS AWS 5.4, Security Hub EC2.2).

    The provider does not create the group but adopts it, first revoking all its rules, then adding only the
    inline ones (none here); destroying it only stops managing the group, which AWS deletes with the VPC
    (https://www.pulumi.com/registry/packages/aws/api-docs/ec2/defaultsecuritygroup/). Nothing may use it:
    every workload has its own group.
    """
    return aws.ec2.DefaultSecurityGroup(
        f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[], opts=pulumi.ResourceOptions(parent=owner)
    )
