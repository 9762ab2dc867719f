"""The DR drill's dated report: Markdown for people (and the README sample), JSON for tooling.

Every time in it is a service timestamp (snapshot creation, latest restorable time, the Date header of the
service's responses), UTC, whole seconds; RPO and RTO are differences of those, never our own clock.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dr_drill import Drill

RPO_MEANS = "recovery point → restore start: the data a restore at that moment loses"
RTO_MEANS = "restore start → instance available"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _span(delta: timedelta | None) -> str:
    if delta is None:
        return "not reached"
    hours, rest = divmod(int(delta.total_seconds()), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else "", f"{seconds} s" if seconds else ""]
    return " ".join(part for part in parts if part) or "0 s"


def to_json(drill: Drill) -> dict[str, Any]:
    point, instance = drill.point, drill.instance
    return {
        "stack": drill.stack,
        "tier": drill.tier,
        "startedAt": _iso(drill.started),
        "passed": drill.passed,
        "recoveryPoint": None
        if point is None
        else {
            "method": point.method,
            "region": point.region,
            "source": point.source,
            "instance": point.instance,
            "kind": point.detail,
            "time": _iso(point.time),
        },
        "restoreStartedAt": _iso(drill.restore_started),
        "availableAt": _iso(drill.available_at),
        "targets": {
            name: {
                "targetSeconds": int(target.total_seconds()),
                "achievedSeconds": None if got is None else int(got.total_seconds()),
                "passed": got is not None and got <= target,
            }
            for name, (target, got) in drill.targets().items()
        },
        "checks": [{"name": name, "passed": ok, "detail": detail} for name, ok, detail in drill.checks],
        "drillInstance": {
            "identifier": drill.instance_id or None,
            "arn": instance.get("DBInstanceArn"),
            "instanceCreateTime": _iso(instance.get("InstanceCreateTime")),
            "deleted": drill.deleted,
            "deletion": drill.deletion,
        },
        "notes": drill.notes,
    }


def markdown(drill: Drill) -> str:
    point = drill.point
    lines = [
        f"# DR drill: stack `{drill.stack}` ({drill.tier}), {drill.started:%Y-%m-%d}",
        "",
        f"**Result: {'PASS' if drill.passed else 'FAIL'}**",
        "",
        "| objective | target | achieved | result | measured as |",
        "|---|---|---|---|---|",
    ]
    means = {"RPO": RPO_MEANS, "RTO": RTO_MEANS}
    for name, (target, got) in drill.targets().items():
        verdict = "pass" if got is not None and got <= target else "**FAIL**"
        lines.append(f"| {name} | {_span(target)} | {_span(got)} | {verdict} | {means[name]} |")
    lines += ["", "## Recovery point", ""]
    if point is None:
        lines.append("None found: nothing was restored.")
    else:
        lines += [
            f"- method: {point.method} restore, region `{point.region}`",
            f"- source: `{point.source}` ({point.detail} of `{point.instance}`)",
        ]
    lines += [
        "",
        "## Timeline (service timestamps, UTC, whole seconds)",
        "",
        "| event | time | from |",
        "|---|---|---|",
        f"| recovery point | {_iso(point.time) if point else '–'} | "
        f"{'LatestRestorableTime' if point and point.method == 'point-in-time' else 'snapshot creation time'} |",
        f"| restore started | {_iso(drill.restore_started) or '–'} | Date header of the restore response |",
        f"| available | {_iso(drill.available_at) or '–'} | Date header of the first DescribeDBInstances "
        "after the waiter |",
    ]
    lines += ["", "## Checks of the restored instance", "", "| check | result | detail |", "|---|---|---|"]
    lines += [f"| {name} | {'pass' if ok else '**FAIL**'} | {detail} |" for name, ok, detail in drill.checks]
    if not drill.checks:
        lines.append("| – | **FAIL** | the instance never became available |")
    lines += [
        "",
        "## Drill instance",
        "",
        f"- `{drill.instance_id or 'none created'}`, tagged `platformctl:created-by=dr-drill`",
        f"- deletion (no final snapshot): {drill.deletion or '**not requested: delete it by hand**'}",
    ]
    if drill.notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in drill.notes]]
    return "\n".join(lines) + "\n"


def write(drill: Drill, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"dr-drill-{drill.stack}-{drill.started:%Y-%m-%d}"
    md_path, json_path = stem.with_suffix(".md"), stem.with_suffix(".json")
    md_path.write_text(markdown(drill), encoding="utf-8")
    json_path.write_text(json.dumps(to_json(drill), indent=2) + "\n", encoding="utf-8")
    return md_path, json_path


def summary(drill: Drill) -> str:
    parts = [f"{name} {_span(got)} (target {_span(target)})" for name, (target, got) in drill.targets().items()]
    return f"DR drill {drill.stack}: {'PASS' if drill.passed else 'FAIL'}: {', '.join(parts)}"
