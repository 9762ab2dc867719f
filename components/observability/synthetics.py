"""The page-load canary: a CloudWatch Synthetics canary loading the public endpoint on a schedule, its encrypted
artifacts bucket, its own role, and the alarm on its p95 duration ("Performance Targets": page load < 2 s p95).

The canary runs as a Lambda function the service creates (`cwsyn-<name>-<id>`) and writes its logs to a log group
the Lambda service creates on the first run, `/aws/lambda/cwsyn-<name>-<id>`: the ID is only known once the canary
exists, so that group cannot be declared here before its first write, and its retention is the account default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws
from pulumi import Input, Output

from ..config.model import PlatformConfig
from ..data.hardened_bucket import HardenedBucket, lifecycle_rule
from ..data.storage import ACCESS_LOG_PREFIX
from ..iam import service_trust
from .cloudwatch_alarms import route

__all__ = ["CANARY_SCRIPT", "PageLoadCanary", "PageLoadCanaryArgs", "canary_name", "schedule_expression"]

CANARY_SCRIPT = Path(__file__).resolve().parent / "canary" / "page_load.py"
# Python canaries are loaded from python/<file>.py of the zip, handler <file>.<function>
# (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_WritingCanary_Python.html).
SCRIPT_PATH_IN_ARCHIVE = f"python/{CANARY_SCRIPT.name}"
HANDLER = f"{CANARY_SCRIPT.stem}.handler"
CODE_KEY = "code/page_load.zip"
ARTIFACT_PREFIX = "artifacts/"
SYNTHETICS_NAMESPACE = "CloudWatchSynthetics"
# A run may take at most the schedule's interval; a minute covers a cold browser and a slow page
# (https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CanaryRunConfigInput.html).
RUN_TIMEOUT_SECONDS = 60
# MemoryInMB: a multiple of 64, at least 960 (API_CanaryRunConfigInput); headless Chrome wants a gigabyte.
RUN_MEMORY_MB = 1024


def canary_name(config: PlatformConfig) -> str:
    """At most 21 characters of [0-9a-z_-] (AWS::Synthetics::Canary Name `^[0-9a-z_\\-]{1,21}$`, API_CreateCanary):
    `platform-staging-page` is exactly 21."""
    return f"{config.name_prefix}-page"


def schedule_expression(minutes: int) -> str:
    # rate(number unit), unit minute or minutes (API_CanarySchedule / CanaryScheduleArgs.expression).
    return f"rate({minutes} minute{'s' if minutes != 1 else ''})"


def page_load_alarm_name(config: PlatformConfig) -> str:
    """Fixed and known before deploy: `platformctl bake` watches it after a deploy (stack output
    criticalAlarmNames), as a page-load SLO breach a deploy causes is rolled back."""
    return f"{config.name_prefix}-page-load-p95"


@dataclass(frozen=True)
class PageLoadCanaryArgs:
    config: PlatformConfig
    account_id: str
    url: str  # the page the canary loads
    topic_arns: dict[str, Input[str]]  # severity -> SNS topic ARN, as the other alarms route
    key_arn: Input[str]  # the customer key of the artifacts (their bucket's default encryption too)
    access_log_bucket: Input[str]  # where the artifacts bucket logs server access (Storage's log bucket)
    access_log_ready: pulumi.Resource  # the log bucket's policy: access logs are refused before it exists


class PageLoadCanary(pulumi.ComponentResource):
    canary: aws.synthetics.Canary
    duration_alarm: aws.cloudwatch.MetricAlarm
    alarm_severity: str
    artifacts_bucket: aws.s3.Bucket
    role: aws.iam.Role

    def __init__(self, name: str, args: PageLoadCanaryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:observability:PageLoadCanary", name, None, opts)
        settings = args.config.observability.synthetics
        artifacts = HardenedBucket(
            f"{name}-artifacts",
            self,
            key_arn=args.key_arn,
            protect=args.config.protect_stateful,
            lifecycle=_artifact_lifecycle(settings.artifact_retention_days),
        )
        self.artifacts_bucket = artifacts.bucket
        aws.s3.BucketLogging(
            f"{name}-artifacts-logging",
            bucket=artifacts.bucket.bucket,
            target_bucket=args.access_log_bucket,
            target_prefix=f"{ACCESS_LOG_PREFIX}canary-artifacts/",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.access_log_ready]),
        )
        # The Pulumi engine zips the archive itself (no build step); a changed script is a new object version,
        # and the canary reads that version, so editing page_load.py redeploys the canary.
        script = aws.s3.BucketObjectv2(
            f"{name}-script",
            bucket=artifacts.bucket.id,
            key=CODE_KEY,
            source=pulumi.AssetArchive({SCRIPT_PATH_IN_ARCHIVE: pulumi.FileAsset(str(CANARY_SCRIPT))}),
            # A fixed key: a replacement (new bucket or key) must remove the old object first.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[artifacts.versioning, artifacts.policy], delete_before_replace=True
            ),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            # Canaries run as Lambda functions: the execution role trusts Lambda
            # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_Roles.html).
            assume_role_policy=service_trust("lambda.amazonaws.com"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-role-policy",
            role=self.role.id,
            policy=canary_role_policy(args, artifacts.bucket.arn, canary_name(args.config)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.canary = self._canary(name, args, artifacts.bucket, script, role_policy)
        self.alarm_severity = route("warning", args.topic_arns)
        self.duration_alarm = self._duration_alarm(name, args)
        self.register_outputs(
            {
                "canaryName": self.canary.name,
                "artifactsBucket": self.artifacts_bucket.bucket,
                "durationAlarmName": self.duration_alarm.name,
            }
        )

    def _canary(
        self,
        name: str,
        args: PageLoadCanaryArgs,
        bucket: aws.s3.Bucket,
        script: aws.s3.BucketObjectv2,
        role_policy: aws.iam.RolePolicy,
    ) -> aws.synthetics.Canary:
        settings = args.config.observability.synthetics
        return aws.synthetics.Canary(
            f"{name}-canary",
            name=canary_name(args.config),
            runtime_version=settings.runtime_version,
            handler=HANDLER,
            s3_bucket=bucket.bucket,
            s3_key=script.key,
            s3_version=script.version_id,
            execution_role_arn=self.role.arn,
            artifact_s3_location=Output.concat("s3://", bucket.bucket, "/", ARTIFACT_PREFIX),
            artifact_config=aws.synthetics.CanaryArtifactConfigArgs(
                s3_encryption=aws.synthetics.CanaryArtifactConfigS3EncryptionArgs(
                    encryption_mode="SSE_KMS", kms_key_arn=args.key_arn
                )
            ),
            schedule=aws.synthetics.CanaryScheduleArgs(expression=schedule_expression(settings.schedule_minutes)),
            run_config=aws.synthetics.CanaryRunConfigArgs(
                timeout_in_seconds=min(RUN_TIMEOUT_SECONDS, settings.schedule_minutes * 60),
                memory_in_mb=RUN_MEMORY_MB,
                environment_variables={"PAGE_URL": args.url},
            ),
            # 1-455 days (API_CreateCanary); run data lives as long as its artifacts.
            success_retention_period=settings.artifact_retention_days,
            failure_retention_period=settings.artifact_retention_days,
            start_canary=True,
            # Otherwise the canary's Lambda function and layers outlive it.
            delete_lambda=True,
            # The first run needs its permissions in place.
            # The name is fixed (the alarm's dimension): a replacement must delete the old canary first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy], delete_before_replace=True),
        )

    def _duration_alarm(self, name: str, args: PageLoadCanaryArgs) -> aws.cloudwatch.MetricAlarm:
        """Routed and sized like the API latency SLO alarm: warning, breached for the tier's alarm minutes."""
        config, settings = args.config, args.config.observability.synthetics
        # One datapoint per run: the tier's alarm minutes in runs, at least one (prod: 5 min = 1 run of 5).
        runs = max(1, math.ceil(config.observability.alarm_minutes / settings.schedule_minutes))
        actions = [args.topic_arns[self.alarm_severity]]
        return aws.cloudwatch.MetricAlarm(
            f"{name}-duration-p95",
            name=page_load_alarm_name(config),
            alarm_description=f"Page load p95 above the {settings.page_load_p95_ms} ms SLO (canary "
            f"{canary_name(config)}, {runs} run(s) in a row).",
            # Duration: milliseconds of a canary run, dimension CanaryName
            # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_metrics.html).
            namespace=SYNTHETICS_NAMESPACE,
            metric_name="Duration",
            dimensions={"CanaryName": self.canary.name},
            extended_statistic="p95",
            period=settings.schedule_minutes * 60,
            comparison_operator="GreaterThanThreshold",
            threshold=settings.page_load_p95_ms,
            evaluation_periods=runs,
            datapoints_to_alarm=runs,
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            ok_actions=actions,
            # A fixed name is overwritten by PutMetricAlarm: replace delete-first, like Monitoring's alarms.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )


def _artifact_lifecycle(days: int) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """Artifacts (artifacts/) expire with the canary's run data; the code object (code/) stays, the canary reads it
    on every update. The whole-bucket rule ends old versions and abandoned uploads (Checkov CKV_AWS_300 wants the
    abort on a rule without a prefix)."""
    expire_artifacts = aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="artifacts-expire",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=ARTIFACT_PREFIX),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
    )
    return [lifecycle_rule(days), expire_artifacts]


def canary_role_policy(args: PageLoadCanaryArgs, bucket_arn: Output[str], name: str) -> Output[str]:
    """The execution role policy the Synthetics guide requires, narrowed to this canary's bucket, logs and key
    (CloudWatch_Synthetics_Canaries_Roles.html). Only ListAllMyBuckets and PutMetricData take no resource ARN;
    PutMetricData is held to the Synthetics namespace."""
    region, account = args.config.primary_region, args.account_id
    return Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Artifacts",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:GetObject"],
                    "Resource": Output.concat(bucket_arn, "/", ARTIFACT_PREFIX, "*"),
                },
                {"Sid": "ArtifactsBucket", "Effect": "Allow", "Action": "s3:GetBucketLocation", "Resource": bucket_arn},
                {"Sid": "ListBuckets", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
                {
                    "Sid": "Metrics",
                    "Effect": "Allow",
                    "Action": "cloudwatch:PutMetricData",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"cloudwatch:namespace": SYNTHETICS_NAMESPACE}},
                },
                {
                    "Sid": "Logs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/cwsyn-{name}-*",
                },
                {
                    # SSE-KMS artifacts; the key policy delegates to IAM (security/encryption.py).
                    "Sid": "ArtifactsKey",
                    "Effect": "Allow",
                    "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                    "Resource": args.key_arn,
                },
            ],
        }
    )
