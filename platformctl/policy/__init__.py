"""CrossGuard policy packs run over an offline preview, as the Pulumi CLI runs them, and their reports."""
