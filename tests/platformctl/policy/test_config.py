"""`--policy-pack-config` files: read (JSON, an object) and merged over the pack's defaults like the CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.policy.config import json_type, merged_policy_config, read_config_file

DEFAULTS = {"a": ("advisory", {"days": 30}), "b": ("mandatory", {})}


def write(tmp_path: Path, document) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(document))
    return path


def test_config_merges_all_then_each_policy_like_the_cli(tmp_path):
    merged = merged_policy_config(
        DEFAULTS, write(tmp_path, {"all": "advisory", "a": {"enforcementLevel": "mandatory", "days": 7}})
    )
    assert merged == {"a": ("mandatory", {"days": 7}), "b": ("advisory", {})}
    assert merged_policy_config(DEFAULTS, None) == DEFAULTS


@pytest.mark.parametrize(
    "document,message",
    [
        ({"c": "advisory"}, "policy 'c' is not in the pack"),
        ({"a": "sometimes"}, 'enforcement level "sometimes"; allowed: advisory, mandatory, remediate, disabled'),
        ({"a": 3}, "expected a level or an object"),
        (["a"], "must be a JSON object of policy names.*found array"),
    ],
)
def test_bad_policy_config_is_a_usage_error(tmp_path, document, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        merged_policy_config(DEFAULTS, write(tmp_path, document))


def test_invalid_json_names_the_file_line_and_column(tmp_path):
    path = tmp_path / "dev.json"
    path.write_text('{\n  "rds-multi-az": "mandatory"\n  "rds-not-public": "advisory"\n}\n')
    with pytest.raises(UsageError) as raised:
        read_config_file(path)
    assert str(raised.value) == (
        f"policy pack config {path} is not valid JSON: line 3, column 3: Expecting ',' delimiter"
    )


def test_a_config_that_is_not_text_is_a_usage_error(tmp_path):
    path = tmp_path / "dev.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(UsageError, match=f"policy pack config {path} is not UTF-8 text"):
        read_config_file(path)


@pytest.mark.parametrize(
    "value,name",
    [
        (True, "boolean"),
        (3, "integer"),
        (3.0, "integer"),
        (3.5, "number"),
        ("x", "string"),
        ([], "array"),
        ({}, "object"),
        (None, "null"),
    ],
)
def test_json_type_names_values_as_json_schema_does(value, name):
    assert json_type(value) == name
