"""Where the platform's data lives and how it survives: the RDS PostgreSQL instance and its DR replica
(platform:database:Database), the S3 data and log buckets (platform:storage:Storage) and AWS Backup's vaults
and plan over both (platform:backup:Backup). The buckets' policy documents are in bucket_policies.py."""

from __future__ import annotations

from .backup import Backup, BackupArgs
from .database import Database, DatabaseArgs
from .storage import Storage, StorageArgs

__all__ = ["Backup", "BackupArgs", "Database", "DatabaseArgs", "Storage", "StorageArgs"]
