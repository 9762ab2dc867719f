"""Resilience: backups (retention, frequency, copies, locks, coverage) and the infrastructure's own safeguards."""

from __future__ import annotations

from . import backup_coverage, backups, infrastructure

RULES = [*backups.RULES, *backup_coverage.RULES, *infrastructure.RULES]
