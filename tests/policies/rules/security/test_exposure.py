"""Network-exposure rules: what their violations name."""

from __future__ import annotations

from platform_policies.rules.security import exposure
from tests.policies.cases import res
from tests.policies.rules.security.exposure_cases import BUCKET, EKS, INGRESS, urn

RULES = {rule.name: rule for rule in exposure.RULES}


def test_unblocked_bucket_is_named() -> None:
    found = RULES["s3-public-access-blocked"].check_stack([res(BUCKET, "logs")], {})
    assert [v.urn for v in found] == [urn(BUCKET, "logs")]


def test_wide_endpoint_range_message_names_the_range() -> None:
    [message] = RULES["eks-endpoint-private"].check_resource(
        res(
            EKS,
            vpcConfig={
                "endpointPublicAccess": True,
                "endpointPrivateAccess": True,
                "publicAccessCidrs": ["10.0.0.0/16"],
            },
        )
    )
    assert "10.0.0.0/16" in message and "/24" in message


def test_open_port_message_names_port_and_source() -> None:
    rule = RULES["security-group-no-open-admin-ports"]
    [message] = rule.check_resource(res(INGRESS, ipProtocol="tcp", fromPort=22, toPort=22, cidrIpv4="0.0.0.0/0"))
    assert "22" in message and "0.0.0.0/0" in message
