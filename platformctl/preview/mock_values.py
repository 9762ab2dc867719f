"""The values every offline answer derives from: the mocks' account and AZs, and stable digests of a name.

Resource mocks (mocks.py) and invoke answers (mock_invokes.py) both build on these, so an invoke and a resource
describing the same thing (a zone, an account) agree.
"""

from __future__ import annotations

import hashlib

from .aws_limits import RANDOM_CHARS

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
_AZ_SUFFIXES = {"us-east-1": "abcdef", "us-west-2": "abcd"}  # most regions have three


def digest(typ: str, name: str, length: int) -> str:
    return hashlib.sha256(f"{typ}\0{name}".encode()).hexdigest()[:length]


def availability_zones(region: str) -> list[str]:
    return [f"{region}{suffix}" for suffix in _AZ_SUFFIXES.get(region, "abc")]


def random_suffix(typ: str, name: str) -> str:
    """The 7 random hex characters of Pulumi's auto-name, stable per type and logical name offline."""
    return digest(typ, name, RANDOM_CHARS)


def zone_id(hex32: str) -> str:
    return "Z0" + hex32[:19].upper()


def name_servers(hex16: str) -> list[str]:
    """Four servers of one delegation set, one per TLD, as Route 53 assigns them."""
    return [
        f"ns-{int(hex16[i : i + 3], 16) % 2048}.awsdns-{n}.{tld}"
        for n, (i, tld) in enumerate([(0, "com"), (3, "net"), (6, "org"), (9, "co.uk")])
    ]
