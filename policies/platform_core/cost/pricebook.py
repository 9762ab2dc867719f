"""The price book and usage assumptions shipped beside this module, with the checks that keep them honest.

Both are checked against their schema (pricebook_schema.py) when loaded: a broken file is a UsageError naming
the file, the key path and the value, before any estimate is made from it.
"""

from __future__ import annotations

import datetime
import fnmatch
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError
from .pricebook_schema import MAX_PROBLEMS, PRICE_BOOK, USAGE, Shape, problems_of

__all__ = ["MAX_PROBLEMS", "MissingPrice", "PriceBook", "load_price_book", "load_usage", "stale_rows", "usage_for"]

COST_DIR = Path(__file__).resolve().parent
# How messages name the data files: by their place in the repository.
PRICE_BOOK_NAME = "policies/platform_core/cost/pricebook.yaml"
USAGE_NAME = "policies/platform_core/cost/usage.yaml"


class MissingPrice(LookupError):
    """The book has no price for something a stack uses."""


@dataclass(frozen=True)
class PriceBook:
    document: dict[str, Any]

    @property
    def hours_per_month(self) -> float:
        return float(self.document["meta"]["hoursPerMonth"])

    @property
    def max_age_days(self) -> int:
        return int(self.document["meta"]["maxAgeDays"])

    def service(self, key: str) -> float:
        return self._price(self.document["services"], key, "services")

    def instance_hour(self, instance_type: str) -> float:
        return self._price(self.document["ec2Hourly"], instance_type, "ec2Hourly")

    def database_hour(self, instance_class: str, multi_az: bool) -> float:
        row = self.document["rdsHourly"].get(instance_class)
        if row is None:
            raise MissingPrice(f"rdsHourly.{instance_class}")
        return float(row["multiAz" if multi_az else "single"])

    def spot_discount(self) -> tuple[float, float]:
        band = self.document["spotDiscount"]
        return float(band["low"]["price"]), float(band["high"]["price"])

    def tiered(self, key: str, quantity: float) -> float:
        """A month's `quantity` priced through the row's volume bands in turn (first 100,000 at one price, ...)."""
        row = (self.document.get("tiered") or {}).get(key)
        if row is None:
            raise MissingPrice(f"tiered.{key}")
        cost, floor = 0.0, 0.0
        for band in row["bands"]:
            ceiling = float(band.get("upTo", math.inf))
            cost += max(0.0, min(quantity, ceiling) - floor) * float(band["price"])
            floor = max(floor, ceiling)
        if quantity > floor:  # the last band has an upper bound: beyond it the book has no price
            raise MissingPrice(f"tiered.{key} above {floor:g}")
        return cost

    def is_free(self, resource_type: str) -> bool:
        return any(fnmatch.fnmatchcase(resource_type, pattern) for pattern in self.document.get("free") or [])

    def rows(self) -> list[tuple[str, dict[str, Any]]]:
        """Every dated row, as (dotted name, row)."""
        found = []
        for section in ("ec2Hourly", "spotDiscount", "services", "tiered", "rdsHourly"):
            for key, row in (self.document.get(section) or {}).items():
                if isinstance(row, dict) and "source" in row:
                    found.append((f"{section}.{key}", row))
                else:
                    found += [(f"{section}.{key}.{k}", r) for k, r in (row or {}).items() if isinstance(r, dict)]
        return found

    @staticmethod
    def _price(section: dict[str, Any], key: str, name: str) -> float:
        row = section.get(key)
        if row is None:
            raise MissingPrice(f"{name}.{key}")
        return float(row["price"])


def stale_rows(book: PriceBook, today: datetime.date) -> list[str]:
    """Rows older than the book allows, or without a source or a read date."""
    problems = []
    for name, row in book.rows():
        read = row.get("read")
        if not row.get("source") or not isinstance(read, datetime.date):
            problems.append(f"{name}: needs `source` and a `read` date")
        elif (today - read).days > book.max_age_days:
            problems.append(f"{name}: read {read}, {(today - read).days} days ago (max {book.max_age_days})")
    return problems


def load_price_book(path: Path | None = None) -> PriceBook:
    name = PRICE_BOOK_NAME if path is None else str(path)
    return PriceBook(_load(path or COST_DIR / "pricebook.yaml", name, PRICE_BOOK))


def load_usage(path: Path | None = None) -> dict[str, Any]:
    return _load(path or COST_DIR / "usage.yaml", USAGE_NAME if path is None else str(path), USAGE)


def usage_for(usage: dict[str, Any], tier: str) -> dict[str, Any]:
    tiers = usage.get("tiers") or {}
    if tier not in tiers:
        raise UsageError(f"{USAGE_NAME} has no usage for tier {tier!r}; tiers there: {', '.join(sorted(tiers))}")
    return tiers[tier]


def _load(path: Path, name: str, schema: Shape) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    # ValueError: undecodable bytes, or a date-shaped scalar that is no date (2026-13-01) in PyYAML's constructor
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise UsageError(f"cannot read {name}: {error}") from None
    problems = problems_of(document, schema)
    if problems or not isinstance(document, dict):  # a Record schema reports a non-mapping as a problem
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        raise UsageError(f"{name}: " + "; ".join(problems[:MAX_PROBLEMS]) + more)
    return document
