"""The platform program: read the stack's config, build each concern, export what operators need."""

import pulumi

from components.backup import Backup, BackupArgs
from components.cluster import Cluster, ClusterArgs
from components.config_loader import load_platform_config
from components.database import Database, DatabaseArgs
from components.encryption import Encryption, EncryptionArgs
from components.network import Network, NetworkArgs
from components.providers import account_id, regional_providers
from components.storage import Storage, StorageArgs

config = load_platform_config()
providers = regional_providers(config)
primary = pulumi.ResourceOptions(providers={"aws": providers.primary})
prefix = config.name_prefix
account = account_id(providers.primary)

keys = Encryption(f"{prefix}-keys", EncryptionArgs(
    config=config, account_id=account, dr_provider=providers.dr), primary)
network = Network(f"{prefix}-network", NetworkArgs(config=config, logs_key_arn=keys.logs.arn), primary)
cluster = Cluster(f"{prefix}-cluster", ClusterArgs(
    config=config, vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids,
    secrets_key_arn=keys.secrets.arn, volume_key_arn=keys.data.arn, logs_key_arn=keys.logs.arn), primary)
database = Database(f"{prefix}-db", DatabaseArgs(
    config=config, vpc_id=network.vpc_id, subnet_ids=network.database_subnet_ids,
    client_cidrs=network.private_subnet_cidrs, data_key_arn=keys.data.arn, secrets_key_arn=keys.secrets.arn,
    logs_key_arn=keys.logs.arn, dr_key_arn=keys.dr_arn, dr_provider=providers.dr), primary)
storage = Storage(f"{prefix}-storage", StorageArgs(
    config=config, account_id=account, data_key_arn=keys.data.arn, logs_key_arn=keys.logs.arn,
    dr_key_arn=keys.dr_arn, dr_provider=providers.dr), primary)
backup = Backup(f"{prefix}-backup", BackupArgs(
    config=config, backups_key_arn=keys.backups.arn, dr_key_arn=keys.dr_arn, dr_provider=providers.dr,
    protected_resources={"database": database.arn, "data-bucket": storage.data_bucket.arn,
                         "logs-bucket": storage.logs_bucket.arn}), primary)

pulumi.export("tier", config.tier.value)
pulumi.export("primaryRegion", config.primary_region)
pulumi.export("drRegion", config.dr_region)
pulumi.export("availabilityTarget", config.availability_target)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("availabilityZones", network.availability_zones)
pulumi.export("clusterName", cluster.cluster_name)
pulumi.export("clusterEndpoint", cluster.endpoint)
pulumi.export("databaseIdentifier", database.identifier)
pulumi.export("databaseArn", database.arn)
pulumi.export("databaseEndpoint", database.endpoint)
pulumi.export("databaseMasterSecretArn", database.master_secret_arn)
pulumi.export("dataBucket", storage.data_bucket.bucket)
pulumi.export("logsBucket", storage.logs_bucket.bucket)
pulumi.export("backupVaultName", backup.vault_name)
pulumi.export("backupVaultArn", backup.vault_arn)
pulumi.export("drBackupVaultArn", backup.dr_vault_arn)
pulumi.export("backupPlanId", backup.plan_id)
