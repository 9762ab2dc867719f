"""Operations on deployed stacks through AWS: the backup audit, the DR drill and the regional failover."""
