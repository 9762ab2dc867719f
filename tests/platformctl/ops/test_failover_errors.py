"""Which AWS errors end a failover with exit 2 (the environment), and how they read in one line."""

from __future__ import annotations

from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from platformctl.ops.failover_errors import infra_cause, one_line


def test_environment_errors_are_named_in_one_line() -> None:
    assert infra_cause(NoCredentialsError()) == (
        "no usable AWS credentials (NoCredentialsError: Unable to locate credentials)"
    )
    unreachable = infra_cause(EndpointConnectionError(endpoint_url="https://rds.us-west-2.amazonaws.com/"))
    assert unreachable == (
        "AWS endpoint unreachable (EndpointConnectionError: Could not connect to the endpoint URL: "
        '"https://rds.us-west-2.amazonaws.com/")'
    )
    throttled = {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}, "ResponseMetadata": {"RetryAttempts": 9}}
    assert infra_cause(ClientError(throttled, "DescribeDBInstances")) == (
        "throttled by AWS after 10 attempts (Throttling: Rate exceeded)"
    )
    denied = {"Error": {"Code": "AccessDenied", "Message": "not authorized"}, "ResponseMetadata": {}}
    assert infra_cause(ClientError(denied, "PromoteReadReplica")) == (
        "access denied or credentials rejected (AccessDenied: not authorized)"
    )


def test_a_steps_own_failure_is_not_the_environment() -> None:
    missing = {"Error": {"Code": "DBInstanceNotFound", "Message": "gone"}, "ResponseMetadata": {"HTTPStatusCode": 404}}
    assert infra_cause(ClientError(missing, "DescribeDBInstances")) is None  # exit 1, resumable
    assert one_line(ClientError(missing, "DescribeDBInstances")) == "DBInstanceNotFound: gone"
