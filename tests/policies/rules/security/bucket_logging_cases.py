"""Cases for S3 server access logging (platform_policies/rules/security/bucket_logging.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

BUCKET = "aws:s3/bucket:Bucket"
LOGGING = "aws:s3/bucketLogging:BucketLogging"

_data = res(BUCKET, "data", bucket="data-1")
_logs = res(BUCKET, "logs", bucket="logs-1")
_replica = res(BUCKET, "replica", bucket="replica-1")


def logging(source, target, name="logging", **kw):
    return res(LOGGING, name, property_dependencies={"bucket": [source.urn], "targetBucket": [target.urn]}, **kw)


CASES: list[Case] = [
    # s3-server-access-logging
    Case("s3-server-access-logging", False, (_data, _logs, logging(_data, _logs)), note="log-bucket-is-the-target"),
    Case(
        "s3-server-access-logging",
        False,
        (_data, _logs, res(LOGGING, "logging", bucket="data-1", targetBucket="logs-1", targetPrefix="s3-access/data/")),
        note="by-name",
    ),
    Case(
        "s3-server-access-logging",
        False,
        (res(BUCKET, "legacy", bucket="legacy-1", logging={"targetBucket": "logs-1"}),),
        note="inline-logging-block",
    ),
    Case("s3-server-access-logging", False, (), note="no-buckets"),
    Case(
        "s3-server-access-logging",
        True,
        (_data, _logs, _replica, logging(_data, _logs)),
        note="replica-not-logged",
        offender="replica",
    ),
    Case("s3-server-access-logging", True, (_data,), note="no-logging-at-all", offender="data"),
    Case(
        "s3-server-access-logging",
        True,
        (_data, _logs, res(LOGGING, "logging", bucket="other-1", targetBucket="logs-1")),
        note="logging-of-another-bucket",
        offender="data",
    ),
]
