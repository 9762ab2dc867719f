"""Service-data encryption rules: what their messages say."""

from __future__ import annotations

from platform_policies.rules.encryption import service_data
from tests.policies.cases import res

RULES = {rule.name: rule for rule in service_data.RULES}


def test_messages_name_value_and_expectation():
    messages = RULES["sns-topic-encrypted"].check_resource(res("aws:sns/topic:Topic", kmsMasterKeyId="alias/aws/sns"))
    assert messages == ["kmsMasterKeyId uses the AWS-managed key alias/aws/sns; expected a customer-managed KMS key"]
