"""`platformctl scan`: third-party scanners (Checkov) on the Terraform-plan export, against a reviewed baseline."""
