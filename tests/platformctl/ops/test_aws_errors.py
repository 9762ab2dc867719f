"""AWS not being usable (aws_errors) ends a drill with exit 2 and the cause on one line, never as a failed drill:
no credentials, an unreachable endpoint, access denied (moto's IAM enforcement), throttling after retries."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, WaiterError

from platformctl.cli import main
from platformctl.ops import dr_orphans, outputs
from platformctl.ops.aws_errors import is_infrastructure
from tests.platformctl.ops.rds_stack import (
    DB,
    PRIMARY,
    cli,
    drill_argv,
    instance_ids,
    point_aws_nowhere,
    seed_database,
)


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


@pytest.mark.parametrize(
    ("error", "infrastructure"),
    [
        (NoCredentialsError(), True),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
        (client_error("AccessDenied", 403), True),
        (client_error("ThrottlingException"), True),
        (client_error("InternalFailure", 500), True),
        (client_error("SomethingNew", 503), True),
        (client_error("DBSnapshotNotFound", 404), False),  # an answer about the stack: the drill's finding
        (client_error("KMSKeyNotAccessibleFault"), False),
        (WaiterError("db_instance_available", "Max attempts exceeded", {"DBInstances": []}), False),
        (WaiterError("db_instance_available", "error", {"Error": {"Code": "AccessDenied"}}), True),
    ],
)
def test_what_counts_as_aws_not_being_usable(error: Exception, infrastructure: bool) -> None:
    assert is_infrastructure(error) is infrastructure


def assert_stopped(status: int, err: str, cause: str, tmp_path: Path) -> None:
    assert status == 2 and "Traceback" not in err, err
    (line,) = err.splitlines()
    assert line.startswith("error: DR drill of stack 'dev' stopped, AWS could not be used: ") and cause in line
    assert line.endswith("; no report written")
    assert not list((tmp_path / "reports").iterdir())  # checked and created, but nothing measured: nothing written


@pytest.fixture
def few_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore's own retry loop, only shorter than the 10 adaptive attempts: a test need not wait a minute.
    monkeypatch.setattr(outputs, "RETRIES", {"mode": "standard", "max_attempts": 2})


def test_no_credentials(aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)  # the config and credentials files already point at /dev/null (conftest.py)
    result = cli(*drill_argv(tmp_path, "dev"), cwd=tmp_path)
    assert_stopped(result.returncode, result.stderr, "Unable to locate credentials", tmp_path)


def test_an_unreachable_endpoint(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, few_retries: None
) -> None:
    endpoint = point_aws_nowhere(monkeypatch)
    status = main(drill_argv(tmp_path, "dev"))
    assert_stopped(status, capsys.readouterr().err, f'Could not connect to the endpoint URL: "{endpoint}/"', tmp_path)


def moto_auth(endpoint: str, free_actions: str) -> None:
    """moto's server enforces IAM after `free_actions` more requests ("inf": never), via its reset-auth API."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=free_actions.encode(), headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


@pytest.fixture
def operator(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Credentials of an IAM user (policies are the test's to attach), with moto enforcing IAM meanwhile."""
    import boto3

    iam = boto3.client("iam", region_name=PRIMARY)
    iam.create_user(UserName="drill-operator")
    key = iam.create_access_key(UserName="drill-operator")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    moto_auth(aws, "0")
    try:
        yield iam
    finally:
        moto_auth(aws, "inf")


def test_access_denied(operator: Any, tmp_path: Path, capsys: Any) -> None:
    status = main(drill_argv(tmp_path, "dev"))
    err = capsys.readouterr().err
    assert_stopped(status, err, "AccessDenied", tmp_path)
    assert "not authorized to perform: rds:DescribeDBInstances" in err


def test_access_denied_after_the_restore_names_the_instance_left(
    aws: str, operator: Any, tmp_path: Path, capsys: Any
) -> None:
    moto_auth(aws, "inf")
    seed_database()
    statements = [
        {"Effect": "Allow", "Action": "rds:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "rds:DeleteDBInstance", "Resource": "*"},
    ]
    policy = {"Version": "2012-10-17", "Statement": statements}
    operator.put_user_policy(UserName="drill-operator", PolicyName="no-delete", PolicyDocument=json.dumps(policy))
    moto_auth(aws, "0")
    status = main(drill_argv(tmp_path, "dev"))
    err = capsys.readouterr().err
    moto_auth(aws, "inf")
    (left,) = set(instance_ids(PRIMARY)) - {DB}
    assert_stopped(status, err, "not authorized to perform: rds:DeleteDBInstance", tmp_path)
    assert f"drill instance {left} in {PRIMARY} may remain" in err


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


THROTTLED = (
    b'<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>'
    b"<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
)


def test_throttling_that_outlasts_the_retries(
    aws: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, few_retries: None
) -> None:
    # moto never throttles: every DescribeDBInstances is answered "Throttling" before it is sent, the way RDS
    # answers an account over its request rate; botocore's retries and everything else are the real thing.
    real_client = dr_orphans.aws_client

    def throttled_client(service: str, region: str) -> Any:
        client = real_client(service, region)
        client.meta.events.register(
            "before-send.rds.DescribeDBInstances",
            lambda request, **_: AWSResponse(request.url, 400, {"Content-Type": "text/xml"}, _Body(THROTTLED)),
        )
        return client

    monkeypatch.setattr(dr_orphans, "aws_client", throttled_client)
    status = main(drill_argv(tmp_path, "dev"))
    err = capsys.readouterr().err
    assert_stopped(
        status, err, "(Throttling) when calling the DescribeDBInstances operation (reached max retries", tmp_path
    )
