"""Which buckets of a stack receive logs, and from whom: the stack-level view that the S3 encryption and
server-access-logging rules share.

An ALB writes its access logs only to an SSE-S3 bucket
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html), so a
bucket that only load balancers write to is the one bucket allowed to go without a customer-managed key.
"""

from __future__ import annotations

from .framework import Resource, of_type
from .references import names, physical_names, refers_to
from .resource_types import BUCKET_LOGGING, BUCKETS, CLOUDTRAIL, FLOW_LOG, LOAD_BALANCERS, SYNTHETICS_CANARY
from .values import is_true

# Every resource type that writes into a bucket it names, and the input naming it; the load balancer is
# handled apart because its bucket sits inside the accessLogs block.
OTHER_WRITERS = ((BUCKET_LOGGING, "targetBucket"), (CLOUDTRAIL, "s3BucketName"), (FLOW_LOG, "logDestination"))
LOG_WRITER_TYPES = (*LOAD_BALANCERS, *(writer for writer, _ in OTHER_WRITERS))


def alb_writes_to(load_balancer: Resource, bucket: Resource) -> bool:
    """The load balancer's enabled accessLogs block names `bucket`."""
    if not is_true(load_balancer.get("accessLogs", "enabled")):
        return False
    dependencies = load_balancer.property_dependencies.get("accessLogs")
    if dependencies:
        return bucket.urn in dependencies
    named = load_balancer.get("accessLogs", "bucket")
    return isinstance(named, str) and bool(named) and names(named, bucket)


def alb_only_log_buckets(resources: list[Resource]) -> set[str]:
    """URNs of the buckets that an ALB writes access logs to and no other log writer of the stack names."""
    load_balancers = of_type(resources, *LOAD_BALANCERS)
    writers = [(writer, key) for kind, key in OTHER_WRITERS for writer in of_type(resources, kind)]
    return {
        bucket.urn
        for bucket in of_type(resources, *BUCKETS)
        if any(alb_writes_to(lb, bucket) for lb in load_balancers)
        and not any(refers_to(writer, key, bucket) for writer, key in writers)
    }


def access_log_targets(resources: list[Resource]) -> set[str]:
    """URNs of the buckets that receive S3 server access logs (the target of some BucketLogging)."""
    loggings = of_type(resources, BUCKET_LOGGING)
    return {
        bucket.urn
        for bucket in of_type(resources, *BUCKETS)
        if any(refers_to(logging, "targetBucket", bucket) for logging in loggings)
    }


def canary_artifact_buckets(resources: list[Resource]) -> set[str]:
    """URNs of the buckets a Synthetics canary stores its run artifacts in (`artifactS3Location`): screenshots,
    HAR files and logs that expire with the canary's retention, rebuilt by every run."""
    canaries = of_type(resources, SYNTHETICS_CANARY)
    return {
        bucket.urn
        for bucket in of_type(resources, *BUCKETS)
        if any(refers_to(canary, "artifactS3Location", bucket, _s3_location_in) for canary in canaries)
    }


def _s3_location_in(value: str, bucket: Resource) -> bool:
    """`s3://<bucket>/<prefix>` written in the program names `bucket`."""
    return any(value == f"s3://{name}" or value.startswith(f"s3://{name}/") for name in physical_names(bucket))
