"""How `dr failover` names an AWS error in its one line; which errors are the environment's is aws_errors'.

A failed step (AWS refused a promote, the zone is missing) exits 1 and is resumed by re-running. No credentials,
an unreachable endpoint, access denied or throttling that outlasted the retries are not the failover's fault:
re-running changes nothing until the operator fixes them, so they exit 2 with the cause and the step.
"""

from __future__ import annotations

from .aws_errors import InfrastructureError, is_infrastructure

__all__ = ["InfrastructureError", "infra_cause", "one_line"]

_THROTTLED = ("Throttl", "SlowDown", "TooManyRequests", "RequestLimitExceeded")


def infra_cause(error: BaseException) -> str | None:
    """One line naming what is wrong with the environment, or None when `error` is the step's own failure."""
    if not is_infrastructure(error):
        return None
    from botocore import exceptions as aws

    detail = f"{type(error).__name__}: {' '.join(str(error).split())}"
    if isinstance(error, aws.NoCredentialsError | aws.PartialCredentialsError | aws.CredentialRetrievalError):
        return f"no usable AWS credentials ({detail})"
    if isinstance(error, aws.ConnectionError | aws.ReadTimeoutError | aws.ConnectionClosedError):
        return f"AWS endpoint unreachable ({detail})"
    if isinstance(error, aws.ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        message = error.response.get("Error", {}).get("Message") or "no message"
        if any(word in code for word in _THROTTLED):
            attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
            return f"throttled by AWS after {attempts} attempts ({code}: {message})"
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if status >= 500 or code.startswith(("Internal", "ServiceUnavailable")):
            return f"AWS service error after retries ({code}: {message})"
        return f"access denied or credentials rejected ({code}: {message})"  # aws_errors' remaining codes
    return f"AWS client error ({detail})"


def one_line(error: BaseException) -> str:
    """`infra_cause`, or the error's own code and message for anything else."""
    cause = infra_cause(error)
    if cause:
        return cause
    response = getattr(error, "response", None)
    if isinstance(response, dict) and response.get("Error"):
        return f"{response['Error'].get('Code')}: {response['Error'].get('Message') or 'no message'}"
    return f"{type(error).__name__}: {' '.join(str(error).split())}"
