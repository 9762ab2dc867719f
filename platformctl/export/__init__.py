"""Exports of the offline preview for the industry's scanners: a Terraform plan (`terraform show -json`) per stack."""
