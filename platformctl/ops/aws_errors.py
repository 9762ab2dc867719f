"""Telling "AWS could not be used" apart from "AWS answered, and the answer is a finding".

An operations command that cannot reach AWS, has no usable credentials, is denied or stays throttled after the
client's retries has measured nothing: reporting that as a failed drill or an audit finding would send people
hunting for a DR problem that does not exist. Those errors end the command with exit 2 and the cause on one
line; every other error AWS returns (a snapshot it will not restore, a waiter that gave up) is the command's
finding.
"""

from __future__ import annotations

from typing import Any

from platform_core.errors import UsageError

# Error codes that say something about the caller or the connection, never about the resources asked for.
INFRASTRUCTURE_CODES = frozenset(
    {
        # credentials and permissions
        "AccessDenied",
        "AccessDeniedException",
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "MissingAuthenticationToken",
        "OptInRequired",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        # throttling that outlasted the client's retries
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        # the service itself failing, after retries
        "InternalFailure",
        "InternalError",
        "ServiceUnavailable",
    }
)


class InfrastructureError(UsageError):
    """AWS could not be used: exit 2 like a usage error (cli.main prints it), one line, no report."""


def is_infrastructure(error: BaseException) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError, WaiterError

    if isinstance(error, WaiterError):  # a timeout or a failure state is what the waiter was asked to find out
        return _code(error.last_response) in INFRASTRUCTURE_CODES
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return _code(error.response) in INFRASTRUCTURE_CODES or status >= 500
    # No credentials, no endpoint, timeouts, invalid parameters: nothing reached a resource.
    return isinstance(error, BotoCoreError)


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _code(response: Any) -> str:
    return str(((response or {}).get("Error") or {}).get("Code", ""))
