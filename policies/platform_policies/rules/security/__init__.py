"""Security: network exposure (databases, buckets, API endpoints, ingress, metadata), VPC baseline (flow logs,
the default security group), identity and audit."""

from __future__ import annotations

from . import audit_delivery, exposure, identity, instance_metadata, network_hardening

RULES = [*exposure.RULES, *instance_metadata.RULES, *identity.RULES, *audit_delivery.RULES, *network_hardening.RULES]
