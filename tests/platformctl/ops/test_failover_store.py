"""The failover bucket as `dr failover` uses it: where it is, and writes that never overwrite blindly."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.ops.failover_state import Identity
from platformctl.ops.failover_store import DEFAULT_SOURCE, Conflict, Location, SharedStore, locate, parse_location
from tests.platformctl.ops.failover_stack import ACCOUNT, FAILOVER_BUCKET, seed_failover_bucket
from tests.platformctl.ops.rds_stack import DB, DR_REGION


def test_the_default_bucket_is_bootstraps_in_the_dr_region_of_the_outputs() -> None:
    outputs = {
        "databaseArn": f"arn:aws:rds:us-east-1:{ACCOUNT}:db:{DB}",
        "drRegion": "eu-west-1",
        "databaseIdentifier": DB,
    }
    identity = Identity.from_outputs("prod", outputs, Path("o.json"))
    assert locate(None, identity.account, identity.region) == Location(
        f"platform-failover-{ACCOUNT}-eu-west-1", "", "eu-west-1", DEFAULT_SOURCE
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("my-state", Location("my-state", "", DR_REGION, "--state-bucket")),
        ("s3://my-state", Location("my-state", "", DR_REGION, "--state-bucket")),
        (
            "s3://my-state/team-a/?region=eu-west-1&awssdk=v2",
            Location("my-state", "team-a", "eu-west-1", "--state-bucket"),
        ),
    ],
)
def test_the_option_names_any_bucket_reached_in_the_dr_region_unless_it_says_otherwise(
    value: str, expected: Location
) -> None:
    assert locate(value, ACCOUNT, DR_REGION) == expected
    assert expected.key("prod", "lock.json").endswith("platformctl/dr-failover/prod/lock.json")


@pytest.mark.parametrize(("value", "named"), [("gs://x-y-z", "not an S3 location"), ("My_Bucket", "not an S3 bucket")])
def test_what_is_not_a_bucket_is_refused_naming_it(value: str, named: str) -> None:
    with pytest.raises(UsageError, match=named) as raised:
        parse_location(value, "--state-bucket", DR_REGION)
    assert repr(value) in str(raised.value)


def test_writes_are_conditional_even_across_a_delete_marker(aws: str) -> None:
    seed_failover_bucket()  # versioned: a delete leaves a marker, and the key must count as free again
    store = SharedStore(locate(None, ACCOUNT, DR_REGION), "prod")
    assert store.location.bucket == FAILOVER_BUCKET
    first = store.write(store.lock_key, b"{}", None)
    with pytest.raises(Conflict):
        store.write(store.lock_key, b"{}", None)  # already there
    with pytest.raises(Conflict):
        store.delete(store.lock_key, '"not-its-etag"')
    store.delete(store.lock_key, first)
    assert store.read(store.lock_key) == (None, None)
    second = store.write(store.lock_key, b'{"again": true}', None)
    with pytest.raises(Conflict):
        store.write(store.lock_key, b"{}", first)  # replacing a version that is no longer current
    assert store.read(store.lock_key) == (b'{"again": true}', second)
