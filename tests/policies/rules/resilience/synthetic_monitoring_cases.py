"""Cases for the page-load canary (platform_policies/rules/resilience/synthetic_monitoring.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

LB = "aws:lb/loadBalancer:LoadBalancer"
CANARY = "aws:synthetics/canary:Canary"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUCKET = "aws:s3/bucket:Bucket"
RULE = "page-load-canary"

_alb = res(LB, "alb", loadBalancerType="application", internal=False)
_internal = res(LB, "internal-alb", loadBalancerType="application", internal=True)
_encrypted = {"s3Encryption": {"encryptionMode": "SSE_KMS", "kmsKeyArn": "arn:aws:kms:us-east-1:1:key/k"}}


def canary(startCanary=True, artifactConfig=_encrypted, **props):
    return res(
        CANARY, "canary", name="platform-prod-page", startCanary=startCanary, artifactConfig=artifactConfig, **props
    )


_canary = canary()


def alarm(target=_canary, metricName="Duration", alarmActions=("arn:aws:sns:us-east-1:1:warning",), **props):
    return res(
        ALARM,
        "page-load-p95",
        namespace="CloudWatchSynthetics",
        metricName=metricName,
        extendedStatistic="p95",
        threshold=2000,
        alarmActions=list(alarmActions),
        dimensions={"CanaryName": target.get("name")},
        property_dependencies={"dimensions": [target.urn]},
        **props,
    )


CASES: list[Case] = [
    Case(RULE, False, (_alb, _canary, alarm()), note="canary-and-duration-alarm"),
    Case(
        RULE,
        False,
        (
            _alb,
            _canary,
            res(
                ALARM,
                "by-name",
                namespace="CloudWatchSynthetics",
                metricName="Duration",
                alarmActions=["arn:aws:sns:us-east-1:1:warning"],
                dimensions={"CanaryName": "platform-prod-page"},
            ),
        ),
        note="alarm-names-the-canary-literally",
    ),
    Case(RULE, False, (_internal,), note="no-public-endpoint"),
    Case(RULE, False, (), note="no-load-balancer"),
    Case(RULE, True, (_alb,), note="public-alb-without-canary", offender="alb"),
    Case(RULE, True, (_alb, canary(startCanary=False), alarm()), note="canary-stopped", offender="canary"),
    Case(
        RULE,
        True,
        (_alb, canary(artifactConfig={"s3Encryption": {"encryptionMode": "SSE_S3"}}), alarm()),
        note="artifacts-sse-s3",
        offender="canary",
    ),
    Case(RULE, True, (_alb, _canary), note="no-duration-alarm", offender="canary"),
    Case(
        RULE,
        True,
        (_alb, _canary, alarm(metricName="SuccessPercent")),
        note="alarm-on-another-metric",
        offender="canary",
    ),
    Case(RULE, True, (_alb, _canary, alarm(alarmActions=())), note="alarm-notifies-nobody", offender="canary"),
    # backup-covers-stateful-resources: a canary's artifacts bucket holds expiring run artifacts, not data.
    Case(
        "backup-covers-stateful-resources",
        False,
        (res(BUCKET, "artifacts", bucket="artifacts-1"), canary(artifactS3Location="s3://artifacts-1/artifacts/")),
        note="canary-artifacts-bucket",
    ),
    Case(
        "backup-covers-stateful-resources",
        True,
        (res(BUCKET, "data", bucket="data-1"), canary(artifactS3Location="s3://artifacts-1/artifacts/")),
        note="another-bucket-than-the-canary-artifacts",
        offender="data",
    ),
]
