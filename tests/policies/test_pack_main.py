"""The pack's entry point (policies/__main__.py) with its exemptions file, started as the CLI starts it.

Under the real Pulumi CLI nothing validates the file first: a broken one must not stop the pack, it is a
mandatory violation of policy-exemptions-valid; a stale entry is an advisory finding of stale-exemptions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from platformctl.policy.runner import evaluate

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
STACK = "urn:pulumi:dev::exempt::"
QUEUE = {
    "type": "aws:sqs/queue:Queue",
    "urn": STACK + "aws:sqs/queue:Queue::jobs",
    "name": "jobs",
    "inputs": {"name": "jobs"},
    "protect": False,
    "parent": "",
    "provider": "",
    "dependencies": [],
}
ENTRY = """\
  - rule: {rule}
    urn: {urn}
    reason: the queue is replaced by the event bus in Q3
    owner: platform-team
    expires: 2099-12-31
"""


def _pack_with(tmp_path: Path, exemptions: str) -> Path:
    copy = tmp_path / "policies"
    shutil.copytree(PACK, copy, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    (copy / "venv").symlink_to(PACK / "venv")
    (copy / "exemptions.yaml").write_text(exemptions)
    return copy


def test_a_broken_exemptions_file_is_a_mandatory_violation_and_the_pack_still_checks(tmp_path):
    pack = _pack_with(tmp_path, "exemptions:\n  - rule: a\n    expires: 2027-02-30\n  - [oops\n")
    findings = evaluate(pack, None, [QUEUE], "exempt", "dev", {})
    (invalid,) = [f for f in findings if f.policy == "policy-exemptions-valid"]
    assert invalid.level == "mandatory"
    assert f"exemptions file {pack / 'exemptions.yaml'} is not valid YAML" in invalid.message
    assert "line 4" in invalid.message
    assert {f.policy for f in findings} - {"policy-exemptions-valid"}, "the rules no longer ran"


def test_an_impossible_date_is_a_violation_of_its_entry_with_its_line(tmp_path):
    entry = ENTRY.format(rule="cost-tags-present", urn=QUEUE["urn"]).replace("2099-12-31", "2027-02-30")
    pack = _pack_with(tmp_path, "exemptions:\n" + entry)
    findings = evaluate(pack, None, [QUEUE], "exempt", "dev", {})
    (invalid,) = [f for f in findings if f.policy == "policy-exemptions-valid"]
    assert invalid.level == "mandatory" and invalid.urn == QUEUE["urn"]
    assert "(line 2): `expires` '2027-02-30' is not a date: day is out of range for month" in invalid.message


def test_an_exemption_matching_no_resource_of_the_stack_is_an_advisory_stale_finding(tmp_path):
    gone = STACK + "aws:sqs/queue:Queue::old-jobs"
    listed = [
        ENTRY.format(rule="cost-tags-present", urn=gone),
        ENTRY.format(rule="cost-tags-present", urn=QUEUE["urn"]),
        ENTRY.format(rule="cost-tags-present", urn="urn:pulumi:prod::exempt::aws:sqs/queue:Queue::old-jobs"),
    ]
    pack = _pack_with(tmp_path, "exemptions:\n" + "".join(listed))
    findings = evaluate(pack, None, [QUEUE], "exempt", "dev", {})
    (stale,) = [f for f in findings if f.policy == "stale-exemptions"]
    assert stale.level == "advisory" and stale.severity == "low"
    assert stale.message.startswith(f"exemption cost-tags-present on {gone} (line 2) matches no resource")
    assert not [f for f in findings if f.level == "mandatory" and f.policy.startswith("policy-exemptions")]
