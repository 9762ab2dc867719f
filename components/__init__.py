"""The platform program's building blocks, one subpackage per concern; `__main__.py` composes them.

Where a resource type token's component lives:

    platform:network:Network, platform:network:DrNetwork    network/network.py, network/dr_network.py
    platform:edge:Edge                                      network/edge.py
    platform:dns:DnsSecurity                                network/dns_security.py
    platform:edge:WebFirewall                               network/web_firewall.py (a child of the Edge)
    platform:database:Database                              data/database.py
    platform:storage:Storage                                data/storage.py
    platform:backup:Backup                                  data/backup.py
    platform:cluster:Cluster, ClusterAccess,                cluster/cluster.py, cluster/cluster_access.py,
      WorkloadIdentity                                        cluster/workload_identity.py
    platform:encryption:Encryption                          security/encryption.py
    platform:audit:Audit                                    security/audit.py
    platform:access:Access                                  security/access.py
    platform:images:ImageRegistry                           security/images.py
    platform:monitoring:Monitoring                          observability/cloudwatch_monitoring.py
    platform:alerting:Alerting                              observability/alerting.py
    platform:budget:Budget                                  observability/budget.py
    platform:observability:PageLoadCanary                   observability/synthetics.py
    platform:kubernetes:KubernetesBaseline                  kubernetes/baseline.py
    platform:kubernetes:MonitoringStack                     kubernetes/prometheus_stack.py

The stack's configuration (model, tier defaults, loader) is in config/; the AWS and Kubernetes providers in
providers.py and the IAM documents several components write in iam.py, at the top because every concern
uses them. Beyond those, one concern imports another only here: kubernetes reads network (the ingress port),
cluster reads kubernetes (the service accounts it trusts) and security (the Identity Center role path),
observability reads data (the hardened bucket and access-log prefix of the canary's artifacts bucket).
"""
