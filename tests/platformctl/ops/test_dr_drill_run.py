"""Run ids and drill instance identifiers (dr_drill_run), and what they are for: drills of the same stack started
at the same moment, each with its own instance, tags and report, against the moto server (conftest.py)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from platformctl.cli import main
from platformctl.ops import dr_drill, dr_drill_run
from platformctl.ops.dr_drill_run import (
    CREATED_BY,
    DRILL_TAG,
    MAX_IDENTIFIER,
    RUN_TAG,
    STACK_TAG,
    drill_identifier,
    new_run_id,
    run_started,
)
from tests.platformctl.ops.rds_stack import (
    DB,
    DR_REGION,
    REPLICA,
    drill_argv,
    drill_reports,
    instance_ids,
    rds,
    seed_database,
    seed_drill_instance,
    seed_replica,
)

# RDS's rule for a DB instance identifier, as lowercase is what it stores and returns.
RDS_IDENTIFIER = re.compile(r"[a-z](?:-?[a-z0-9])*")
MOMENT = datetime(2026, 12, 2, 3, 15, 2, 123456, tzinfo=UTC)


def test_a_run_id_is_the_start_to_the_second_and_a_random_suffix() -> None:
    run_id = new_run_id(MOMENT)
    assert re.fullmatch(r"20261202T031502Z-[0-9a-f]{4}", run_id)
    assert run_started(run_id) == MOMENT.replace(microsecond=0)
    assert len({new_run_id(MOMENT) for _ in range(50)}) > 1
    assert run_started("by hand") is None


@pytest.mark.parametrize(
    "database",
    [
        DB,
        "a" * 63,  # the longest a database identifier can be
        "a" * 34 + "-bbbb",  # a hyphen right where the database part is cut
        "Platform_Prod--DB-",  # not valid for RDS, but the drill's own identifier still must be
        "---",
    ],
)
def test_identifiers_keep_rdss_rules_and_the_whole_run_id(database: str) -> None:
    run_id = "20261202T031502Z-4f9a"
    identifier = drill_identifier(database, run_id)
    assert len(identifier) <= MAX_IDENTIFIER and RDS_IDENTIFIER.fullmatch(identifier), identifier
    assert identifier.startswith("drill-") and identifier.endswith("-20261202t031502z-4f9a")


def test_the_database_part_is_what_gets_shortened() -> None:
    assert drill_identifier(DB, "20261202T031502Z-4f9a") == f"drill-{DB}-20261202t031502z-4f9a"
    assert drill_identifier("a" * 63, "20261202T031502Z-4f9a") == f"drill-{'a' * 35}-20261202t031502z-4f9a"


@pytest.fixture
def prod_with_dr_snapshot(aws: str) -> Iterator[None]:
    seed_replica(seed_database())
    rds(DR_REGION).create_db_snapshot(DBInstanceIdentifier=REPLICA, DBSnapshotIdentifier="replica-snap")
    yield


def test_two_drills_started_in_the_same_second_both_succeed(
    prod_with_dr_snapshot: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dr_drill, "utc_now", lambda: MOMENT)  # the same second for both
    both_restored = threading.Barrier(2, timeout=60)
    real_wait = dr_drill.wait_and_check

    def wait_for_the_other(*args: Any) -> None:
        both_restored.wait()  # both instances exist at once; each drill then deletes only its own
        real_wait(*args)

    monkeypatch.setattr(dr_drill, "wait_and_check", wait_for_the_other)
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(main(drill_argv(tmp_path, "prod")))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [0, 0]
    reports = drill_reports(tmp_path / "reports")
    assert len(reports) == 2 and len(list((tmp_path / "reports").iterdir())) == 4
    runs = {report["runId"] for report in reports}
    assert len(runs) == 2 and all(run.startswith("20261202T031502Z-") for run in runs)
    drilled = {report["drillInstance"]["identifier"] for report in reports}
    assert drilled == {f"drill-{DB}-{run.lower()}" for run in runs}
    for report in reports:
        assert report["passed"] and report["drillInstance"]["deleted"], report["notes"]
    created = {
        event["SourceIdentifier"]
        for event in rds(DR_REGION).describe_events(SourceType="db-instance")["Events"]
        if event["Message"] == "DB instance created"
    }
    assert drilled <= created
    assert instance_ids(DR_REGION) == [REPLICA]


def test_a_drill_whose_run_id_is_taken_draws_another_and_leaves_the_other_instance_alone(
    prod_with_dr_snapshot: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dr_drill, "utc_now", lambda: MOMENT)
    suffixes = iter(["aaaa", "bbbb"])
    monkeypatch.setattr(dr_drill_run, "suffix", lambda: next(suffixes))
    taken = drill_identifier(DB, "20261202T031502Z-aaaa")
    other_run = {CREATED_BY: DRILL_TAG, STACK_TAG: "prod", RUN_TAG: "20261202T031502Z-aaaa"}
    seed_drill_instance(taken, other_run, region=DR_REGION)

    assert main(drill_argv(tmp_path, "prod")) == 0
    (report,) = drill_reports(tmp_path / "reports")
    assert report["runId"] == "20261202T031502Z-bbbb"
    assert report["drillInstance"]["identifier"] == drill_identifier(DB, "20261202T031502Z-bbbb")
    assert sorted(instance_ids(DR_REGION)) == sorted([REPLICA, taken])


def test_a_drill_that_draws_only_taken_run_ids_fails_and_touches_nothing(
    prod_with_dr_snapshot: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dr_drill, "utc_now", lambda: MOMENT)
    monkeypatch.setattr(dr_drill_run, "suffix", lambda: "aaaa")
    taken = drill_identifier(DB, "20261202T031502Z-aaaa")
    seed_drill_instance(taken, {CREATED_BY: DRILL_TAG, STACK_TAG: "prod", RUN_TAG: "20261202T031502Z-aaaa"}, DR_REGION)

    assert main(drill_argv(tmp_path, "prod")) == 1
    (report,) = drill_reports(tmp_path / "reports")
    assert "DBInstanceAlreadyExists" in report["notes"][-1] and report["drillInstance"]["identifier"] is None
    assert sorted(instance_ids(DR_REGION)) == sorted([REPLICA, taken])
