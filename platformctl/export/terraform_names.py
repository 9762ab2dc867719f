"""Terraform names of Pulumi AWS types and properties: pulumi-aws is bridged from the Terraform AWS provider.

Most names translate mechanically (`aws:<module>/<camelName>:<Name>` -> `aws_<module>_<snake_name>`,
`camelCase` -> `snake_case`). The tables below hold exactly the names that do not, each checked against
pulumi-aws's own mapping: provider/cmd/pulumi-resource-aws/bridge-metadata.json in github.com/pulumi/pulumi-aws
(`renames.resources`: Pulumi token -> Terraform type; `renamedProperties`: per type, Pulumi -> Terraform
property), and against `terraform providers schema -json` of hashicorp/aws. A test fails when the program
registers a type or property these tables should list and do not, or when an entry is mechanical anyway.
"""

from __future__ import annotations

import re

# Pulumi token -> Terraform resource type, where the mechanical rule gives something else.
# (pulumi-aws v7 renamed the S3 `*V2` resources back to `aws:s3/bucket:Bucket` etc.: those are mechanical.)
RESOURCE_TYPES: dict[str, str] = {
    "aws:cloudtrail/trail:Trail": "aws_cloudtrail",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "aws_default_security_group",
    "aws:ec2/eip:Eip": "aws_eip",
    "aws:ec2/flowLog:FlowLog": "aws_flow_log",
    "aws:ec2/internetGateway:InternetGateway": "aws_internet_gateway",
    "aws:ec2/launchTemplate:LaunchTemplate": "aws_launch_template",
    "aws:ec2/natGateway:NatGateway": "aws_nat_gateway",
    "aws:ec2/route:Route": "aws_route",
    "aws:ec2/routeTable:RouteTable": "aws_route_table",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "aws_route_table_association",
    "aws:ec2/securityGroup:SecurityGroup": "aws_security_group",
    "aws:ec2/subnet:Subnet": "aws_subnet",
    "aws:ec2/vpc:Vpc": "aws_vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "aws_vpc_endpoint",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "aws_iam_openid_connect_provider",
    "aws:lb/loadBalancer:LoadBalancer": "aws_lb",
    "aws:rds/instance:Instance": "aws_db_instance",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": (
        "aws_db_instance_automated_backups_replication"
    ),
    "aws:rds/parameterGroup:ParameterGroup": "aws_db_parameter_group",
    "aws:rds/subnetGroup:SubnetGroup": "aws_db_subnet_group",
    "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec": "aws_route53_hosted_zone_dnssec",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",  # pulumi-aws names aws_s3_object BucketObjectv2
}

# Terraform type -> {Pulumi property -> Terraform property}, at any depth of that type's inputs: Pulumi names a
# repeatable block in the plural (`rules` for Terraform's `rule` blocks) and renames a few attributes.
PROPERTY_RENAMES: dict[str, dict[str, str]] = {
    "aws_backup_plan": {"rules": "rule", "copyActions": "copy_action"},
    "aws_budgets_budget": {"costFilters": "cost_filter", "notifications": "notification"},
    "aws_cloudtrail": {"advancedEventSelectors": "advanced_event_selector", "fieldSelectors": "field_selector"},
    "aws_cloudwatch_metric_alarm": {"metricQueries": "metric_query", "name": "alarm_name"},
    "aws_db_parameter_group": {"parameters": "parameter"},
    "aws_ecr_repository": {"encryptionConfigurations": "encryption_configuration"},
    "aws_iam_openid_connect_provider": {"clientIdLists": "client_id_list"},
    "aws_lb_listener": {"defaultActions": "default_action"},
    "aws_route53_record": {"aliases": "alias"},
    "aws_s3_bucket_lifecycle_configuration": {
        "rules": "rule",
        "transitions": "transition",
        "noncurrentVersionTransitions": "noncurrent_version_transition",
    },
    "aws_s3_bucket_logging": {"targetGrants": "target_grant"},
    "aws_s3_bucket_replication_configuration": {"rules": "rule"},
    "aws_s3_bucket_server_side_encryption_configuration": {"rules": "rule"},
    "aws_sns_topic_subscription": {"topic": "topic_arn"},
    # WAFv2: the block names of the web ACL and its logging filter (nested statements included).
    "aws_wafv2_web_acl": {
        "rules": "rule",
        "customResponseBodies": "custom_response_body",
        "ruleLabels": "rule_label",
        "ruleActionOverrides": "rule_action_override",
        "textTransformations": "text_transformation",
        "statements": "statement",
        "insertHeaders": "insert_header",
        "responseHeaders": "response_header",
        "customKeys": "custom_key",
    },
    "aws_wafv2_web_acl_logging_configuration": {"filters": "filter", "conditions": "condition"},
}

_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(name: str) -> str:
    return _CAMEL_HUMP.sub(r"_\1", name).lower()


def mechanical_type(token: str) -> str:
    """aws:<module>/<camelName>:<Name> -> aws_<module>_<snake_name>."""
    module, camel = token.split(":")[1].split("/")
    return f"aws_{module}_{snake_case(camel)}"


def terraform_type(token: str) -> str:
    return RESOURCE_TYPES.get(token) or mechanical_type(token)


def terraform_property(terraform_type_name: str, name: str) -> str:
    return PROPERTY_RENAMES.get(terraform_type_name, {}).get(name) or snake_case(name)
