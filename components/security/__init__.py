"""Keys, audit and access: the customer-managed KMS keys per data class (platform:encryption:Encryption),
CloudTrail and GuardDuty (platform:audit:Audit) and the IAM roles of people and pipelines with their policy
documents (platform:access:Access, access_policies.py)."""

from __future__ import annotations

from .access import Access, AccessArgs
from .audit import Audit, AuditArgs, trail_name
from .encryption import Encryption, EncryptionArgs

__all__ = ["Access", "AccessArgs", "Audit", "AuditArgs", "Encryption", "EncryptionArgs", "trail_name"]
