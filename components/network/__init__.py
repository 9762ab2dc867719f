"""The networks and the public edge: the primary VPC (platform:network:Network), the DR region's isolated VPC
(platform:network:DrNetwork) and the load balancer, certificate and DNS zone in front of the cluster
(platform:edge:Edge). zones.py picks the availability zones, by zone ID, for both VPCs."""

from __future__ import annotations

from .dr_network import DrNetwork, DrNetworkArgs
from .edge import Edge, EdgeArgs
from .network import Network, NetworkArgs

__all__ = ["DrNetwork", "DrNetworkArgs", "Edge", "EdgeArgs", "Network", "NetworkArgs"]
