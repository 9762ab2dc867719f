"""Cases for encryption in transit (platform_policies/rules/encryption/in_transit.py), with preview-time edge cases."""

from __future__ import annotations

import json

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from tests.policies.cases import Case, res

BUCKET = "aws:s3/bucket:Bucket"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PG = "aws:rds/parameterGroup:ParameterGroup"
RDS = "aws:rds/instance:Instance"
LISTENER = "aws:lb/listener:Listener"


def deny_http(resource=("arn:aws:s3:::data-1", "arn:aws:s3:::data-1/*"), **overrides):
    statement = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": list(resource),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        **overrides,
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def bucket_policy(document, as_text=True, **kw):
    return res(POLICY, "policy", policy=json.dumps(document) if as_text else document, **kw)


def pg(force_ssl="1", family="postgres16", name="db-params"):
    parameters = [{"name": "log_connections", "value": "1"}]
    if force_ssl is not None:
        parameters.append({"name": "rds.force_ssl", "value": force_ssl, "applyMethod": "immediate"})
    return res(PG, name, family=family, parameters=parameters)


def https(ssl_policy):
    return res(LISTENER, "https", protocol="HTTPS", port=443, sslPolicy=ssl_policy)


NAMED_BUCKET = res(BUCKET, "data", bucket="data-1")
_unnamed = res(BUCKET, "data")  # autonamed: the offline engine has no name in the inputs
_by_dep = {"bucket": [_unnamed.urn]}
_group = pg()
_lax_group = pg(force_ssl="0", name="lax")
_db = res(
    RDS,
    "db",
    engine="postgres",
    identifier="app-db",
    parameterGroupName="db-params-1",
    property_dependencies={"parameterGroupName": [_group.urn]},
)

CASES: list[Case] = [
    # s3-bucket-tls-only
    Case("s3-bucket-tls-only", False, (NAMED_BUCKET, bucket_policy(deny_http(), bucket="data-1")), note="by-name"),
    Case(
        "s3-bucket-tls-only",
        False,
        (_unnamed, bucket_policy(deny_http(resource=["arn:aws:s3:::x-9/*"]), property_dependencies=_by_dep)),
        note="by-dependency-name-unknown",
    ),
    Case(
        "s3-bucket-tls-only",
        False,
        (
            NAMED_BUCKET,
            bucket_policy(
                deny_http(resource=["*"], Action=["s3:Get*", "s3:Put*"], Principal={"AWS": "*"}),
                as_text=False,
                bucket="data-1",
            ),
        ),
        note="dict-policy-wildcards",
    ),
    Case(
        "s3-bucket-tls-only",
        False,
        (_unnamed, res(POLICY, "policy", policy=UNKNOWN_STRING_VALUE, property_dependencies=_by_dep)),
        note="policy-unknown-in-preview",
    ),
    Case("s3-bucket-tls-only", True, (NAMED_BUCKET,), note="no-policy", offender="data"),
    Case(
        "s3-bucket-tls-only",
        True,
        (NAMED_BUCKET, bucket_policy(deny_http(), bucket="other-bucket")),
        note="policy-of-other-bucket",
        offender="data",
    ),
    Case(
        "s3-bucket-tls-only",
        True,
        (NAMED_BUCKET, bucket_policy(deny_http(resource=["arn:aws:s3:::data-1"]), bucket="data-1")),
        note="objects-not-covered",
        offender="data",
    ),
    Case(
        "s3-bucket-tls-only",
        True,
        (NAMED_BUCKET, bucket_policy(deny_http(Effect="Allow"), bucket="data-1")),
        note="allow-not-deny",
        offender="data",
    ),
    Case(
        "s3-bucket-tls-only",
        True,
        (NAMED_BUCKET, bucket_policy(deny_http(Condition={"Bool": {"aws:SecureTransport": "true"}}), bucket="data-1")),
        note="wrong-condition",
        offender="data",
    ),
    Case(
        "s3-bucket-tls-only",
        True,
        (NAMED_BUCKET, bucket_policy(deny_http(Action="s3:DeleteObject"), bucket="data-1")),
        note="narrow-action",
        offender="data",
    ),
    Case(
        "s3-bucket-tls-only",
        True,
        (NAMED_BUCKET, bucket_policy(deny_http(Principal={"AWS": "arn:aws:iam::1:root"}), bucket="data-1")),
        note="one-principal",
        offender="data",
    ),
    # rds-parameter-group-forces-ssl
    Case("rds-parameter-group-forces-ssl", False, (pg(),)),
    Case("rds-parameter-group-forces-ssl", False, (pg(force_ssl=None, family="mysql8.0"),), note="not-postgres"),
    Case("rds-parameter-group-forces-ssl", True, (pg(force_ssl="0"),)),
    Case("rds-parameter-group-forces-ssl", True, (pg(force_ssl=None),), note="not-set"),
    Case(
        "rds-parameter-group-forces-ssl",
        True,
        (res("aws:rds/clusterParameterGroup:ClusterParameterGroup", family="aurora-postgresql16", parameters=[]),),
        note="aurora-cluster-group",
    ),
    # rds-instance-uses-tls-parameter-group
    Case("rds-instance-uses-tls-parameter-group", False, (_group, _db), note="by-dependency"),
    Case(
        "rds-instance-uses-tls-parameter-group",
        False,
        (
            res(PG, "p", family="postgres16", name="db-params-1", parameters=[{"name": "rds.force_ssl", "value": "1"}]),
            res(RDS, "db", engine="postgres", parameterGroupName="db-params-1"),
        ),
        note="by-name",
    ),
    Case(
        "rds-instance-uses-tls-parameter-group",
        False,
        (
            _group,
            _db,
            res(
                RDS,
                "replica",
                replicateSourceDb="arn:aws:rds:us-east-1:1:db:app-db",
                parameterGroupName="db-params-1",
                property_dependencies={"parameterGroupName": [_group.urn]},
            ),
        ),
        note="replica",
    ),
    Case("rds-instance-uses-tls-parameter-group", False, (res(RDS, "db", engine="mysql"),), note="not-postgres"),
    Case(
        "rds-instance-uses-tls-parameter-group",
        True,
        (res(RDS, "db", engine="postgres"),),
        note="default-group",
        offender="db",
    ),
    Case(
        "rds-instance-uses-tls-parameter-group",
        True,
        (res(RDS, "db", engine="postgres", parameterGroupName="default.postgres16"),),
        note="named-default-group",
        offender="db",
    ),
    Case(
        "rds-instance-uses-tls-parameter-group",
        True,
        (res(RDS, "db", engine="postgres", parameterGroupName="shared-params"),),
        note="group-not-in-stack",
        offender="db",
    ),
    Case(
        "rds-instance-uses-tls-parameter-group",
        True,
        (_lax_group, res(RDS, "db", engine="postgres", property_dependencies={"parameterGroupName": [_lax_group.urn]})),
        note="group-without-force-ssl",
        offender="db",
    ),
    Case(
        "rds-instance-uses-tls-parameter-group",
        True,
        (
            _group,
            _lax_group,
            _db,
            res(
                RDS,
                "replica",
                replicateSourceDb="app-db",
                property_dependencies={"parameterGroupName": [_lax_group.urn]},
            ),
        ),
        note="replica-of-postgres",
        offender="replica",
    ),
    # lb-listener-https-only
    Case("lb-listener-https-only", False, (res(LISTENER, protocol="HTTPS", port=443),)),
    Case(
        "lb-listener-https-only",
        False,
        (
            res(
                LISTENER,
                protocol="HTTP",
                port=80,
                defaultActions=[
                    {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
                ],
            ),
        ),
        note="redirect",
    ),
    Case(
        "lb-listener-https-only",
        False,
        (res("aws:alb/listener:Listener", protocol="TLS", port=443),),
        note="alb-alias-tls",
    ),
    Case(
        "lb-listener-https-only",
        False,
        (res(LISTENER, protocol="TCP", port=5432),),
        config={"allowedProtocols": ["HTTPS", "TLS", "TCP"]},
        note="tcp-allowed-by-config",
    ),
    Case(
        "lb-listener-https-only",
        True,
        (res(LISTENER, protocol="HTTP", port=80, defaultActions=[{"type": "forward", "targetGroupArn": "arn:tg"}]),),
    ),
    Case("lb-listener-https-only", True, (res(LISTENER, port=80, defaultActions=[]),), note="default-http-no-actions"),
    Case(
        "lb-listener-https-only",
        True,
        (
            res(
                LISTENER,
                protocol="HTTP",
                port=80,
                defaultActions=[{"type": "redirect", "redirect": {"protocol": "HTTP", "port": "8080"}}],
            ),
        ),
        note="redirect-to-http",
    ),
    Case("lb-listener-https-only", True, (res(LISTENER, protocol="TCP", port=5432),), note="tcp"),
    # lb-listener-modern-tls
    Case("lb-listener-modern-tls", False, (https("ELBSecurityPolicy-TLS13-1-2-2021-06"),)),
    Case("lb-listener-modern-tls", False, (https("ELBSecurityPolicy-TLS13-1-3-2021-06"),), note="tls13-only"),
    Case("lb-listener-modern-tls", False, (res(LISTENER, protocol="HTTP", port=80),), note="plain-http-not-judged"),
    Case("lb-listener-modern-tls", True, (res(LISTENER, protocol="HTTPS"),), note="aws-default-policy"),
    Case(
        "lb-listener-modern-tls", True, (https("ELBSecurityPolicy-TLS13-1-0-2021-06"),), note="tls13-family-but-tls10"
    ),
    Case(
        "lb-listener-modern-tls",
        True,
        (res(LISTENER, protocol="TLS", sslPolicy="ELBSecurityPolicy-2016-08"),),
        note="nlb-old-policy",
    ),
    Case(
        "lb-listener-modern-tls",
        False,
        (https("ELBSecurityPolicy-FS-1-2-Res-2020-10"),),
        config={"allowedPolicyPrefixes": ["ELBSecurityPolicy-FS-1-2-"]},
        note="prefix-from-config",
    ),
]
