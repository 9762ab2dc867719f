"""Instances killed drills left behind (dr_orphans): the next drill of the stack deletes those old enough and
says so in its report, against the moto server (conftest.py). A drill that is only terminated cleans up itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platformctl.cli import main
from platformctl.ops import dr_drill
from platformctl.ops.dr_drill_run import CREATED_BY, DRILL_TAG, RUN_TAG, STACK_TAG, new_run_id
from platformctl.ops.dr_orphans import sweep
from tests.platformctl.ops.rds_stack import (
    DB,
    DR_REGION,
    PRIMARY,
    REPLICA,
    REPO,
    drill_argv,
    drill_reports,
    instance_ids,
    rds,
    seed_database,
    seed_drill_instance,
    seed_replica,
)

# The drill as `python -m platformctl`, except that the restore never becomes available (as on AWS, where it
# takes tens of minutes): the tests signal it there, between restore and delete.
SLOW_RESTORE = """
import sys, time
from platformctl.ops import dr_drill
dr_drill.wait_and_check = lambda *args: time.sleep(600)
from platformctl.cli import main
sys.exit(main(sys.argv[1:]))
"""


def signal_after_restore(argv: list[str], cwd: Path, signum: int) -> tuple[str, int, str]:
    """Run the drill and send it `signum` once the restore is requested: the restore's line, exit status, output."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_RESTORE, *argv],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    restored = ""
    try:
        for line in process.stdout:  # the drill flushes this line right after RDS accepted the restore
            if line.startswith("restore requested:"):
                restored = line
                break
    finally:
        process.send_signal(signum)
        rest, _ = process.communicate(timeout=60)
    assert restored, f"the drill ended before restoring: {rest}"
    return restored, process.returncode, rest


def test_a_terminated_drill_deletes_its_instance(aws: str, tmp_path: Path) -> None:
    seed_database()
    restored, status, output = signal_after_restore(drill_argv(tmp_path, "dev"), tmp_path, signal.SIGTERM)
    assert status == 128 + signal.SIGTERM, output  # a cancelled CI job: cli.main turns SIGTERM into an exception
    assert f"deleting drill instance {restored.split()[2]}" in output
    assert instance_ids(PRIMARY) == [DB]


def test_the_next_drill_deletes_what_a_killed_drill_left_and_reports_it(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_replica(seed_database())
    rds(DR_REGION).create_db_snapshot(DBInstanceIdentifier=REPLICA, DBSnapshotIdentifier="replica-snap")
    restored, status, _ = signal_after_restore(drill_argv(tmp_path, "prod"), tmp_path, signal.SIGKILL)
    orphan = restored.split()[2]
    assert status == -signal.SIGKILL  # no cleanup could run
    assert orphan in instance_ids(DR_REGION)  # left running: the killed drill never deleted it
    assert list((tmp_path / "reports").iterdir()) == []

    later = datetime.now(UTC) + timedelta(hours=7)  # past the default orphan age of 6 h
    monkeypatch.setattr(dr_drill, "utc_now", lambda: later)
    assert main(drill_argv(tmp_path, "prod")) == 0

    (report,) = drill_reports(tmp_path / "reports")
    (listed,) = report["earlierDrillInstances"]
    assert (listed["identifier"], listed["region"], listed["deleted"]) == (orphan, DR_REGION, True)
    assert orphan.endswith(listed["runId"].lower()) and 7 * 3600 - 60 <= listed["ageSeconds"] <= 7 * 3600 + 60
    assert instance_ids(DR_REGION) == [REPLICA]
    markdown = next((tmp_path / "reports").glob("*.md")).read_text()
    assert "## Instances of earlier drills" in markdown and f"| `{orphan}` | {DR_REGION} |" in markdown


def drill_tags(stack: str, run_id: str | None) -> dict[str, str]:
    tags = {CREATED_BY: DRILL_TAG, STACK_TAG: stack}
    return {**tags, RUN_TAG: run_id} if run_id else tags


def test_the_sweep_deletes_only_this_stacks_drill_instances_older_than_the_age(aws: str) -> None:
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=7)
    seed_database()
    seed_drill_instance("drill-old", drill_tags("prod", new_run_id(now - timedelta(hours=7))))
    seed_drill_instance("drill-young", drill_tags("prod", new_run_id(now - timedelta(hours=5))))
    seed_drill_instance("drill-before-run-ids", drill_tags("prod", None))  # aged by RDS's create time: 7 h
    seed_drill_instance("drill-other-stack", drill_tags("staging", new_run_id(now - timedelta(hours=9))))
    seed_drill_instance("drill-lookalike", {STACK_TAG: "prod"})
    seed_drill_instance("drill-old-dr", drill_tags("prod", new_run_id(now - timedelta(days=2))), region=DR_REGION)
    current = new_run_id(now - timedelta(hours=8))  # the sweeping drill's own: never its own orphan
    seed_drill_instance("drill-current", drill_tags("prod", current))

    found = sweep("prod", [PRIMARY, DR_REGION], now, timedelta(hours=6), current)

    assert {(o.identifier, o.region, o.deleted) for o in found} == {
        ("drill-old", PRIMARY, True),
        ("drill-young", PRIMARY, False),
        ("drill-before-run-ids", PRIMARY, True),
        ("drill-old-dr", DR_REGION, True),
    }
    assert sorted(instance_ids(PRIMARY)) == sorted(
        [DB, "drill-current", "drill-lookalike", "drill-other-stack", "drill-young"]
    )
    assert instance_ids(DR_REGION) == []
    young = next(o for o in found if o.identifier == "drill-young")
    assert young.age == timedelta(hours=5) and young.detail.startswith("kept")
