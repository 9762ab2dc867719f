"""Security: network exposure (databases, buckets, API endpoints, ingress, metadata), VPC baseline (flow logs,
the default security group), identity, audit, S3 server access logging, the public edge (ALB access logs, WAF),
the public DNS zone (query logging, DNSSEC) and the container image repositories (scan on push, immutable tags,
customer-managed key, lifecycle policy)."""

from __future__ import annotations

from . import (
    audit_delivery,
    bucket_logging,
    container_images,
    dns,
    edge_protection,
    exposure,
    identity,
    instance_metadata,
    network_hardening,
)

RULES = [
    *exposure.RULES,
    *instance_metadata.RULES,
    *identity.RULES,
    *audit_delivery.RULES,
    *network_hardening.RULES,
    *dns.RULES,
    *bucket_logging.RULES,
    *edge_protection.RULES,
    *container_images.RULES,
]
