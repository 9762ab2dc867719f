"""Pack inputs checked before any program runs: exemptions by the pack's own reader, configs by the pack's schema.

The schema comes from the pack itself over GetAnalyzerInfo (platformctl never imports a pack), once per pack.
The command-line cases run `platformctl preview` on a program that would leave a marker file, then sleep and
fail: exit 2 with the file and key named, and neither the marker nor the program's error ever appears.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.policy import validate

REPO = Path(__file__).resolve().parents[3]
PACK = REPO / "policies"
TIERS = ["dev", "staging", "prod"]
# Writes a marker, then outlasts the test's timeout: a run that reaches the program cannot pass.
SLOW_FAILING_PROGRAM = """\
import pathlib, time
pathlib.Path(__file__).with_name("program-ran").write_text("yes")
time.sleep(120)
raise RuntimeError("the program ran")
"""


def test_the_pack_reports_each_policy_s_level_and_schema():
    schemas = validate.pack_schemas(PACK)
    assert schemas.name == "platform-policies"
    days = schemas.policies["backup-retention-matches-tier"].properties["days"]
    assert days["type"] == "integer"
    assert schemas.policies["stale-exemptions"].level == "advisory"


def test_the_committed_tier_configs_fit_the_pack():
    validate.validate_pack_inputs([PACK], ["policies/config/{stack}.json"], TIERS, REPO)


def test_the_pack_is_asked_once_however_many_stacks_and_every_stack_s_file_is_checked(tmp_path, monkeypatch):
    real = validate.pack_schemas(PACK)
    asked: list[Path] = []
    monkeypatch.setattr(validate, "pack_schemas", lambda pack: asked.append(pack) or real)
    for tier in TIERS:
        (tmp_path / f"{tier}.json").write_text(json.dumps({"rds-multi-az": "mandatory"}))
    (tmp_path / "staging.json").write_text(json.dumps({"rds-multi-az": {"required": "yes"}}))
    with pytest.raises(UsageError) as raised:
        validate.validate_pack_inputs([PACK], [str(tmp_path / "{stack}.json")], TIERS, tmp_path)
    assert asked == [PACK]
    assert f"policy pack config {tmp_path / 'staging.json'} does not fit pack platform-policies" in str(raised.value)
    assert 'rds-multi-az.required = "yes" is a string' in str(raised.value)


def test_no_config_means_no_pack_start(monkeypatch):
    monkeypatch.setattr(validate, "pack_schemas", lambda pack: pytest.fail("the pack was started"))
    validate.validate_pack_inputs([PACK], [None], TIERS, REPO)


def test_a_broken_exemptions_file_is_refused_before_the_pack_starts(tmp_path, monkeypatch):
    pack = _pack_copy(tmp_path, "exemptions:\n  rule: rds-multi-az\n")
    monkeypatch.setattr(validate, "pack_schemas", lambda pack: pytest.fail("the pack was started"))
    with pytest.raises(UsageError, match="line 2: `exemptions:` must be a list"):
        validate.validate_pack_inputs([pack], ["config/dev.json"], ["dev"], pack)


def test_a_pack_that_does_not_start_is_left_to_the_run_to_report(tmp_path):
    pack = tmp_path / "broken-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text("raise SystemExit('the pack is broken')\n")
    (pack / "dev.json").write_text(json.dumps({"anything": "advisory"}))
    assert validate._schemas_or_none(pack) is None
    validate.validate_pack_inputs([pack], ["dev.json"], ["dev"], pack)  # no schema to hold the file against


BAD_CONFIGS = {
    "unknown rule": ({"rds-multiaz": "mandatory"}, "'rds-multiaz' is not a policy of this pack, closest: rds-multi-az"),
    "bad level": ({"rds-not-public": "blocking"}, 'rds-not-public = "blocking" is not an enforcement level'),
    "unknown property": ({"rds-multi-az": {"requried": True}}, "no property 'requried', did you mean 'required'?"),
    "wrong type": ({"backup-retention-matches-tier": {"days": "7"}}, 'backup-retention-matches-tier.days = "7" is'),
    "wrong item type": ({"node-instance-types-allowed": {"allowed": [3]}}, "allowed[0] = 3 is an integer"),
}


@pytest.mark.parametrize("document,expected", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_a_bad_config_is_exit_2_before_any_program_runs(tmp_path, document, expected):
    program = _program(tmp_path)
    config = tmp_path / "dev.json"
    config.write_text(json.dumps(document))
    result = _preview(program, "--policy-pack", str(PACK), "--policy-pack-config", str(config))
    _assert_refused_before_the_program(result, program, f"policy pack config {config} does not fit pack", expected)


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{\n  "rds-multi-az": "mandatory"\n  "x": 1\n}\n', "is not valid JSON: line 3, column 3: Expecting ','"),
        ('["rds-multi-az"]\n', "must be a JSON object of policy names"),
    ],
    ids=["invalid JSON", "not an object"],
)
def test_a_config_that_is_not_a_json_object_is_exit_2_with_where(tmp_path, text, expected):
    program = _program(tmp_path)
    config = tmp_path / "dev.json"
    config.write_text(text)
    result = _preview(program, "--policy-pack", str(PACK), "--policy-pack-config", str(config))
    _assert_refused_before_the_program(result, program, f"policy pack config {config}", expected)


BAD_EXEMPTIONS = {
    "malformed YAML": ('exemptions:\n  - rule: a\n    urn: "unclosed\n', "is not valid YAML: while scanning a quoted"),
    "a list for the file": ("- rule: rds-multi-az\n", "line 1: the file must be a mapping with one key"),
    "a mapping for the list": ("exemptions:\n  rule: rds-multi-az\n", "line 2: `exemptions:` must be a list"),
    "impossible date": (
        "exemptions:\n  - rule: rds-multi-az\n    urn: urn:pulumi:dev::p::t::n\n    reason: a reason of some length\n"
        "    owner: dba\n    expires: 2027-02-30\n",
        "line 2: `expires` '2027-02-30' is not a date: day is out of range for month",
    ),
    "missing fields": ("exemptions:\n  - rule: rds-multi-az\n", "line 2: missing `urn`, `reason`, `owner`, `expires`"),
    "unknown field": (
        "exemptions:\n  - rule: rds-multi-az\n    urn: u\n    reason: r\n    owner: o\n    expiry: 2027-01-31\n",
        "line 2: missing `expires`; unknown field `expiry` (did you mean `expires`?)",
    ),
    "unknown top-level key": ("exemptions: []\nexceptions: []\n", "line 2: unknown key 'exceptions'"),
}


@pytest.mark.parametrize("text,expected", BAD_EXEMPTIONS.values(), ids=BAD_EXEMPTIONS.keys())
def test_a_bad_exemptions_file_is_exit_2_naming_file_and_line(tmp_path, text, expected):
    pack = _pack_copy(tmp_path, text)
    program = _program(tmp_path)
    result = _preview(program, "--policy-pack", str(pack))
    _assert_refused_before_the_program(result, program, f"exemptions file {pack / 'exemptions.yaml'}", expected)


def _assert_refused_before_the_program(result: subprocess.CompletedProcess, program: Path, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "the program ran" not in result.stdout + result.stderr
    assert not (program / "program-ran").exists()
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ")
    for fragment in fragments:
        assert fragment in first


def _program(tmp_path: Path) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: slow\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program / "__main__.py").write_text(SLOW_FAILING_PROGRAM)
    return program


def _pack_copy(tmp_path: Path, exemptions: str) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(PACK, copy, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    (copy / "venv").symlink_to(PACK / "venv")  # the pack's declared virtualenv, as `make install` made it
    (copy / "exemptions.yaml").write_text(exemptions)
    return copy


def _preview(program: Path, *args: str) -> subprocess.CompletedProcess:
    # Generous: a run that reached the program would sleep past it and fail the test by timing out.
    return subprocess.run(
        [sys.executable, "-m", "platformctl", "preview", "--cwd", str(program), "--stack", "dev", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=90,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_a_pack_given_twice_is_asked_once_and_both_configs_are_checked(tmp_path, monkeypatch):
    real = validate.pack_schemas(PACK)
    asked: list[Path] = []
    monkeypatch.setattr(validate, "pack_schemas", lambda pack: asked.append(pack) or real)
    (tmp_path / "bad.json").write_text(json.dumps({"rds-multi-az": "often"}))
    (tmp_path / "good.json").write_text(json.dumps({"rds-multi-az": "advisory"}))
    with pytest.raises(UsageError, match=f"policy pack config {tmp_path / 'bad.json'}"):
        validate.validate_pack_inputs([PACK, PACK], ["bad.json", "good.json"], ["dev"], tmp_path)
    assert asked == [PACK]
