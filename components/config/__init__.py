"""The stack's configuration: the pydantic model (model.py, with infrastructure.py and operations.py for its
sections), the tier defaults in stack-file form (defaults.py, its documented facts from platform_core.tiers),
the loader that merges a stack file onto them and reports every mistake at once (loader.py), and the secrets,
which never enter the model (secrets.py)."""
