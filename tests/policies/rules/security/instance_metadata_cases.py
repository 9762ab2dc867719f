"""Cases for instance metadata reach (platform_policies/rules/security/instance_metadata.py)."""

from __future__ import annotations

from tests.policies.cases import Case, res

LT = "aws:ec2/launchTemplate:LaunchTemplate"


def _template(**options) -> object:
    return res(LT, metadataOptions={"httpTokens": "required", "httpEndpoint": "enabled", **options})


CASES: list[Case] = [
    Case("node-imds-hop-limit-one", False, (_template(httpPutResponseHopLimit=1),)),
    Case("node-imds-hop-limit-one", False, (res(LT, metadataOptions={"httpEndpoint": "disabled"}),), note="imds-off"),
    Case(
        "node-imds-hop-limit-one",
        False,
        (_template(httpPutResponseHopLimit=2),),
        config={"maxHopLimit": 2},
        note="two-allowed-by-config",
    ),
    Case("node-imds-hop-limit-one", True, (_template(httpPutResponseHopLimit=2),)),
    Case("node-imds-hop-limit-one", True, (_template(),), note="unset-ami-default"),
]
