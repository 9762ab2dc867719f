"""The CloudWatch alarms: the DR replica's lag alarm rides out the idle sawtooth and pages before the RPO."""

from __future__ import annotations

import pytest

from components.config.loader import InvalidConfigError
from components.config.operations import ALARM_DELIVERY_SECONDS, IDLE_REPLICA_LAG_SECONDS, RPO_SECONDS
from components.observability.cloudwatch_alarms import replica_lag_alarm
from tests.components.configs import load

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def test_prod_replica_lag_alarm_rides_out_the_idle_sawtooth_and_pages_before_the_rpo(stacks):
    prod = stacks["prod"]
    (lag,) = [a for a in prod.of_type(ALARM) if a["inputs"]["name"] == "platform-prod-db-replica-lag"]
    inputs = lag["inputs"]
    # Above the idle sawtooth (WAL ships every archive_timeout, 300 s) and below the 900 s RPO.
    assert IDLE_REPLICA_LAG_SECONDS < inputs["threshold"] < RPO_SECONDS, lag["urn"]
    assert inputs["threshold"] == 600, lag["urn"]
    # The Maximum of each minute: one sawtooth peak never exceeds the threshold, a stall always does.
    assert (inputs["metricName"], inputs["statistic"], inputs["period"]) == ("ReplicaLag", "Maximum", 60), lag["urn"]
    assert inputs["evaluationPeriods"] == inputs["datapointsToAlarm"], lag["urn"]
    # A stall that starts now pages, delivery included, before the recovery point is older than the RPO.
    paged_after = inputs["threshold"] + inputs["evaluationPeriods"] * inputs["period"] + ALARM_DELIVERY_SECONDS
    assert paged_after < RPO_SECONDS, f"{lag['urn']} pages {paged_after} s into a stall; the RPO is {RPO_SECONDS} s"
    # A replica that stops reporting lag is the failure this alarm exists for.
    assert inputs["treatMissingData"] == "breaching", lag["urn"]


@pytest.mark.parametrize("seconds,pages_in_time", [(361, True), (600, True), (659, True), (660, False), (900, False)])
def test_a_replica_lag_threshold_that_cannot_page_within_the_rpo_is_refused(seconds, pages_in_time):
    if pages_in_time:
        config = load("prod", observability={"replicationLagAlarmSeconds": seconds})
        assert replica_lag_alarm(config, "platform-prod-db-dr").threshold == seconds
        return
    with pytest.raises(InvalidConfigError, match=r"replicationLagAlarmSeconds = \d+: Input should be"):
        load("prod", observability={"replicationLagAlarmSeconds": seconds})
