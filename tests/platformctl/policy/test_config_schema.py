"""A policy-pack config checked against the schema the pack reports: every mistake named, with what is allowed."""

from __future__ import annotations

import pytest

from platform_core.errors import UsageError
from platformctl.policy.config_schema import PolicySchema, config_problems, validate_config, value_problems

POLICIES = {
    "rds-multi-az": PolicySchema("rds-multi-az", "mandatory", {"required": {"type": "boolean", "default": True}}),
    "rds-not-public": PolicySchema("rds-not-public", "mandatory"),
    "node-instance-types-allowed": PolicySchema(
        "node-instance-types-allowed",
        "mandatory",
        {"allowed": {"type": "array", "items": {"type": "string"}, "default": ["m6i.xlarge"]}},
    ),
    "backup-retention-matches-tier": PolicySchema(
        "backup-retention-matches-tier", "mandatory", {"days": {"type": "integer", "minimum": 1, "default": 30}}
    ),
    "estimate-within-budget": PolicySchema(
        "estimate-within-budget", "mandatory", {"usageProfile": {"type": "string", "enum": ["dev", "prod"]}}
    ),
    "needs-owner": PolicySchema("needs-owner", "advisory", {"owner": {"type": "string"}}, required=("owner",)),
}


def test_a_config_the_pack_accepts_has_no_problems():
    document = {
        "all": "advisory",
        "rds-multi-az": {"enforcementLevel": "mandatory", "required": False},
        "rds-not-public": "remediate",
        "node-instance-types-allowed": {"allowed": ["m5.large"]},
        "backup-retention-matches-tier": {"days": 7.0},  # JSON has one number type: 7.0 is an integer
        "estimate-within-budget": {"usageProfile": "dev"},
        "needs-owner": {"owner": "sre"},
    }
    assert config_problems(document, POLICIES) == []


@pytest.mark.parametrize(
    "document,expected",
    [
        ({"rds-multiaz": "mandatory"}, "'rds-multiaz' is not a policy of this pack, closest: rds-multi-az"),
        ({"zzz": "mandatory"}, "'zzz' is not a policy of this pack, closest: "),
        ({"all": "blocking"}, 'all = "blocking" is not an enforcement level (allowed: advisory, mandatory,'),
        ({"all": {"enforcementLevel": "advisory"}}, "all = {"),
        ({"rds-not-public": "Mandatory"}, "is not an enforcement level, did you mean mandatory?"),
        ({"rds-multi-az": {"enforcementLevel": "on"}}, 'rds-multi-az.enforcementLevel = "on" is not an enforcement'),
        ({"rds-multi-az": {"requried": True}}, "no property 'requried', did you mean 'required'? (allowed: enforce"),
        ({"rds-not-public": {"days": 1}}, "rds-not-public has no property 'days' (it takes only enforcementLevel)"),
        ({"rds-multi-az": {"required": "yes"}}, 'rds-multi-az.required = "yes" is a string, the pack\'s schema wants'),
        ({"backup-retention-matches-tier": {"days": 7.5}}, "days = 7.5 is a number, the pack's schema wants integer"),
        ({"backup-retention-matches-tier": {"days": 0}}, "days = 0 is below the minimum 1"),
        ({"node-instance-types-allowed": {"allowed": ["m5.large", 3]}}, "allowed[1] = 3 is an integer"),
        ({"estimate-within-budget": {"usageProfile": "qa"}}, 'usageProfile = "qa" is not one of the allowed values'),
        ({"needs-owner": {"enforcementLevel": "advisory"}}, "needs-owner needs the property 'owner'"),
        ({"rds-multi-az": 3}, "rds-multi-az = 3 is an integer, expected a level (advisory, mandatory, remediate"),
    ],
)
def test_each_mistake_is_named_with_what_is_allowed(document, expected):
    (problem,) = config_problems(document, POLICIES)
    assert expected in problem


def test_every_problem_of_a_file_is_listed_in_one_message(tmp_path):
    path = tmp_path / "dev.json"
    with pytest.raises(UsageError) as raised:
        validate_config(path, {"rds-multiaz": "mandatory", "all": "sometimes"}, "platform-policies", POLICIES)
    message = str(raised.value)
    assert message.startswith(f"policy pack config {path} does not fit pack platform-policies: ")
    assert "'rds-multiaz'" in message and '"sometimes"' in message and "\n" not in message


def test_nested_properties_are_checked_as_deep_as_the_schema_goes():
    schema = {"type": "object", "properties": {"labels": {"type": "object", "properties": {"n": {"type": "integer"}}}}}
    assert value_problems({"labels": {"n": "2", "other": 1}}, schema, "p.x") == [
        'p.x.labels.n = "2" is a string, the pack\'s schema wants integer'
    ]
    assert value_problems(None, {"type": ["string", "null"]}, "p.x") == []


def test_schema_numbers_arrive_as_floats_and_are_shown_as_written():
    assert value_problems(0, {"type": "integer", "minimum": 1.0}, "p.x") == ["p.x = 0 is below the minimum 1"]
    assert value_problems(9, {"type": "integer", "maximum": 5.0}, "p.x") == ["p.x = 9 is above the maximum 5"]
    assert value_problems(True, {"type": "number"}, "p.x") == [
        "p.x = true is a boolean, the pack's schema wants number"
    ]
