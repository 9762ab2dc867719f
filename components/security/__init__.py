"""Keys, audit and access: the customer-managed KMS keys per data class (platform:encryption:Encryption),
CloudTrail and GuardDuty (platform:audit:Audit) and the IAM roles of people and pipelines with their policy
documents (platform:access:Access, access_policies.py), and the ECR repositories of the application images
with Inspector's findings routed to alerting (platform:images:ImageRegistry)."""

from __future__ import annotations

from .access import Access, AccessArgs
from .audit import Audit, AuditArgs, trail_name
from .encryption import Encryption, EncryptionArgs
from .images import ImageRegistry, ImageRegistryArgs

__all__ = [
    "Access",
    "AccessArgs",
    "Audit",
    "AuditArgs",
    "Encryption",
    "EncryptionArgs",
    "ImageRegistry",
    "ImageRegistryArgs",
    "trail_name",
]
