"""The DR drill's report, one per run: Markdown for people (and the README sample), JSON for tooling.

Every time in it is a service timestamp (snapshot creation, latest restorable time, the Date header of the
service's responses), UTC, whole seconds; RPO and RTO are differences of those, never our own clock.

Reports are records of what was tested when: named by run id and created exclusively, so neither a drill
started in the same second nor a re-run ever overwrites one. The directory is checked before the drill
touches AWS: a drill whose report cannot be written would restore a copy of production for nothing.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platform_core.errors import UsageError

if TYPE_CHECKING:
    from .dr_drill import Drill
    from .dr_orphans import Orphan

# Under out/, which the repository already ignores: reports are records of runs (to archive, or attach to a
# change), not source; and nothing in the tree deletes out/ (`make clean` leaves it).
DEFAULT_DIRECTORY = Path("out/dr-drills")

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
        "runId": drill.run_id,
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
        "earlierDrillInstances": [_orphan_json(orphan) for orphan in drill.orphans],
        "notes": drill.notes,
    }


def _orphan_json(orphan: Orphan) -> dict[str, Any]:
    return {
        "identifier": orphan.identifier,
        "region": orphan.region,
        "runId": orphan.run_id or None,
        "ageSeconds": None if orphan.age is None else int(orphan.age.total_seconds()),
        "deleted": orphan.deleted,
        "detail": orphan.detail,
    }


def markdown(drill: Drill) -> str:
    point = drill.point
    lines = [
        f"# DR drill: stack `{drill.stack}` ({drill.tier}), {drill.started:%Y-%m-%d}",
        "",
        f"Run `{drill.run_id}`.",
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
        f"- `{drill.instance_id or 'none created'}`, tagged `platformctl:created-by=dr-drill` and "
        f"`platformctl:drill-run={drill.run_id}`",
        f"- deletion (no final snapshot): {drill.deletion or '**not requested: delete it by hand**'}",
        *_orphan_lines(drill.orphans),
    ]
    if drill.notes:
        lines += ["", "## Notes", "", *[f"- {note}" for note in drill.notes]]
    return "\n".join(lines) + "\n"


def _orphan_lines(orphans: list[Orphan]) -> list[str]:
    lines = ["", "## Instances of earlier drills", ""]
    if not orphans:
        return [*lines, "None: no earlier drill of this stack left an instance behind."]
    lines += ["| instance | region | run | age | action |", "|---|---|---|---|---|"]
    for orphan in orphans:
        age = "unknown" if orphan.age is None else _span(orphan.age)
        lines.append(f"| `{orphan.identifier}` | {orphan.region} | {orphan.run_id or '–'} | {age} | {orphan.detail} |")
    return lines


def prepare_directory(directory: Path | None) -> Path:
    """The report directory, created if missing and proven writable; UsageError naming it otherwise.

    The default is created with its parents; a directory given with --report-dir only when its parent exists,
    since a missing parent is far more often a typo than a wish for a new tree.
    """
    path = DEFAULT_DIRECTORY if directory is None else directory
    flag = f"--report-dir {path}" if directory is not None else f"the report directory {path} (the default)"
    try:
        if path.exists() and not path.is_dir():
            raise UsageError(f"{flag}: is a file, not a directory; pass a directory for the drill's reports")
        if directory is not None and not path.exists() and not path.parent.is_dir():
            raise UsageError(f"{flag}: its parent {path.parent} is not an existing directory; create it first")
        path.mkdir(parents=directory is None, exist_ok=True)
        with tempfile.TemporaryFile(dir=path, prefix=".dr-drill-probe-"):
            pass
    except OSError as error:
        raise UsageError(f"{flag}: cannot create it or write reports there ({error.strerror or error})") from None
    return path


def write(drill: Drill, directory: Path) -> tuple[Path, Path]:
    """Write both files; an existing name is never overwritten (exclusive create), a numbered name is used."""
    stem = f"dr-drill-{drill.stack}-{drill.run_id}"
    texts = (markdown(drill), json.dumps(to_json(drill), indent=2) + "\n")
    for number in range(1, 100):
        name = stem if number == 1 else f"{stem}.{number}"
        paths = (directory / f"{name}.md", directory / f"{name}.json")
        if _create_both(paths, texts):
            return paths
    raise FileExistsError(f"{directory}: 99 reports named {stem}.*")


def _create_both(paths: tuple[Path, Path], texts: tuple[str, str]) -> bool:
    created: list[Path] = []
    try:
        for path, text in zip(paths, texts, strict=True):
            with path.open("x", encoding="utf-8") as handle:
                created.append(path)
                handle.write(text)
    except FileExistsError:
        for path in created:  # only what this call created: the pair stays whole
            path.unlink()
        return False
    return True


def summary(drill: Drill) -> str:
    parts = [f"{name} {_span(got)} (target {_span(target)})" for name, (target, got) in drill.targets().items()]
    return f"DR drill {drill.stack} (run {drill.run_id}): {'PASS' if drill.passed else 'FAIL'}: {', '.join(parts)}"
