"""What AWS and the bridged AWS provider accept as a resource's physical name, one row per type token.

The SDK's mock monitor accepts any name, so these rows are what makes an offline preview fail where the
real `pulumi preview` (the provider's Check: auto-naming and the upstream validators) or the create call
would. Sources: each row's `doc` (the AWS API or user-guide page stating the constraint), and for
auto-naming pulumi-aws v7 (`provider/autonaming.go`: every resource with a `name` input gets
`AutoName("name", 255, "-")`; `provider/resource_overrides.go` and `provider/aliases.go` override it,
e.g. 64 for IAM roles and EventBridge rules, 32 for target groups, 63 lower-cased for S3 buckets,
238 plus an `alias/` prefix for KMS aliases, 80 for SNS topics).

Uniqueness `scope` feeds the cross-stack collision check: `global` (every account), `account`, `region`
(account and region), `none` (unique only under a parent, e.g. a node group in its cluster, or not unique).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Pulumi's auto-name: the logical name, a separator, then this many random lowercase hex characters.
RANDOM_CHARS = 7
GLOBAL, ACCOUNT, REGION, NONE = "global", "account", "region", "none"


@dataclass(frozen=True)
class Forbid:
    """A pattern the name must not match (re.search), and how the provider words the refusal."""

    pattern: re.Pattern[str]
    says: str


@dataclass(frozen=True)
class NameRule:
    prop: str | None  # camelCase input holding the physical name; None: AWS names the resource itself
    auto_max: int | None = None  # pulumi-aws auto-names it when the input is omitted, up to this length
    max_len: int | None = None
    min_len: int = 1
    allowed: re.Pattern[str] | None = None  # the whole name must match
    allowed_text: str = ""
    forbid: tuple[Forbid, ...] = ()
    scope: str = NONE
    singleton: bool = False  # one per scope, whatever its name (a GuardDuty detector per account and region)
    lower_auto: bool = False  # the provider lower-cases the logical name before adding the suffix
    auto_prefix: str = ""  # the provider prepends this to an auto-name that lacks it
    fold_case: bool = False  # AWS compares names case-insensitively (IAM) or stores them lower-cased (RDS)
    doc: str = ""

    def auto_base(self, logical: str) -> str:
        """The auto-name before the random part: what the provider's maximum length applies to."""
        return f"{logical.lower() if self.lower_auto else logical}-"

    def auto_name(self, logical: str, random_part: str) -> str:
        name = self.auto_base(logical) + random_part
        return name if name.startswith(self.auto_prefix) else self.auto_prefix + name


def _chars(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


def _no(pattern: str, says: str) -> Forbid:
    return Forbid(re.compile(pattern), says)


ALNUM_HYPHEN, ALNUM_HYPHEN_TEXT = _chars(r"[A-Za-z0-9-]+"), "only alphanumeric characters and hyphens allowed in"
IAM_NAME, IAM_NAME_TEXT = _chars(r"[\w+=,.@-]+"), "only alphanumeric characters and +=,.@_- allowed in"
NO_LEADING_HYPHEN = _no(r"^-", "cannot begin with a hyphen")
NO_TRAILING_HYPHEN = _no(r"-$", "cannot end with a hyphen")
NO_DOUBLE_HYPHEN = _no(r"--", "cannot contain two consecutive hyphens")
LETTER_FIRST = _no(r"^[^A-Za-z]", "must begin with a letter")
ALNUM_FIRST = _no(r"^[^A-Za-z0-9]", "must begin with a letter or digit")
ALNUM_LAST = _no(r"[^A-Za-z0-9]$", "must end with a letter or digit")
NOT_AN_IP = _no(r"^\d{1,3}(\.\d{1,3}){3}$", "cannot be formatted as an IP address")

_EC2 = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
_S3 = "https://docs.aws.amazon.com/AmazonS3/latest/API/"
_IAM = "https://docs.aws.amazon.com/IAM/latest/APIReference/"
_RDS = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
_ELB = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
_LOGS = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/"
_BACKUP = "https://docs.aws.amazon.com/aws-backup/latest/devguide/"
_EKS = "https://docs.aws.amazon.com/eks/latest/APIReference/"
_WAF = "https://docs.aws.amazon.com/waf/latest/APIReference/"
_ECR = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/"


def _aws_named(doc: str, scope: str = NONE) -> NameRule:
    """AWS assigns the ID; a scope marks a singleton (at most one per account, or per account and region)."""
    return NameRule(prop=None, scope=scope, singleton=scope != NONE, doc=doc)


NAME_RULES: dict[str, NameRule] = {
    # --- named by AWS: nothing to check, except singletons for the cross-stack check ---
    "aws:acm/certificate:Certificate": _aws_named(
        "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"
    ),
    "aws:acm/certificateValidation:CertificateValidation": _aws_named(
        "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html"
    ),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": _aws_named(
        _BACKUP + "API_PutBackupVaultLockConfiguration.html"
    ),
    "aws:ebs/defaultKmsKey:DefaultKmsKey": _aws_named(_EC2 + "API_ModifyEbsDefaultKmsKeyId.html", REGION),
    "aws:ebs/encryptionByDefault:EncryptionByDefault": _aws_named(
        _EC2 + "API_EnableEbsEncryptionByDefault.html", REGION
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _aws_named(
        "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html"
    ),
    "aws:ec2/eip:Eip": _aws_named(_EC2 + "API_AllocateAddress.html"),
    "aws:ec2/flowLog:FlowLog": _aws_named(_EC2 + "API_CreateFlowLogs.html"),
    "aws:ec2/internetGateway:InternetGateway": _aws_named(_EC2 + "API_CreateInternetGateway.html"),
    "aws:ec2/natGateway:NatGateway": _aws_named(_EC2 + "API_CreateNatGateway.html"),
    "aws:ec2/route:Route": _aws_named(_EC2 + "API_CreateRoute.html"),
    "aws:ec2/routeTable:RouteTable": _aws_named(_EC2 + "API_CreateRouteTable.html"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _aws_named(_EC2 + "API_AssociateRouteTable.html"),
    "aws:ec2/subnet:Subnet": _aws_named(_EC2 + "API_CreateSubnet.html"),
    "aws:ec2/vpc:Vpc": _aws_named(_EC2 + "API_CreateVpc.html"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _aws_named(_EC2 + "API_CreateVpcEndpoint.html"),
    # One lifecycle policy per repository, which it is attached to (PutLifecyclePolicy replaces it).
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _aws_named(_ECR + "API_PutLifecyclePolicy.html"),
    "aws:eks/accessEntry:AccessEntry": _aws_named(_EKS + "API_CreateAccessEntry.html"),
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": _aws_named(_EKS + "API_AssociateAccessPolicy.html"),
    # "There can be only one detector per account per Region."
    "aws:guardduty/detector:Detector": _aws_named(
        "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html", REGION
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _aws_named(_IAM + "API_AttachRolePolicy.html"),
    # The recorder's on/off switch: one per recorder, so one per account and region.
    "aws:cfg/recorderStatus:RecorderStatus": _aws_named(
        "https://docs.aws.amazon.com/config/latest/APIReference/API_StartConfigurationRecorder.html", REGION
    ),
    # Inspector and Security Hub are enabled once per account and Region (the hub's ARN ends in hub/default);
    # a standard is subscribed at most once per hub.
    "aws:inspector2/enabler:Enabler": _aws_named(
        "https://docs.aws.amazon.com/inspector/v2/APIReference/API_Enable.html", REGION
    ),
    "aws:securityhub/account:Account": _aws_named(
        "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_EnableSecurityHub.html", REGION
    ),
    "aws:securityhub/standardsSubscription:StandardsSubscription": _aws_named(
        "https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchEnableStandards.html"
    ),
    "aws:kms/key:Key": _aws_named("https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"),
    "aws:lb/listener:Listener": _aws_named(_ELB + "API_CreateListener.html"),
    # One DNSSEC signing state and at most one query logging configuration per hosted zone.
    "aws:route53/hostedZoneDnsSec:HostedZoneDnsSec": _aws_named(
        "https://docs.aws.amazon.com/Route53/latest/APIReference/API_EnableHostedZoneDNSSEC.html"
    ),
    "aws:route53/queryLog:QueryLog": _aws_named(
        "https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateQueryLoggingConfig.html"
    ),
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": _aws_named(
        _RDS + "API_StartDBInstanceAutomatedBackupsReplication.html"
    ),
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": _aws_named(
        _S3 + "API_control_PutPublicAccessBlock.html", ACCOUNT
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _aws_named(
        _S3 + "API_PutBucketLifecycleConfiguration.html"
    ),
    "aws:s3/bucketLogging:BucketLogging": _aws_named(_S3 + "API_PutBucketLogging.html"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _aws_named(_S3 + "API_PutBucketOwnershipControls.html"),
    "aws:s3/bucketPolicy:BucketPolicy": _aws_named(_S3 + "API_PutBucketPolicy.html"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _aws_named(_S3 + "API_PutPublicAccessBlock.html"),
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": _aws_named(_S3 + "API_PutBucketReplication.html"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _aws_named(
        _S3 + "API_PutBucketEncryption.html"
    ),
    "aws:s3/bucketVersioning:BucketVersioning": _aws_named(_S3 + "API_PutBucketVersioning.html"),
    "aws:sns/topicPolicy:TopicPolicy": _aws_named(
        "https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html"
    ),
    "aws:sns/topicSubscription:TopicSubscription": _aws_named(
        "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _aws_named(
        _EC2 + "API_AuthorizeSecurityGroupEgress.html"
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _aws_named(
        _EC2 + "API_AuthorizeSecurityGroupIngress.html"
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": _aws_named(_WAF + "API_AssociateWebACL.html"),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": _aws_named(
        _WAF + "API_PutLoggingConfiguration.html"
    ),
    # --- named by the program (or auto-named by the provider) ---
    "aws:autoscaling/schedule:Schedule": NameRule(
        "scheduledActionName",
        max_len=255,
        doc="https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScheduledUpdateGroupAction.html",
    ),
    "aws:backup/plan:Plan": NameRule(
        "name",
        auto_max=255,
        max_len=50,
        allowed=_chars(r"[A-Za-z0-9._-]+"),
        allowed_text="only alphanumeric characters and -_. allowed in",
        scope=REGION,
        doc=_BACKUP + "API_BackupPlanInput.html",
    ),
    "aws:backup/selection:Selection": NameRule(
        "name",
        auto_max=255,
        max_len=50,
        allowed=_chars(r"[A-Za-z0-9._-]+"),
        allowed_text="only alphanumeric characters and -_. allowed in",
        doc=_BACKUP + "API_BackupSelection.html",
    ),
    "aws:backup/vault:Vault": NameRule(
        "name",
        auto_max=255,
        min_len=2,
        max_len=50,
        allowed=_chars(r"[A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters, hyphens and underscores allowed in",
        scope=REGION,
        doc=_BACKUP + "API_CreateBackupVault.html",
    ),
    "aws:budgets/budget:Budget": NameRule(
        "name",
        auto_max=255,
        max_len=100,
        allowed=re.compile(r"[^:\\]+"),
        allowed_text='":" and "\\" not allowed in',
        forbid=(_no(r"/action/", 'cannot contain "/action/"'),),
        scope=ACCOUNT,
        doc="https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html",
    ),
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": NameRule(
        "configurationName",
        max_len=128,
        allowed=_chars(r"[A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters, hyphens and underscores allowed in",
        scope=ACCOUNT,
        doc="https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html",
    ),
    "aws:cloudtrail/trail:Trail": NameRule(
        "name",
        auto_max=255,
        min_len=3,
        max_len=128,
        allowed=_chars(r"[A-Za-z0-9._-]+"),
        allowed_text="only ASCII letters, digits and ._- allowed in",
        forbid=(
            ALNUM_FIRST,
            ALNUM_LAST,
            _no(r"[._-]{2}", "cannot contain adjacent periods, underscores or dashes"),
            NOT_AN_IP,
        ),
        scope=REGION,
        doc="https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-naming-requirements.html",
    ),
    # Dashboards are global to the account: their ARN has no region.
    "aws:cloudwatch/dashboard:Dashboard": NameRule(
        "dashboardName",
        max_len=255,
        allowed=_chars(r"[A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters, hyphens and underscores allowed in",
        scope=ACCOUNT,
        doc="https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
    ),
    "aws:cloudwatch/eventRule:EventRule": NameRule(
        "name",
        auto_max=64,
        max_len=64,
        allowed=_chars(r"[.A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters and ._- allowed in",
        scope=REGION,
        doc="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html",
    ),
    "aws:cloudwatch/eventTarget:EventTarget": NameRule(
        "targetId",
        auto_max=255,
        max_len=64,
        allowed=_chars(r"[.A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters and ._- allowed in",
        doc="https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html",
    ),
    "aws:cloudwatch/logGroup:LogGroup": NameRule(
        "name",
        auto_max=255,
        max_len=512,
        allowed=_chars(r"[.A-Za-z0-9_/#-]+"),
        allowed_text="only alphanumeric characters and ._-/# allowed in",
        forbid=(_no(r"^aws/", 'cannot begin with "aws/"'),),
        scope=REGION,
        doc=_LOGS + "API_CreateLogGroup.html",
    ),
    # Account-level resource policies: at most 10 per region, each name unique there.
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": NameRule(
        "policyName", scope=REGION, doc=_LOGS + "API_PutResourcePolicy.html"
    ),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": NameRule(
        "name",
        auto_max=255,
        max_len=512,
        allowed=re.compile(r"[^:*]+"),
        allowed_text='":" and "*" not allowed in',
        doc=_LOGS + "API_PutMetricFilter.html",
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": NameRule(
        "name",
        auto_max=255,
        max_len=255,
        allowed=re.compile(r"[^\x00-\x1f\x7f]+"),
        allowed_text="control characters not allowed in",
        scope=REGION,
        doc="https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": NameRule(
        "name",
        auto_max=255,
        min_len=3,
        max_len=128,
        allowed=_chars(r"[A-Za-z0-9()./_-]+"),
        allowed_text="only alphanumeric characters and ()./_- allowed in",
        scope=REGION,
        doc=_EC2 + "API_CreateLaunchTemplate.html",
    ),
    "aws:ec2/securityGroup:SecurityGroup": NameRule(
        "name",
        auto_max=255,
        max_len=255,
        allowed=_chars(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+"),
        allowed_text="only a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* allowed in",
        forbid=(_no(r"^sg-", 'cannot begin with "sg-"'),),
        doc=_EC2 + "API_CreateSecurityGroup.html",
    ),
    # 2-256 characters, lowercase path segments separated by / (CreateRepository, repositoryName).
    "aws:ecr/repository:Repository": NameRule(
        "name",
        auto_max=255,
        max_len=256,
        min_len=2,
        allowed=_chars(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*"),
        allowed_text="only lowercase letters and digits, separated by single . _ - or / allowed in",
        scope=REGION,
        doc=_ECR + "API_CreateRepository.html",
    ),
    "aws:eks/addon:Addon": NameRule("addonName", doc=_EKS + "API_CreateAddon.html"),
    "aws:eks/cluster:Cluster": NameRule(
        "name",
        auto_max=255,
        max_len=100,
        allowed=_chars(r"[A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters, hyphens and underscores allowed in",
        forbid=(ALNUM_FIRST,),
        scope=REGION,
        doc=_EKS + "API_CreateCluster.html",
    ),
    "aws:eks/nodeGroup:NodeGroup": NameRule(
        "nodeGroupName",
        auto_max=255,
        max_len=63,
        allowed=_chars(r"[A-Za-z0-9_-]+"),
        allowed_text="only alphanumeric characters, hyphens and underscores allowed in",
        forbid=(ALNUM_FIRST,),
        doc="https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html",
    ),
    # One provider per issuer URL in an account: a second create fails with EntityAlreadyExists.
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": NameRule(
        "url",
        max_len=255,
        forbid=(_no(r"^(?!https://)", 'must begin with "https://"'),),
        scope=ACCOUNT,
        fold_case=True,
        doc=_IAM + "API_CreateOpenIDConnectProvider.html",
    ),
    "aws:iam/policy:Policy": NameRule(
        "name",
        auto_max=255,
        max_len=128,
        allowed=IAM_NAME,
        allowed_text=IAM_NAME_TEXT,
        scope=ACCOUNT,
        fold_case=True,
        doc=_IAM + "API_CreatePolicy.html",
    ),
    # One customer-managed recorder and one delivery channel per account and region, 1-256 characters
    # (API_ConfigurationRecorder.html, API_DeliveryChannel.html).
    "aws:cfg/recorder:Recorder": NameRule(
        "name",
        auto_max=255,
        max_len=256,
        scope=REGION,
        singleton=True,
        doc="https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html",
    ),
    "aws:cfg/deliveryChannel:DeliveryChannel": NameRule(
        "name",
        auto_max=255,
        max_len=256,
        scope=REGION,
        singleton=True,
        doc="https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html",
    ),
    # IAM names a service-linked role after its service (AWSServiceRoleForConfig): one per service and account.
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": NameRule(
        "awsServiceName", scope=ACCOUNT, doc=_IAM + "API_CreateServiceLinkedRole.html"
    ),
    "aws:iam/role:Role": NameRule(
        "name",
        auto_max=64,
        max_len=64,
        allowed=IAM_NAME,
        allowed_text=IAM_NAME_TEXT,
        scope=ACCOUNT,
        fold_case=True,
        doc=_IAM + "API_CreateRole.html",
    ),
    "aws:iam/rolePolicy:RolePolicy": NameRule(
        "name",
        auto_max=255,
        max_len=128,
        allowed=IAM_NAME,
        allowed_text=IAM_NAME_TEXT,
        doc=_IAM + "API_PutRolePolicy.html",
    ),
    "aws:kms/alias:Alias": NameRule(
        "name",
        auto_max=238,
        max_len=256,
        allowed=_chars(r"[A-Za-z0-9/_-]+"),
        allowed_text="only alphanumeric characters and /_- allowed in",
        forbid=(
            _no(r"^(?!alias/)", 'must begin with "alias/"'),
            _no(r"^alias/aws/", 'cannot begin with "alias/aws/", which is reserved for AWS managed keys'),
        ),
        auto_prefix="alias/",
        scope=REGION,
        doc="https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
    ),
    "aws:lb/loadBalancer:LoadBalancer": NameRule(
        "name",
        auto_max=255,
        max_len=32,
        allowed=ALNUM_HYPHEN,
        allowed_text=ALNUM_HYPHEN_TEXT,
        forbid=(NO_LEADING_HYPHEN, NO_TRAILING_HYPHEN, _no(r"^internal-", 'cannot begin with "internal-"')),
        scope=REGION,
        doc=_ELB + "API_CreateLoadBalancer.html",
    ),
    "aws:lb/targetGroup:TargetGroup": NameRule(
        "name",
        auto_max=32,
        max_len=32,
        allowed=ALNUM_HYPHEN,
        allowed_text=ALNUM_HYPHEN_TEXT,
        forbid=(NO_LEADING_HYPHEN, NO_TRAILING_HYPHEN),
        scope=REGION,
        doc=_ELB + "API_CreateTargetGroup.html",
    ),
    # RDS stores identifiers lower-cased; the provider's validator refuses upper case outright.
    "aws:rds/instance:Instance": NameRule(
        "identifier",
        auto_max=255,
        max_len=63,
        allowed=_chars(r"[a-z0-9-]+"),
        allowed_text="only lowercase alphanumeric characters and hyphens allowed in",
        forbid=(LETTER_FIRST, NO_DOUBLE_HYPHEN, NO_TRAILING_HYPHEN),
        scope=REGION,
        fold_case=True,
        doc=_RDS + "API_CreateDBInstance.html",
    ),
    "aws:rds/parameterGroup:ParameterGroup": NameRule(
        "name",
        auto_max=255,
        max_len=255,
        allowed=_chars(r"[a-z0-9-]+"),
        allowed_text="only lowercase alphanumeric characters and hyphens allowed in",
        forbid=(LETTER_FIRST, NO_DOUBLE_HYPHEN, NO_TRAILING_HYPHEN),
        scope=REGION,
        fold_case=True,
        doc=_RDS + "API_CreateDBParameterGroup.html",
    ),
    "aws:rds/subnetGroup:SubnetGroup": NameRule(
        "name",
        auto_max=255,
        max_len=255,
        allowed=_chars(r"[a-z0-9 ._-]+"),
        allowed_text="only lowercase alphanumeric characters, spaces and ._- allowed in",
        forbid=(_no(r"^default$", 'cannot be "default"'),),
        scope=REGION,
        fold_case=True,
        doc=_RDS + "API_CreateDBSubnetGroup.html",
    ),
    # A KSK's name is unique in its zone only; pulumi-aws auto-names it ("name") with hyphens, which AWS refuses.
    "aws:route53/keySigningKey:KeySigningKey": NameRule(
        "name",
        auto_max=255,
        min_len=3,
        max_len=128,
        allowed=_chars(r"[A-Za-z0-9_]+"),
        allowed_text="only alphanumeric characters and underscores allowed in",
        doc="https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateKeySigningKey.html",
    ),
    "aws:route53/record:Record": NameRule(
        "name", max_len=1024, doc="https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html"
    ),
    # Zones of the same name may coexist (each gets its own delegation set): no uniqueness scope.
    "aws:route53/zone:Zone": NameRule(
        "name",
        auto_max=255,
        max_len=1024,
        doc="https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html",
    ),
    "aws:s3/bucket:Bucket": NameRule(
        "bucket",
        auto_max=63,
        min_len=3,
        max_len=63,
        allowed=_chars(r"[a-z0-9.-]+"),
        allowed_text="only lowercase alphanumeric characters, periods and hyphens allowed in",
        forbid=(
            _no(r"^[^a-z0-9]", "must begin with a letter or digit"),
            _no(r"[^a-z0-9]$", "must end with a letter or digit"),
            _no(r"\.\.", "cannot contain two adjacent periods"),
            NOT_AN_IP,
            _no(r"^(xn--|sthree-|amzn-s3-demo-)", 'cannot begin with "xn--", "sthree-" or "amzn-s3-demo-"'),
            _no(r"(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$", "cannot end with a suffix reserved by S3"),
        ),
        lower_auto=True,
        scope=GLOBAL,
        doc="https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    ),
    # An object key is up to 1,024 bytes; unique only in its bucket.
    "aws:s3/bucketObjectv2:BucketObjectv2": NameRule(
        "key", max_len=1024, doc="https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html"
    ),
    # 1-21 lowercase letters, digits, hyphens and underscores (AWS::Synthetics::Canary Name `^[0-9a-z_\-]{1,21}$`),
    # unique in the account and region; the docstring of pulumi-aws's `name` (255) is not what the API accepts.
    "aws:synthetics/canary:Canary": NameRule(
        "name",
        auto_max=255,
        max_len=21,
        allowed=_chars(r"[0-9a-z_-]+"),
        allowed_text="only lowercase alphanumeric characters, hyphens and underscores allowed in",
        scope=REGION,
        doc="https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CreateCanary.html",
    ),
    "aws:sns/topic:Topic": NameRule(
        "name",
        auto_max=80,
        max_len=256,
        allowed=_chars(r"[A-Za-z0-9_-]+(\.fifo)?"),
        allowed_text="only alphanumeric characters, hyphens and underscores (and a .fifo suffix) allowed in",
        scope=REGION,
        doc="https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
    ),
    # Unique per scope (REGIONAL here) and region; terraform-provider-aws wafv2/web_acl.go validates the same.
    "aws:wafv2/webAcl:WebAcl": NameRule(
        "name",
        auto_max=255,
        max_len=128,
        allowed=_chars(r"[0-9A-Za-z_-]+"),
        allowed_text="only alphanumeric characters, hyphens and underscores allowed in",
        scope=REGION,
        doc=_WAF + "API_CreateWebACL.html",
    ),
}


def rule_for(token: str) -> NameRule | None:
    return NAME_RULES.get(token)


# Terraform's id.PrefixedUniqueId: a `namePrefix`-style input gets this many characters appended.
PREFIXED_SUFFIX_CHARS = 26


def physical_name(rule: NameRule, logical: str, inputs: dict, random_part: str, prefixed_part: str) -> object:
    """The name the provider would send to AWS: explicit, from a `<prop>Prefix` input, or auto-named.

    None when the program gave none and the provider does not invent one. An explicit value comes back
    as registered, so an unknown or secret value stays what it is (callers skip anything but str).
    """
    if rule.prop is None:
        return None
    explicit = inputs.get(rule.prop)
    if explicit is not None:
        return explicit
    prefix = inputs.get(f"{rule.prop}Prefix")
    if isinstance(prefix, str):
        return prefix + prefixed_part
    return rule.auto_name(logical, random_part) if rule.auto_max is not None else None
