"""The monthly cost of previewed stacks, as tables, JSON and a pull-request summary."""
