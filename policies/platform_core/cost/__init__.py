"""The offline cost estimator: list prices (pricebook.yaml), usage per tier (usage.yaml), and the
arithmetic from registered resources to a monthly range."""
