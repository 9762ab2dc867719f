"""Cost estimates of previewed stacks: computed, printed, and compared with a baseline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_core.cost.estimate import StackEstimate, estimate_stack
from platform_core.cost.pricebook import USAGE_NAME, PriceBook, load_price_book, load_usage
from platform_core.errors import UsageError

from ..preview.engine import StackPreview
from ..project import Project, load_stack_config, tier_of

__all__ = [
    "Prices",
    "StackEstimate",
    "change_json",
    "estimate_previews",
    "load_prices",
    "markdown",
    "read_baseline",
    "table",
    "to_json",
    "totals",
]


@dataclass(frozen=True)
class Prices:
    """The price book and the usage file, read (and so validated) once per command, before any program runs."""

    book: PriceBook
    usage: dict[str, Any]

    @property
    def rise_alert_percent(self) -> float:
        return float(self.usage.get("riseAlertPercent", 10))


def load_prices() -> Prices:
    return Prices(load_price_book(), load_usage())


def estimate_previews(project: Project, previews: list[StackPreview], prices: Prices) -> dict[str, StackEstimate]:
    book, usage = prices.book, prices.usage
    profiles = {**(usage.get("tiers") or {}), **(usage.get("accounts") or {})}
    estimates = {}
    for preview in (p for p in previews if p.ok):
        profile = usage_profile(project, preview.stack)
        estimate = estimate_stack(
            preview.stack, preview.resources, book, profiles.get(profile, {}), float(usage["businessHoursPerMonth"])
        )
        if profile not in profiles:
            estimate.notes.append(
                f"no usage profile {profile!r} in {USAGE_NAME}: usage-based costs (data, storage, logs) are not counted"
            )
        estimates[preview.stack] = estimate
    return estimates


def usage_profile(project: Project, stack: str) -> str:
    """The stack's `<project>:usageProfile` (an account baseline names its account's profile), else its tier:
    usage assumptions are per tier for the platform stacks, per account for the baseline."""
    configured = load_stack_config(project, stack).values.get(f"{project.name}:usageProfile")
    return configured or tier_of(project, stack)


def money(value: float) -> str:
    return f"${value:,.2f}"


def span(estimate: StackEstimate) -> str:
    if estimate.low == estimate.high:
        return money(estimate.low)
    return f"{money(estimate.low)} – {money(estimate.high)}"


def table(estimate: StackEstimate) -> str:
    lines = [
        f"Cost estimate ({estimate.stack}), USD per month:",
        f"    {'Resource':<58}{'Component':<34}{'Low':>11}{'High':>11}  Item",
    ]
    for line in sorted(estimate.lines, key=lambda item: (-item.high, item.name, item.item)):
        if line.high or line.low:
            lines.append(
                f"    {line.name[:57]:<58}{line.component[:33]:<34}{line.low:>11.2f}{line.high:>11.2f}  {line.item}"
            )
    lines.append(f"    Total: {span(estimate)}")
    lines.append(
        f"    On on-demand capacity, 24/7: {money(estimate.on_demand_24x7)}"
        f" (the estimate is {100 * estimate.high / estimate.on_demand_24x7:.0f} % of it)"
        if estimate.on_demand_24x7
        else ""
    )
    for item in estimate.unpriced:
        lines.append(f"    UNPRICED {item['type']} {item['urn'].rsplit('::', 1)[-1]}: {item['reason']}")
    lines += [f"    NOTE {note}" for note in estimate.notes]
    return "\n".join(line for line in lines if line)


def totals(
    estimates: dict[str, StackEstimate], baseline: dict[str, float] | None = None, alert_percent: float = 0.0
) -> str:
    """Each stack's monthly span; with a baseline, its change beside it (the high end, as the Markdown shows),
    flagged above `alert_percent`."""
    lines = ["Monthly estimate (USD):"]
    for stack, estimate in estimates.items():
        unpriced = f", {len(estimate.unpriced)} unpriced" if estimate.unpriced else ""
        unpriced += ", usage not counted" if estimate.notes else ""
        change = ""
        if baseline is not None:
            before = baseline.get(stack)
            change = (
                f"  vs baseline {money(before)}: {_change(estimate.high, before, alert_percent)}"
                if before is not None
                else "  new: not in the baseline"
            )
        lines.append(
            f"    {stack:<10} {span(estimate):<24} on-demand 24/7 {money(estimate.on_demand_24x7)}{unpriced}{change}"
        )
    return "\n".join(lines)


_BASELINE_SHAPE = (
    "expected the output of `platformctl preview --json`: an object with `stacks: {NAME: {cost: {monthlyHigh: "
    "NUMBER}}}` (several stacks), or with `cost: {stack: NAME, monthlyHigh: NUMBER}` (one stack)"
)


def read_baseline(path: Path) -> dict[str, float]:
    """Monthly high estimate per stack from a `preview --json` document of the target branch."""
    try:
        document = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"--baseline {path}: cannot read it as JSON ({error}); {_BASELINE_SHAPE}") from None
    if isinstance(document, dict) and isinstance(document.get("stacks"), dict):
        stacks = document["stacks"]
    elif isinstance(document, dict) and isinstance(document.get("cost"), dict):
        stacks = {document["cost"].get("stack"): document}
    else:
        found = f"a JSON {_json_kind(document)}"
        if isinstance(document, dict):
            found += f" with keys {', '.join(map(str, document)) or '(none)'}"
        raise UsageError(f"--baseline {path}: {found}; {_BASELINE_SHAPE}")
    return {str(name): _monthly_high(path, name, doc) for name, doc in stacks.items() if _has_cost(doc)}


def _has_cost(document: Any) -> bool:
    # A stack whose program failed on the target branch has no estimate: it counts as new.
    return isinstance(document, dict) and "cost" in document


def _monthly_high(path: Path, stack: Any, document: dict[str, Any]) -> float:
    cost = document["cost"]
    value = cost.get("monthlyHigh") if isinstance(cost, dict) else None
    if not stack:
        raise UsageError(f"--baseline {path}: its `cost` names no `stack`; {_BASELINE_SHAPE}")
    if not isinstance(value, int | float) or isinstance(value, bool):
        shown = json.dumps(cost)
        shown = shown if len(shown) <= 200 else shown[:200] + "..."
        raise UsageError(f"--baseline {path}: stack {stack!r} has cost {shown}; {_BASELINE_SHAPE}")
    return float(value)


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def change_json(now: float, before: float | None, alert_percent: float) -> dict[str, Any]:
    """`cost.baselineMonthlyHigh` and `cost.change` of `preview --json --baseline`: null for a new stack."""
    if before is None:
        return {"baselineMonthlyHigh": None, "change": None}
    delta = round(now - before, 2)
    percent = round(100 * delta / before, 1) if before else None
    return {
        "baselineMonthlyHigh": before,
        "change": {
            "monthlyHigh": delta,
            "percent": percent,
            "aboveAlert": percent is not None and percent > alert_percent,
        },
    }


def markdown(estimates: dict[str, StackEstimate], baseline: dict[str, float] | None, alert_percent: float) -> str:
    lines = ["## Cost estimate", "", "| Stack | Monthly (USD) | Baseline | Change |", "|---|---|---|---|"]
    for stack, estimate in estimates.items():
        before = (baseline or {}).get(stack)
        lines.append(
            f"| {stack} | {span(estimate)} | {money(before) if before is not None else '–'} "
            f"| {_change(estimate.high, before, alert_percent)} |"
        )
    unpriced = [(stack, item) for stack, estimate in estimates.items() for item in estimate.unpriced]
    if unpriced:
        lines += [
            "",
            "Unpriced resources (not counted): "
            + ", ".join(f"`{item['type']}` in {stack}" for stack, item in unpriced),
        ]
    return "\n".join(lines) + "\n"


def _change(now: float, before: float | None, alert_percent: float) -> str:
    if before is None:
        return "new"
    delta = now - before
    percent = 100 * delta / before if before else 0.0
    flag = f" ⚠️ above {alert_percent:g} %" if percent > alert_percent else ""
    return f"{'+' if delta >= 0 else '−'}{money(abs(delta))} ({percent:+.1f} %){flag}"


def to_json(estimates: dict[str, StackEstimate]) -> dict[str, Any]:
    return {stack: estimate.to_json() for stack, estimate in estimates.items()}
