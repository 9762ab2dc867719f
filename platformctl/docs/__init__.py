"""Documentation generated from the platform's own model."""
