"""Resilience: backups (retention, frequency, copies, locks, coverage), the infrastructure's own safeguards and
what the database shows its operators (monitoring, log exports, slow queries)."""

from __future__ import annotations

from . import backup_coverage, backups, database_observability, infrastructure

RULES = [*backups.RULES, *backup_coverage.RULES, *infrastructure.RULES, *database_observability.RULES]
