"""Kubernetes: how workloads run (sizing, privileges, user) and what namespaces hold (quotas, default-deny, PDBs)."""

from __future__ import annotations

from . import namespaces, workloads

RULES = [*workloads.RULES, *namespaces.RULES]
