"""Security: network exposure (databases, buckets, API endpoints, ingress, metadata), identity and audit."""

from __future__ import annotations

from . import exposure, identity

RULES = [*exposure.RULES, *identity.RULES]
