"""`platformctl bake` against the moto server (conftest.py): the alarms are real CloudWatch alarms of the emulator,
set to ALARM with SetAlarmState; the clock and the sleep are fakes, so a 10-minute bake takes milliseconds."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from platformctl.cli import main
from platformctl.commands import bake as bake_command
from platformctl.exit_codes import ExitCode
from tests.platformctl.ops.rds_stack import point_aws_nowhere

REPO = Path(__file__).resolve().parents[3]
REGION = "us-east-1"
ERROR_RATE, FREE_STORAGE = "platform-staging-api-error-rate", "platform-staging-db-free-storage"


def cloudwatch() -> Any:
    return boto3.client("cloudwatch", region_name=REGION)


def put_alarms(*names: str) -> None:
    for name in names:
        cloudwatch().put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ApplicationELB",
            MetricName="HTTPCode_Target_5XX_Count",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=3,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )
        set_state(name, "OK", "Threshold Crossed: no datapoints were breaching")


def set_state(name: str, state: str, reason: str) -> None:
    cloudwatch().set_alarm_state(AlarmName=name, StateValue=state, StateReason=reason)


class FakeTime:
    """A monotonic clock that only moves when slept; `at` runs a callback once the clock reaches a time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.events: list[tuple[float, Callable[[], None]]] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        for due, event in [e for e in self.events if e[0] <= self.now]:
            self.events.remove((due, event))
            event()


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(bake_command, "CLOCK", fake.monotonic)
    monkeypatch.setattr(bake_command, "SLEEP", fake.sleep)
    return fake


def bake(*argv: str) -> list[str]:
    return ["bake", "--stack", "staging", "--cwd", str(REPO), "--region", REGION, "--json", *argv]


def report(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def test_a_healthy_bake_watches_the_whole_bake_time(aws, fake_time, capsys) -> None:
    put_alarms(ERROR_RATE, FREE_STORAGE)
    status = main(bake("--alarms", ERROR_RATE, FREE_STORAGE, "--minutes", "10", "--poll-seconds", "30"))
    document, err = report(capsys)
    assert status == ExitCode.OK, err
    assert document["status"] == "healthy" and document["alarms"] == [ERROR_RATE, FREE_STORAGE], document
    assert fake_time.now == 600 and document["polls"] == 21, (fake_time.sleeps, document)
    assert "10m00s of 10 min" in err and f"{ERROR_RATE} OK" in err, err  # progress lines on stderr


def test_the_default_bake_time_and_alarms_come_from_the_tier_and_the_stack_outputs(aws, fake_time, capsys, tmp_path):
    put_alarms(ERROR_RATE, FREE_STORAGE)
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"primaryRegion": REGION, "criticalAlarmNames": [ERROR_RATE, FREE_STORAGE]}))
    argv = ["bake", "--stack", "staging", "--cwd", str(REPO), "--outputs", str(outputs), "--json"]
    assert main(argv) == ExitCode.OK
    document, _ = report(capsys)
    assert (document["minutes"], document["region"], document["alarms"]) == (10, REGION, [ERROR_RATE, FREE_STORAGE])
    assert fake_time.now == 10 * 60


def test_an_alarm_mid_bake_ends_it_at_once_naming_the_alarm(aws, fake_time, capsys) -> None:
    put_alarms(ERROR_RATE, FREE_STORAGE)
    reason = "Threshold Crossed: 3 datapoints were greater than the threshold (0.504)"
    fake_time.events.append((300, lambda: set_state(ERROR_RATE, "ALARM", reason)))
    status = main(bake("--alarms", ERROR_RATE, FREE_STORAGE, "--minutes", "20"))
    document, err = report(capsys)
    assert status == ExitCode.FINDINGS, err
    assert document["status"] == "alarm" and fake_time.now == 300, (document, fake_time.sleeps)
    (fired,) = document["firing"]
    assert (fired["name"], fired["state"], fired["reason"]) == (ERROR_RATE, "ALARM", reason), fired
    assert datetime.fromisoformat(fired["updated"]) > datetime.now(UTC) - timedelta(minutes=5), fired
    assert f"ALARM after 5m00s: {ERROR_RATE} went to ALARM at {fired['updated']}: {reason}" in err, err


def test_an_alarm_already_firing_before_the_bake_is_never_called_healthy(aws, fake_time, capsys) -> None:
    put_alarms(ERROR_RATE, FREE_STORAGE)
    set_state(FREE_STORAGE, "ALARM", "Threshold Crossed: no datapoints (treated as breaching)")
    status = main(bake("--alarms", ERROR_RATE, FREE_STORAGE, "--minutes", "10"))
    document, err = report(capsys)
    assert status == ExitCode.FINDINGS, err
    assert document["status"] == "already-firing" and [a["name"] for a in document["firing"]] == [FREE_STORAGE]
    assert "already firing before the bake: cannot tell this deploy is healthy" in err and FREE_STORAGE in err, err
    assert fake_time.sleeps == [], "nothing to wait for once it cannot be called healthy"


@pytest.mark.parametrize("started,status", [(timedelta(hours=-1), "alarm"), (timedelta(hours=1), "already-firing")])
def test_since_tells_an_alarm_set_off_during_the_deploy_from_one_firing_before(aws, fake_time, capsys, started, status):
    put_alarms(ERROR_RATE)
    set_state(ERROR_RATE, "ALARM", "Threshold Crossed")
    since = (datetime.now(UTC) + started).isoformat()
    assert main(bake("--alarms", ERROR_RATE, "--minutes", "10", "--since", since)) == ExitCode.FINDINGS
    assert report(capsys)[0]["status"] == status


def test_more_than_a_hundred_alarms_are_described_in_batches(aws, fake_time, capsys) -> None:
    names = [f"platform-staging-alarm-{number:03d}" for number in range(101)]
    put_alarms(*names)
    assert main(bake("--alarms", *names, "--minutes", "1", "--poll-seconds", "60")) == ExitCode.OK
    assert len(report(capsys)[0]["alarms"]) == 101


def test_an_alarm_that_does_not_exist_is_bad_usage_naming_it(aws, fake_time, capsys) -> None:
    put_alarms(ERROR_RATE)
    assert main(bake("--alarms", ERROR_RATE, "platform-staging-no-such-alarm", "--minutes", "10")) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "platform-staging-no-such-alarm" in err and "Traceback" not in err, err


def test_an_endpoint_that_does_not_answer_is_not_watched(fake_time, capsys, monkeypatch) -> None:
    endpoint = point_aws_nowhere(monkeypatch)
    monkeypatch.setattr("platformctl.ops.outputs.RETRIES", {"mode": "standard", "max_attempts": 1})
    assert main(bake("--alarms", ERROR_RATE, "--minutes", "10")) == ExitCode.NOT_WATCHED
    captured = capsys.readouterr()
    assert "could not watch the alarms" in captured.err and endpoint in captured.err, captured.err
    assert "Traceback" not in captured.err and captured.out == "", captured


def test_a_bake_time_of_0_watches_nothing_and_asks_aws_nothing(fake_time, capsys, monkeypatch) -> None:
    point_aws_nowhere(monkeypatch)
    assert main(["bake", "--stack", "dev", "--cwd", str(REPO)]) == ExitCode.OK
    assert "nothing to watch (bake time 0" in capsys.readouterr().out


def test_ctrl_c_mid_bake_is_130(aws, fake_time, capsys) -> None:
    put_alarms(ERROR_RATE)

    def interrupted() -> None:
        raise KeyboardInterrupt

    fake_time.events.append((60, interrupted))
    assert main(bake("--alarms", ERROR_RATE, "--minutes", "10")) == 130
    assert "interrupted" in capsys.readouterr().err
