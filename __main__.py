"""The platform program: read the stack's config, build each concern, export what operators need."""

from __future__ import annotations

import pulumi

from components.cluster import (
    Cluster,
    ClusterAccess,
    ClusterAccessArgs,
    ClusterArgs,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from components.config.loader import load_platform_config
from components.config.secrets import read_secrets
from components.data import Backup, BackupArgs, Database, DatabaseArgs, Storage, StorageArgs
from components.data.storage import ALB_LOG_PREFIX
from components.kubernetes import (
    MONITORING_NAMESPACE,
    KubernetesBaseline,
    KubernetesBaselineArgs,
    MonitoringStack,
    MonitoringStackArgs,
)
from components.network import (
    DnsSecurity,
    DnsSecurityArgs,
    DrNetwork,
    DrNetworkArgs,
    Edge,
    EdgeArgs,
    Network,
    NetworkArgs,
    alb_access_logs,
)
from components.network.edge import HEALTH_CHECK_PATH
from components.observability import (
    Alerting,
    AlertingArgs,
    Budget,
    BudgetArgs,
    Monitoring,
    MonitoringArgs,
    PageLoadCanary,
    PageLoadCanaryArgs,
)
from components.observability.synthetics import page_load_alarm_name
from components.providers import account_id, kubernetes_provider, regional_providers
from components.security import (
    Access,
    AccessArgs,
    Audit,
    AuditArgs,
    Encryption,
    EncryptionArgs,
    ImageRegistry,
    ImageRegistryArgs,
    trail_name,
)

config = load_platform_config()
secrets = read_secrets()
providers = regional_providers(config)
primary = pulumi.ResourceOptions(providers={"aws": providers.primary})
in_dr = pulumi.ResourceOptions(providers={"aws": providers.dr}) if providers.dr else None
prefix = config.name_prefix
account = account_id(providers.primary)

# Core: keys, network, cluster, data.
keys = Encryption(
    f"{prefix}-keys", EncryptionArgs(config=config, account_id=account, dr_provider=providers.dr), primary
)
network = Network(f"{prefix}-network", NetworkArgs(config=config, logs_key_arn=keys.logs.arn), primary)
dr_network = (
    DrNetwork(f"{prefix}-dr-network", DrNetworkArgs(config=config, logs_key_arn=keys.dr_arn), in_dr)
    if config.database.dr_read_replica
    else None
)
cluster = Cluster(
    f"{prefix}-cluster",
    ClusterArgs(
        config=config,
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        secrets_key_arn=keys.secrets.arn,
        volume_key_arn=keys.data.arn,
        logs_key_arn=keys.logs.arn,
    ),
    primary,
)
database = Database(
    f"{prefix}-db",
    DatabaseArgs(
        config=config,
        vpc_id=network.vpc_id,
        subnet_ids=network.database_subnet_ids,
        client_cidrs=network.private_subnet_cidrs,
        data_key_arn=keys.data.arn,
        secrets_key_arn=keys.secrets.arn,
        logs_key_arn=keys.logs.arn,
        dr_key_arn=keys.dr_arn,
        dr_provider=providers.dr,
        dr_vpc_id=dr_network.vpc_id if dr_network else None,
        dr_subnet_ids=dr_network.database_subnet_ids if dr_network else None,
    ),
    primary,
)
storage = Storage(
    f"{prefix}-storage",
    StorageArgs(
        config=config,
        account_id=account,
        trail_name=trail_name(config),
        data_key_arn=keys.data.arn,
        logs_key_arn=keys.logs.arn,
        dr_key_arn=keys.dr_arn,
        dr_provider=providers.dr,
    ),
    primary,
)
backup = Backup(
    f"{prefix}-backup",
    BackupArgs(
        config=config,
        backups_key_arn=keys.backups.arn,
        dr_key_arn=keys.dr_arn,
        dr_provider=providers.dr,
        protected_resources={
            "database": database.arn,
            "data-bucket": storage.data_bucket.arn,
            "logs-bucket": storage.logs_bucket.arn,
        },
    ),
    primary,
)
edge = Edge(
    f"{prefix}-edge",
    EdgeArgs(
        config=config,
        vpc_id=network.vpc_id,
        vpc_cidr=network.vpc_cidr,
        public_subnet_ids=network.public_subnet_ids,
        cluster_security_group_id=cluster.cluster_security_group_id,
        logs_key_arn=keys.logs.arn,
        access_logs=alb_access_logs(storage.alb_logs_bucket, storage.alb_logs_bucket_policy, ALB_LOG_PREFIX),
    ),
    primary,
)

# Operations: alerting, audit, access, budget, alarms.
alerting = Alerting(
    f"{prefix}-alerting",
    AlertingArgs(
        config=config, account_id=account, key_arn=keys.alerts.arn, pagerduty_endpoint=secrets.pagerduty_endpoint
    ),
    primary,
)
topics = alerting.topic_arns
# The public zone's query log and DNSSEC signing (us-east-1); its alarms page through the critical topic.
dns = (
    DnsSecurity(
        f"{prefix}-dns",
        DnsSecurityArgs(
            config=config,
            account_id=account,
            zone_id=edge.zone_id,
            logs_key_arn=keys.logs.arn,
            critical_topic_arn=topics.get("critical"),
        ),
        primary,
    )
    if config.dns.query_logging or config.dns.dnssec
    else None
)
audit = Audit(
    f"{prefix}-audit",
    AuditArgs(
        config=config,
        account_id=account,
        logs_bucket_name=storage.logs_bucket.bucket,
        logs_key_arn=keys.logs.arn,
        critical_topic_arn=topics.get("critical"),
        warning_topic_arn=topics["warning"],
        topic_key_arn=keys.alerts.arn,
        trail_depends_on=[storage.logs_bucket_policy],
    ),
    primary,
)
access = Access(f"{prefix}-access", AccessArgs(config=config, account_id=account), primary)
# The application images: ECR repositories on the data key; Inspector's high findings page like GuardDuty's.
images = ImageRegistry(
    f"{prefix}-images",
    ImageRegistryArgs(
        config=config,
        key_arn=keys.data.arn,
        critical_topic_arn=topics.get("critical"),
        warning_topic_arn=topics["warning"],
    ),
    primary,
)
budget = Budget(f"{prefix}-budget", BudgetArgs(config=config, topic_arns=topics), primary)
# "Page load < 2 s p95": a Synthetics canary loads the public endpoint's health page through the load balancer.
page_load = (
    PageLoadCanary(
        f"{prefix}-page-load",
        PageLoadCanaryArgs(
            config=config,
            account_id=account,
            url=f"https://{config.ingress.domain_name}{HEALTH_CHECK_PATH}",
            topic_arns=topics,
            key_arn=keys.logs.arn,
            access_log_bucket=storage.logs_bucket.bucket,
            access_log_ready=storage.logs_bucket_policy,
        ),
        primary,
    )
    if config.observability.synthetics.enabled
    else None
)
monitoring = Monitoring(
    f"{prefix}-monitoring",
    MonitoringArgs(
        config=config,
        topic_arns=topics,
        cluster_name=cluster.cluster_name,
        node_group_asgs=cluster.node_group_asgs,
        db_identifier=database.identifier,
        dr_replica_identifier=database.replica_identifier,
        dr_provider=providers.dr,
        load_balancer_arn_suffix=edge.load_balancer_arn_suffix,
        target_group_arn_suffix=edge.target_group_arn_suffix,
        backup_vault_name=backup.vault_name,
        trail_log_group_name=audit.trail_log_group_name,
        break_glass_role_arn=access.role_arns["break-glass"],
        canary_name=page_load.canary.name if page_load else None,
    ),
    primary,
)

# Kubernetes: workload identity, baseline, monitoring stack.
identity = WorkloadIdentity(
    f"{prefix}-workload-identity",
    WorkloadIdentityArgs(
        config=config,
        cluster_name=cluster.cluster_name,
        oidc_issuer=cluster.oidc_issuer,
        alert_topic_arns=topics,
        alert_key_arn=keys.alerts.arn,
        volume_key_arn=keys.data.arn,
        logs_key_arn=keys.logs.arn,
    ),
    primary,
)
cluster_access = ClusterAccess(
    f"{prefix}-cluster-access",
    ClusterAccessArgs(config=config, cluster_name=cluster.cluster_name, role_arns=access.cluster_role_arns),
    primary,
)
k8s = kubernetes_provider(
    config, cluster.cluster_name, cluster.endpoint, cluster.certificate_authority, access_entries=cluster_access.ready
)
baseline = KubernetesBaseline(
    f"{prefix}-k8s-baseline",
    KubernetesBaselineArgs(
        config=config,
        k8s_provider=k8s,
        public_subnet_cidrs=network.public_subnet_cidrs,
        cluster_access=cluster_access.ready,
    ),
)
MonitoringStack(
    f"{prefix}-k8s-monitoring",
    MonitoringStackArgs(
        config=config,
        k8s_provider=k8s,
        namespace=baseline.namespaces[MONITORING_NAMESPACE].metadata.name,
        alert_topic_arns=topics,
        region=config.primary_region,
        alertmanager_role_arn=identity.alertmanager_role_arn,
        grafana_role_arn=identity.grafana_role_arn,
        volume_kms_key_arn=keys.data.arn,
        prerequisites=[baseline, identity.ebs_csi_addon, *cluster.node_groups.values()],
        cluster_access=cluster_access.ready,
    ),
)

pulumi.export("tier", config.tier.value)
pulumi.export("primaryRegion", config.primary_region)
pulumi.export("drRegion", config.dr_region)
pulumi.export("availabilityTarget", config.availability_target)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("availabilityZones", network.availability_zones)
pulumi.export("availabilityZoneIds", network.availability_zone_ids)
pulumi.export("clusterName", cluster.cluster_name)
pulumi.export("clusterEndpoint", cluster.endpoint)
pulumi.export("databaseIdentifier", database.identifier)
pulumi.export("databaseArn", database.arn)
pulumi.export("databaseEndpoint", database.endpoint)
pulumi.export("databaseMasterSecretArn", database.master_secret_arn)
pulumi.export("databaseReplicaIdentifier", database.replica_identifier)
pulumi.export("dataBucket", storage.data_bucket.bucket)
pulumi.export("logsBucket", storage.logs_bucket.bucket)
pulumi.export("backupVaultName", backup.vault_name)
pulumi.export("backupVaultArn", backup.vault_arn)
pulumi.export("backupKeyArn", keys.backups.arn)
pulumi.export("drBackupVaultArn", backup.dr_vault_arn)
pulumi.export("backupPlanId", backup.plan_id)
pulumi.export("hostedZoneId", edge.zone_id)
pulumi.export("nameServers", edge.name_servers)
# The DS record to add at the parent zone once (docs/first-deploy.md).
if dns is not None and dns.ds_record is not None:
    pulumi.export("dnssecDsRecord", dns.ds_record)
pulumi.export("alertTopicArns", topics)
# What `platformctl bake` watches after a deploy (docs/rollback.md): a list, so other components' critical
# alarms (e.g. a canary's) are added to it here.
# What `platformctl bake` watches after a deploy: critical health alarms and the SLO alarms (page load too).
rollback_alarms = [*monitoring.critical_alarm_names, *([page_load_alarm_name(config)] if page_load else [])]
pulumi.export("criticalAlarmNames", sorted(rollback_alarms))
pulumi.export("roleArns", access.role_arns)
pulumi.export("githubOidcProviderArn", access.github_oidc_provider_arn)
pulumi.export("guardDutyDetectorId", audit.detector_id)
pulumi.export("imageRepositoryUrls", images.repository_urls)
pulumi.export("budgetName", budget.budget_name)
pulumi.export("budgetLimitUsd", budget.limit_usd)
