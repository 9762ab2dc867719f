"""Where a failover keeps its lock and progress: the Pulumi state bucket every operator already uses.

The bucket is bootstrap/'s: versioned (every state write is a version, so the failover's history is kept),
default-encrypted with the platform's state KMS key, and a bucket policy that denies plain HTTP and TLS
older than 1.2. boto3 speaks TLS 1.2+ by default; no SSE header is sent because `aws:kms` without a key id
would pick the account's aws/s3 key instead of the bucket's default, the state key (writing needs
kms:GenerateDataKey on it, as `pulumi up` does). Writes are conditional (If-None-Match / If-Match), so two
runs cannot both take the lock nor overwrite each other's progress.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from platform_core.errors import UsageError

from .failover_errors import InfrastructureError
from .outputs import aws_client

KEY_PREFIX = "platformctl/dr-failover"
DEFAULT_REGION = "us-east-1"  # S3 redirects a request sent to the wrong region; this only picks a first try
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_CONFLICT = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409"})
HOW_TO_NAME = (
    "pass --state-bucket <bucket> (the bootstrap's stateBucket output) or set PULUMI_BACKEND_URL=s3://<bucket> "
    "as for `pulumi login`"
)


class Conflict(Exception):
    """A conditional write or delete found the object changed (or gone, or already there)."""


@dataclass(frozen=True)
class Location:
    bucket: str
    prefix: str
    region: str | None
    source: str  # the option or variable it came from, for messages

    def key(self, stack: str, name: str) -> str:
        return "/".join(part for part in (self.prefix, KEY_PREFIX, stack, name) if part)


def parse_location(value: str, source: str) -> Location:
    """`bucket` or `s3://bucket[/prefix][?region=R]` (a Pulumi backend URL); UsageError naming `source`."""
    text = value.strip()
    bucket, prefix, region = text, "", None
    if "://" in text:
        url = urlsplit(text)
        if url.scheme != "s3":
            raise UsageError(
                f"{source} {value!r}: not an S3 location; expected <bucket> or s3://<bucket>[/<prefix>][?region=<r>]"
            )
        bucket, prefix = url.netloc, url.path.strip("/")
        region = next(iter(parse_qs(url.query).get("region", [])), None)
    if not _BUCKET_NAME.match(bucket):
        raise UsageError(
            f"{source} {value!r}: {bucket!r} is not an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)"
        )
    return Location(bucket, prefix, region, source)


def resolve_location(
    option: str | None, *, required: bool, environ: Mapping[str, str] | None = None
) -> Location | None:
    """--state-bucket, else PULUMI_BACKEND_URL when it is an s3:// URL; None, or UsageError if `required`."""
    environ = os.environ if environ is None else environ
    if option:
        return parse_location(option, "--state-bucket")
    backend = environ.get("PULUMI_BACKEND_URL", "").strip()
    if backend.startswith("s3://"):
        return parse_location(backend, "PULUMI_BACKEND_URL")
    if not required:
        return None
    found = f"PULUMI_BACKEND_URL is {backend!r}, not an s3:// URL" if backend else "neither is set"
    raise UsageError(
        f"--execute and --break-lock keep the lock and progress in the shared state bucket, so that one operator "
        f"at a time fails a stack over and another can resume: {HOW_TO_NAME} ({found})"
    )


def require_location(option: str | None, environ: Mapping[str, str] | None = None) -> Location:
    location = resolve_location(option, required=True, environ=environ)
    assert location is not None  # required=True raises instead of returning None
    return location


class SharedStore:
    """JSON objects of one stack's failover in the state bucket, read and written with preconditions."""

    def __init__(self, location: Location, stack: str, s3: Any = None) -> None:
        self.location = location
        self.lock_key = location.key(stack, "lock.json")
        self.state_key = location.key(stack, "state.json")
        self.s3 = s3 or aws_client("s3", location.region or DEFAULT_REGION)

    def url(self, key: str) -> str:
        return f"s3://{self.location.bucket}/{key}"

    def check(self) -> None:
        """UsageError for a bucket that does not exist; other AWS errors propagate for the caller to name."""
        from botocore.exceptions import ClientError

        try:
            self.s3.head_bucket(Bucket=self.location.bucket)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            name = f"{self.location.source} bucket {self.location.bucket!r}"
            if code in ("404", "NoSuchBucket"):
                raise UsageError(f"{name} does not exist (HeadBucket: 404); {HOW_TO_NAME}") from None
            if code == "403":  # a HEAD response has no body, hence no error code to classify
                raise InfrastructureError(
                    f"{name}: access denied (HeadBucket: 403); the failover needs s3:GetObject, s3:PutObject, "
                    "s3:DeleteObject and s3:ListBucket on it, and kms:GenerateDataKey/Decrypt on its key"
                ) from None
            raise

    def read(self, key: str) -> tuple[bytes | None, str | None]:
        """The object's body and ETag; (None, None) when there is none."""
        from botocore.exceptions import ClientError

        try:
            got = self.s3.get_object(Bucket=self.location.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchKey":
                return None, None
            raise
        return got["Body"].read(), got["ETag"]

    def write(self, key: str, body: bytes, etag: str | None) -> str:
        """Create (`etag` None: only if absent) or replace (only if still `etag`); the new ETag, else Conflict."""
        condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        put = self._conditional(
            self.s3.put_object,
            Bucket=self.location.bucket,
            Key=key,
            Body=body,
            ContentType="application/json",
            **condition,
        )
        return str(put["ETag"])

    def delete(self, key: str, etag: str) -> None:
        """Delete only the version that has `etag`, else Conflict (someone replaced or removed it)."""
        self._conditional(self.s3.delete_object, Bucket=self.location.bucket, Key=key, IfMatch=etag)

    @staticmethod
    def _conditional(call: Any, **params: Any) -> Any:
        from botocore.exceptions import ClientError

        try:
            return call(**params)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _CONFLICT:
                raise Conflict(error.response["Error"].get("Message", "")) from None
            raise
