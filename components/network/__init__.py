"""The networks and the public edge: the primary VPC (platform:network:Network), the DR region's isolated VPC
(platform:network:DrNetwork) and the load balancer, certificate and DNS zone in front of the cluster
(platform:edge:Edge), with its access logs and the WAF web ACL in front of it (platform:edge:WebFirewall,
web_firewall.py), and the public zone's query logging and DNSSEC (platform:dns:DnsSecurity,
dns_security.py). zones.py picks the availability zones, by zone ID, for both VPCs."""

from __future__ import annotations

from .dns_security import DnsSecurity, DnsSecurityArgs
from .dr_network import DrNetwork, DrNetworkArgs
from .edge import AccessLogs, Edge, EdgeArgs, alb_access_logs
from .network import Network, NetworkArgs

__all__ = [
    "AccessLogs",
    "DnsSecurity",
    "DnsSecurityArgs",
    "DrNetwork",
    "DrNetworkArgs",
    "Edge",
    "EdgeArgs",
    "Network",
    "NetworkArgs",
    "alb_access_logs",
]
