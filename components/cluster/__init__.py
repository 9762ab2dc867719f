"""The EKS cluster and who may use it: control plane and node groups (platform:cluster:Cluster), the access
entries of the platform's roles (platform:cluster:ClusterAccess) and the IRSA roles and add-ons of the
in-cluster services (platform:cluster:WorkloadIdentity)."""

from __future__ import annotations

from .cluster import Cluster, ClusterArgs
from .cluster_access import ClusterAccess, ClusterAccessArgs
from .workload_identity import WorkloadIdentity, WorkloadIdentityArgs

__all__ = [
    "Cluster",
    "ClusterAccess",
    "ClusterAccessArgs",
    "ClusterArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
]
