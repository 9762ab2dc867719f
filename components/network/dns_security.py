"""Query logging and DNSSEC signing of the stack's public hosted zone (platform:dns:DnsSecurity).

The zone itself belongs to the account baseline and is looked up by the edge (network/edge.py); this component
only adds to it. Route 53 is a global service whose logs, keys and metrics live in us-east-1, so every regional
resource here names that region with pulumi-aws v7's per-resource `region` argument: the stack's own provider
(its default tags and account guard) serves them, whatever the stack's primary region.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
from pulumi import Input

from platform_core.tiers import Tier

from ..config.model import PlatformConfig
from ..iam import key_administration, key_use_by_cloudwatch_logs

# Public query logs go only to a log group in us-east-1, and DNSSEC's key must be there too:
# https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateQueryLoggingConfig.html and
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-configuring-dnssec-cmk-requirements.html
ROUTE53_REGION = "us-east-1"
# A key-signing key's name: 3-128 letters, digits and underscores, unique in its zone (CloudFormation's
# AWS::Route53::KeySigningKey schema, Name pattern ^[a-zA-Z0-9_]{3,128}$). pulumi-aws would auto-name it with
# hyphens, which AWS refuses, so the name is always explicit.
KSK_NAME = re.compile(r"^[A-Za-z0-9_]{3,128}$")
# The key spec and usage Route 53 accepts for a KSK (dns-configuring-dnssec-cmk-requirements.html).
DNSSEC_KEY_SPEC = "ECC_NIST_P256"
DNSSEC_KEY_USAGE = "SIGN_VERIFY"
_ROUTE53_ALARM_NAMESPACE = "AWS/Route53"


@dataclass(frozen=True)
class DnsSecurityArgs:
    config: PlatformConfig
    account_id: str
    zone_id: str  # the public zone the edge looked up (Edge.zone_id)
    # The stack's logs key: used for the query log group when it sits in us-east-1 (primary region us-east-1).
    logs_key_arn: Input[str]
    critical_topic_arn: Input[str] | None = None


def ksk_name(config: PlatformConfig) -> str:
    name = f"{config.name_prefix}_ksk".replace("-", "_")
    if not KSK_NAME.match(name):
        raise ValueError(f"key-signing key name {name!r} must be 3-128 letters, digits and underscores")
    return name


class DnsSecurity(pulumi.ComponentResource):
    """The public zone's query log (CloudWatch Logs, us-east-1) and DNSSEC signing (KMS key, KSK)."""

    query_log_group: aws.cloudwatch.LogGroup | None = None
    signing_key: aws.kms.Key | None = None
    key_signing_key: aws.route53.KeySigningKey | None = None
    ds_record: pulumi.Output[str] | None = None

    def __init__(self, name: str, args: DnsSecurityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:dns:DnsSecurity", name, None, opts)
        dns = args.config.dns
        if dns.query_logging:
            self._query_logging(name, args)
        if dns.dnssec:
            self._dnssec(name, args)
        self.register_outputs({"dsRecord": self.ds_record} if self.ds_record is not None else {})

    # --- query logging ------------------------------------------------------------------------------------------

    def _query_logging(self, name: str, args: DnsSecurityArgs) -> None:
        config, child = args.config, pulumi.ResourceOptions(parent=self)
        # CloudWatch Logs encrypts at ingestion with the log group's key (logs.<region>.amazonaws.com uses it), so
        # the writer needs no KMS permission: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/
        # encrypt-log-data-kms.html. The key must be in the log group's region.
        key_arn = args.logs_key_arn if config.primary_region == ROUTE53_REGION else self._us_east_1_logs_key(name, args)
        self.query_log_group = aws.cloudwatch.LogGroup(
            f"{name}-query-log",
            # The prefix the Route 53 guide recommends, so one policy pattern covers every zone's group.
            name=f"/aws/route53/{config.ingress.domain_name}",
            retention_in_days=config.dns.query_log_retention_days,
            kms_key_id=key_arn,
            region=ROUTE53_REGION,
            # A fixed name: a replacement must free it first.
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(delete_before_replace=True)),
        )
        policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-query-log-policy",
            # An account-level policy (at most 10 per region), as the Route 53 guide documents it; a fixed name.
            policy_name=f"{config.name_prefix}-route53-query-logs",
            policy_document=query_log_policy(args.account_id, config.ingress.domain_name, args.zone_id),
            region=ROUTE53_REGION,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        aws.route53.QueryLog(
            f"{name}-query-logging",
            zone_id=args.zone_id,
            # The ARN without ":*" (pulumi-aws strips it), the form CreateQueryLoggingConfig documents.
            cloudwatch_log_group_arn=self.query_log_group.arn,
            # Without the resource policy Route 53 refuses the configuration (InsufficientCloudWatchLogsResourcePolicy).
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )

    def _us_east_1_logs_key(self, name: str, args: DnsSecurityArgs) -> aws.kms.Key:
        config = args.config
        statements = [key_administration(args.account_id), key_use_by_cloudwatch_logs(args.account_id, ROUTE53_REGION)]
        return aws.kms.Key(
            f"{name}-query-log-key",
            description=f"{config.name_prefix} ({config.tier.value}) Route 53 query log group key (us-east-1)",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=_deletion_window(config),
            policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
            region=ROUTE53_REGION,
            opts=pulumi.ResourceOptions(parent=self, protect=config.protect_stateful),
        )

    # --- DNSSEC -------------------------------------------------------------------------------------------------

    def _dnssec(self, name: str, args: DnsSecurityArgs) -> None:
        config = args.config
        stateful = pulumi.ResourceOptions(parent=self, protect=config.protect_stateful)
        # Asymmetric keys cannot rotate automatically (https://docs.aws.amazon.com/kms/latest/developerguide/
        # rotate-keys.html): a KSK is rotated by adding a new KSK and DS record, never by KMS.
        self.signing_key = aws.kms.Key(
            f"{name}-dnssec-key",
            description=f"{config.name_prefix} ({config.tier.value}) DNSSEC key-signing key of the public zone",
            customer_master_key_spec=DNSSEC_KEY_SPEC,
            key_usage=DNSSEC_KEY_USAGE,
            deletion_window_in_days=_deletion_window(config),
            policy=dnssec_key_policy(args.account_id),
            region=ROUTE53_REGION,
            opts=stateful,
        )
        aws.kms.Alias(
            f"{name}-dnssec-key-alias",
            name=f"alias/{config.name_prefix}-dnssec",
            target_key_id=self.signing_key.key_id,
            region=ROUTE53_REGION,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        # Protected like the key: deleting the KSK (or disabling signing) while the parent still publishes the DS
        # record makes the zone fail validation everywhere (docs/first-deploy.md, "Disabling DNSSEC").
        self.key_signing_key = aws.route53.KeySigningKey(
            f"{name}-ksk",
            hosted_zone_id=args.zone_id,
            key_management_service_arn=self.signing_key.arn,
            name=ksk_name(config),
            status="ACTIVE",
            opts=stateful,
        )
        # Signing before the parent has the DS record is safe: without a DS record no resolver validates the zone
        # (the chain of trust starts at the parent), https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/
        # dns-configuring-dnssec-enable-signing.html.
        aws.route53.HostedZoneDnsSec(
            f"{name}-dnssec",
            hosted_zone_id=args.zone_id,
            signing_status="SIGNING",
            opts=pulumi.ResourceOptions(
                parent=self, protect=config.protect_stateful, depends_on=[self.key_signing_key]
            ),
        )
        self.ds_record = self.key_signing_key.ds_record
        self._dnssec_alarms(name, args)

    def _dnssec_alarms(self, name: str, args: DnsSecurityArgs) -> None:
        # Route 53 publishes these in us-east-1 only, and an alarm's SNS action must be a topic in the alarm's own
        # region (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-hosted-zones-with-cloudwatch
        # .html). Our topics live in the primary region: with another primary region there is no topic to notify,
        # so no alarm is created and the preview says so; `aws route53 get-dnssec` shows the status.
        config = args.config
        if config.primary_region != ROUTE53_REGION or args.critical_topic_arn is None:
            pulumi.log.warn(
                "no DNSSEC alarms: they need a critical SNS topic in us-east-1 (primary region "
                f"{config.primary_region}); check `aws route53 get-dnssec` after each change",
                resource=self,
            )
            return
        for metric, what in (
            ("DNSSECInternalFailure", "an object in the zone is in INTERNAL_FAILURE; signing has stopped"),
            ("DNSSECKeySigningKeysNeedingAction", "a key-signing key needs action (KMS key disabled or its policy)"),
        ):
            key = re.sub(r"(?<!^)(?=[A-Z])", "-", metric.removeprefix("DNSSEC")).lower()
            aws.cloudwatch.MetricAlarm(
                f"{name}-dnssec-{key}",
                name=f"{config.name_prefix}-dnssec-{key}",
                alarm_description=f"DNSSEC of {config.ingress.domain_name}: {what}. Runbook: docs/first-deploy.md",
                namespace=_ROUTE53_ALARM_NAMESPACE,
                metric_name=metric,
                dimensions={"HostedZoneId": args.zone_id},
                statistic="Maximum",
                period=300,
                evaluation_periods=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                threshold=1,
                treat_missing_data="notBreaching",
                alarm_actions=[args.critical_topic_arn],
                ok_actions=[args.critical_topic_arn],
                region=ROUTE53_REGION,
                # A fixed name is overwritten by PutMetricAlarm: replace delete-first.
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )


def _deletion_window(config: PlatformConfig) -> int:
    # As the other keys (security/encryption.py): dev keys are disposable, elsewhere the longest window.
    return 7 if config.tier is Tier.DEV else 30


def query_log_policy(account_id: str, domain: str, zone_id: str) -> str:
    """The CloudWatch Logs resource policy that lets Route 53 write this zone's query log, and nothing else.

    As CreateQueryLoggingConfig documents: route53.amazonaws.com may CreateLogStream and PutLogEvents on the
    log group (and its streams, `:*`), with aws:SourceArn the hosted zone and aws:SourceAccount the account
    against the confused deputy (https://docs.aws.amazon.com/Route53/latest/APIReference/
    API_CreateQueryLoggingConfig.html).
    """
    group = f"arn:aws:logs:{ROUTE53_REGION}:{account_id}:log-group:/aws/route53/{domain}"
    statement = {
        "Sid": "Route53QueryLogsToCloudWatchLogs",
        "Effect": "Allow",
        "Principal": {"Service": "route53.amazonaws.com"},
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [group, f"{group}:*"],
        "Condition": {
            "ArnLike": {"aws:SourceArn": f"arn:aws:route53:::hostedzone/{zone_id}"},
            "StringEquals": {"aws:SourceAccount": account_id},
        },
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def dnssec_key_policy(account_id: str) -> str:
    """The key policy Route 53 needs to sign with the key, as documented, plus the account's administration.

    https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html
    (KMS key policy for DNSSEC): DescribeKey, GetPublicKey and Sign for dnssec-route53.amazonaws.com scoped
    with aws:SourceAccount and aws:SourceArn, and CreateGrant only for AWS resources.
    """
    service = {"Service": "dnssec-route53.amazonaws.com"}
    statements = [
        {
            "Sid": "Allow Route 53 DNSSEC Service",
            "Effect": "Allow",
            "Principal": service,
            "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/*"},
            },
        },
        {
            "Sid": "Allow Route 53 DNSSEC to CreateGrant",
            "Effect": "Allow",
            "Principal": service,
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        key_administration(account_id),
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
