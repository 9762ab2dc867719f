"""The state bucket as `dr failover` uses it: where it is named, and writes that never overwrite blindly."""

from __future__ import annotations

import pytest

from platform_core.errors import UsageError
from platformctl.ops.failover_store import Conflict, Location, SharedStore, parse_location, resolve_location
from tests.platformctl.ops.failover_stack import STATE_BUCKET, seed_state_bucket


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("my-state", Location("my-state", "", None, "--state-bucket")),
        ("s3://my-state", Location("my-state", "", None, "--state-bucket")),
        (
            "s3://my-state/team-a/?region=eu-west-1&awssdk=v2",
            Location("my-state", "team-a", "eu-west-1", "--state-bucket"),
        ),
    ],
)
def test_a_bucket_is_named_like_pulumi_login_names_it(value: str, expected: Location) -> None:
    assert parse_location(value, "--state-bucket") == expected
    assert expected.key("prod", "lock.json").endswith("platformctl/dr-failover/prod/lock.json")


@pytest.mark.parametrize(("value", "named"), [("gs://x-y-z", "not an S3 location"), ("My_Bucket", "not an S3 bucket")])
def test_what_is_not_a_bucket_is_refused_naming_it(value: str, named: str) -> None:
    with pytest.raises(UsageError, match=named) as raised:
        parse_location(value, "--state-bucket")
    assert repr(value) in str(raised.value)


def test_the_option_wins_over_the_backend_url_and_a_dry_run_needs_neither() -> None:
    environ = {"PULUMI_BACKEND_URL": "s3://from-login"}
    assert resolve_location("from-option", required=True, environ=environ) == parse_location(
        "from-option", "--state-bucket"
    )
    assert resolve_location(None, required=True, environ=environ) == parse_location(
        "s3://from-login", "PULUMI_BACKEND_URL"
    )
    assert resolve_location(None, required=False, environ={"PULUMI_BACKEND_URL": "file://~"}) is None
    with pytest.raises(UsageError, match=r"--state-bucket <bucket>.*PULUMI_BACKEND_URL=s3://<bucket>.*neither is set"):
        resolve_location(None, required=True, environ={})


def test_writes_are_conditional_even_across_a_delete_marker(aws: str) -> None:
    seed_state_bucket()  # versioned: a delete leaves a marker, and the key must count as free again
    store = SharedStore(parse_location(STATE_BUCKET, "--state-bucket"), "prod")
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
