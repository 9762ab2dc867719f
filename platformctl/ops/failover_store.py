"""Where a failover keeps its lock and progress: bootstrap/'s failover bucket in the DR region.

A failover runs when the primary region is failing, so the lock cannot live in the Pulumi state bucket there:
bootstrap/ creates `platform-failover-<account>-<drRegion>` in the DR region, and the bucket name is derived
from the stack outputs (the account of databaseArn, drRegion), so no flag names it; `--state-bucket` names
another. The bucket is versioned (the failover's history is kept), default-encrypted with its own KMS key in
the DR region (alias/platform-failover-locks), and denies plain HTTP and TLS older than 1.2. boto3 speaks
TLS 1.2+ by default; no SSE header is sent because `aws:kms` without a key id would pick the account's aws/s3
key instead of the bucket's default (writing needs kms:GenerateDataKey on it). Writes are conditional
(If-None-Match / If-Match), so two runs cannot both take the lock nor overwrite each other's progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from platform_core.errors import UsageError

from .failover_errors import InfrastructureError
from .outputs import aws_client

KEY_PREFIX = "platformctl/dr-failover"
FAILOVER_KEY_ALIAS = "alias/platform-failover-locks"  # bootstrap/'s key of the failover bucket
DEFAULT_SOURCE = "the DR-region failover bucket"
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_CONFLICT = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey", "412", "409"})


class Conflict(Exception):
    """A conditional write or delete found the object changed (or gone, or already there)."""


@dataclass(frozen=True)
class Location:
    bucket: str
    prefix: str
    region: str
    source: str  # "--state-bucket" or DEFAULT_SOURCE, for messages

    def key(self, stack: str, name: str) -> str:
        return "/".join(part for part in (self.prefix, KEY_PREFIX, stack, name) if part)

    @property
    def given(self) -> bool:
        return self.source == "--state-bucket"


def failover_bucket(account: str, dr_region: str) -> str:
    """The name bootstrap/ gives the failover bucket (bootstrap/__main__.py)."""
    return f"platform-failover-{account}-{dr_region}"


def locate(option: str | None, account: str, dr_region: str) -> Location:
    """--state-bucket when given, else the account's failover bucket; either way reached in the DR region."""
    if option:
        return parse_location(option, "--state-bucket", dr_region)
    return Location(failover_bucket(account, dr_region), "", dr_region, DEFAULT_SOURCE)


def parse_location(value: str, source: str, default_region: str) -> Location:
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
    return Location(bucket, prefix, region or default_region, source)


class SharedStore:
    """JSON objects of one stack's failover in the failover bucket, read and written with preconditions."""

    def __init__(self, location: Location, stack: str, s3: Any = None) -> None:
        self.location = location
        self.lock_key = location.key(stack, "lock.json")
        self.state_key = location.key(stack, "state.json")
        self.s3 = s3 or aws_client("s3", location.region)

    def url(self, key: str) -> str:
        return f"s3://{self.location.bucket}/{key}"

    def check(self) -> None:
        """UsageError for a bucket that does not exist; other AWS errors propagate for the caller to name."""
        from botocore.exceptions import ClientError

        try:
            self.s3.head_bucket(Bucket=self.location.bucket)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("404", "NoSuchBucket"):
                raise UsageError(self._missing()) from None
            if code == "403":  # a HEAD response has no body, hence no error code to classify
                raise InfrastructureError(self._denied()) from None
            raise

    def _name(self) -> str:
        return f"{self.location.source} {self.location.bucket!r} ({self.location.region})"

    def _missing(self) -> str:
        if self.location.given:
            return (
                f"{self._name()} does not exist (HeadBucket: 404); name an existing bucket, or leave --state-bucket "
                "out to use the DR-region failover bucket bootstrap/ creates"
            )
        return (
            f"{self._name()} does not exist (HeadBucket: 404). It holds the failover's lock and progress outside "
            f"the primary region; bootstrap/ creates it: `pulumi up` in bootstrap/ with bootstrap:drRegion set to "
            f"{self.location.region} (the stack's drRegion output; stack output failoverBucket, see "
            "bootstrap/README.md), or pass --state-bucket <bucket>"
        )

    def _denied(self) -> str:
        key = "its default-encryption key" if self.location.given else f"its key {FAILOVER_KEY_ALIAS}"
        return (
            f"{self._name()}: access denied (HeadBucket: 403); the failover needs s3:ListBucket on it, "
            f"s3:GetObject, s3:PutObject and s3:DeleteObject on its objects, and kms:GenerateDataKey and "
            f"kms:Decrypt on {key} in {self.location.region}"
        )

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
