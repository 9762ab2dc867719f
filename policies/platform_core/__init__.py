"""The platform's shared core: tier facts, AWS cron parsing and the cost estimator.

No Pulumi dependency, so the program, the policy pack, the operator CLI and the tests all import it.
It lives inside the policy pack's folder because `pulumi policy publish` uploads that folder alone; the
repository installs it for everyone else (pyproject.toml).
"""
