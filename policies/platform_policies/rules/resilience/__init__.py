"""Resilience: backups (retention, frequency, copies, locks, coverage), the infrastructure's own safeguards and
what the database shows its operators (monitoring, log exports, slow queries), and the page-load canary that
watches the public endpoint as users see it."""

from __future__ import annotations

from . import backup_coverage, backups, database_observability, infrastructure, synthetic_monitoring

RULES = [
    *backups.RULES,
    *backup_coverage.RULES,
    *infrastructure.RULES,
    *database_observability.RULES,
    *synthetic_monitoring.RULES,
]
