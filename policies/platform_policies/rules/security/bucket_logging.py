"""Security rule for S3 server access logging: every bucket but an access-log bucket logs the requests made to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...framework import Resource, Rule, Violation, of_type
from ...log_destinations import access_log_targets
from ...references import refers_to
from ...resource_types import BUCKET_LOGGING, BUCKETS


def _server_access_logging(resources: list[Resource], config: Mapping[str, Any]) -> Iterable[Violation]:
    loggings = of_type(resources, BUCKET_LOGGING)
    # An access-log bucket logging into itself (or into another in a loop) only logs its own log deliveries.
    targets = access_log_targets(resources)
    for bucket in of_type(resources, *BUCKETS):
        if bucket.urn in targets or bucket.get("logging", "targetBucket"):  # the deprecated inline block counts
            continue
        if not any(refers_to(logging, "bucket", bucket) for logging in loggings):
            yield Violation(
                f"bucket {bucket.get('bucket') or bucket.name} has no aws.s3.BucketLogging: requests to it "
                "leave no server access log",
                bucket.urn,
            )


RULES: list[Rule] = [
    Rule(
        name="s3-server-access-logging",
        description="Every S3 bucket except an access-log bucket (the target of a BucketLogging) logs server "
        "access to a log bucket in its own region.",
        severity="medium",
        remediation="Add an aws.s3.BucketLogging with `bucket=<bucket>.bucket`, `target_bucket` a log bucket of "
        "the same region and account (S3 delivers nowhere else) and a `target_prefix` of its own "
        "(`s3-access/<role>/`); the target's policy must let logging.s3.amazonaws.com s3:PutObject there "
        "with aws:SourceAccount/aws:SourceArn conditions, and an SSE-KMS target's key must admit it too.",
        soc2=("CC7.2",),
        # CIS AWS Foundations v3.0.0 3.4 asks it of the CloudTrail bucket; ours is the access-log bucket itself,
        # exempt here by design (logging it into itself would log only its own log deliveries).
        cis=("3.4",),
        resource_types=(*BUCKETS, BUCKET_LOGGING),
        stack_check=_server_access_logging,
    ),
]
