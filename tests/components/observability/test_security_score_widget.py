"""The Infrastructure dashboard's Security Hub score widget: the metric `platformctl security-score --publish`
puts, in the tiers that have dashboards."""

from __future__ import annotations

import json
from typing import Any

from platformctl.ops import security_score

DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"


def _score_widgets(stack: Any) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for dashboard in stack.of_type(DASHBOARD):
        widgets = json.loads(dashboard["inputs"]["dashboardBody"])["widgets"]
        found[dashboard["urn"]] = [
            w for w in widgets if w["properties"].get("title") == "Security Hub score per standard"
        ]
    return found


def test_infrastructure_dashboard_shows_the_daily_minimum_score_per_standard(tier_stack):
    tier, stack = tier_stack
    found = _score_widgets(stack)
    if tier == "dev":  # no dashboards in dev
        assert not found, f"{tier}: {sorted(found)}"
        return
    [overview] = [urn for urn in found if urn.endswith("infrastructure-overview")]
    [widget] = found[overview]
    assert all(not widgets for urn, widgets in found.items() if urn != overview), found
    properties = widget["properties"]
    [[query]] = properties["metrics"]
    namespace, dimension = security_score.NAMESPACE, security_score.DIMENSION
    assert f"{{{namespace},{dimension}}}" in query["expression"], overview
    assert f'MetricName="{security_score.METRIC}"' in query["expression"], overview
    assert query["expression"].endswith("'Minimum', 86400)"), overview
    assert (properties["stat"], properties["period"]) == ("Minimum", 86400), overview
    assert properties["yAxis"]["left"]["max"] == 100, overview
