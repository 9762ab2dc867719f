"""Security rule for instance metadata reach: node launch templates keep IMDS to the node itself."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ...framework import Resource, Rule
from ...resource_types import LAUNCH_TEMPLATE
from ...values import as_int

# A pod's packet to IMDS crosses one hop more than the node's own: hop limit 1 keeps pods from the instance role.
MAX_HOP_LIMIT = 1


def _check_hop_limit(resource: Resource, config: Mapping[str, Any]) -> Iterator[str]:
    if resource.get("metadataOptions", "httpEndpoint") == "disabled":
        return
    allowed = as_int(config.get("maxHopLimit", MAX_HOP_LIMIT)) or MAX_HOP_LIMIT
    hops = as_int(resource.get("metadataOptions", "httpPutResponseHopLimit"))
    # Unset: EC2 takes the AMI's default, which is 2 for the EKS AL2023 AMIs, so unset is no proof of 1.
    if hops is None or hops > allowed:
        shown = "not set (the AMI default applies)" if hops is None else str(hops)
        yield (
            f"metadataOptions.httpPutResponseHopLimit is {shown}; above {allowed} pods can reach IMDS and take "
            "the node's instance role"
        )


RULES: list[Rule] = [
    Rule(
        name="node-imds-hop-limit-one",
        description="Launch templates set the IMDS PUT response hop limit to 1, so pods cannot reach the node's "
        "instance role through instance metadata.",
        severity="high",
        remediation='Set `metadata_options={"http_tokens": "required", "http_put_response_hop_limit": 1}` on '
        "aws.ec2.LaunchTemplate and give pods AWS access through IRSA or EKS Pod Identity. A workload that "
        "must read IMDS from a pod (platform:cluster.nodeGroups.metadataHopLimit 2 with its "
        "metadataHopLimitReason) needs an exemption in policies/exemptions.yaml carrying that reason: this "
        "rule cannot see it.",
        soc2=("CC6.1", "CC6.3"),
        # No CIS control names this; the CIS IMDS control (5.6) is imdsv2-required's.
        config={"maxHopLimit": MAX_HOP_LIMIT},
        resource_types=(LAUNCH_TEMPLATE,),
        resource_check=_check_hop_limit,
    ),
]
