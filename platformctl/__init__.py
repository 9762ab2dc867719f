"""platformctl: the operator CLI of the platform program (offline preview and, later, policy, cost and ops)."""
