"""Encryption at rest (data stores, service data, KMS keys) and in transit (S3, PostgreSQL, load balancers)."""

from __future__ import annotations

from . import data_stores, in_transit, service_data

RULES = [*data_stores.RULES, *service_data.RULES, *in_transit.RULES]
