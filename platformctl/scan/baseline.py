"""policies/scanner-baseline.yaml: the third-party scanner findings we accept, each with a reason and an owner.

    entries:
      - check: CKV_AWS_91
        resource: aws_lb.platform-prod-alb
        tier: prod
        reason: access logs go to the log bucket through the ELB log-delivery policy, which Checkov cannot follow
        owner: platform-team@example.com
        expires: 2027-06-30   # optional

`tier` is one tier, a list of tiers, or `all`; `{tier}` in `resource` stands for the stack's tier, so one
entry can accept the same design choice in several stacks (`aws_lb.platform-{tier}-alb`) without accepting it
in a tier it does not name.

The same rules as the pack's exemptions (policies/exemptions.yaml): no reason, no entry; an unknown key, an
entry given twice or an expired entry is refused (exit 2) before any stack is previewed, with the entry's index,
key, value and what is allowed.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from platform_core.errors import UsageError

DEFAULT_PATH = Path("policies/scanner-baseline.yaml")
TOP_KEY = "entries"
ALL_TIERS = "all"
# As for the pack's exemptions (platform_policies.exemptions.MIN_REASON_LENGTH): "n/a" justifies nothing.
MIN_REASON_LENGTH = 15

STACK_TIERS = ("dev", "staging", "prod")
Tier = str | list[str]
TIER_PLACEHOLDER = "{tier}"


class BaselineEntry(BaseModel):
    """One accepted finding: one check on one resource in one tier (or every tier)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str = Field(
        pattern=r"^CKV2?_[A-Z0-9]+_\d+$",
        description="The Checkov check id, as `platformctl scan` prints it (CKV_AWS_91, CKV2_AWS_60).",
    )
    resource: str = Field(
        pattern=r"^\S+\.\S+$",
        description="The resource's address in the exported plan (`<type>.<name>`, e.g. aws_lb.platform-prod-alb).",
    )
    tier: Tier = Field(
        description="The stack the finding is accepted in, a list of them, or `all` for every stack; `{tier}` in "
        "`resource` stands for each one's name."
    )
    reason: str = Field(
        min_length=MIN_REASON_LENGTH,
        description="Why the finding is accepted, in a sentence a reviewer can check (the design choice, the "
        "compensating control, or why the check misreads the export).",
    )
    owner: str = Field(min_length=1, description="Who answers for it: a team or an email address.")
    expires: datetime.date | None = Field(
        default=None, description="YYYY-MM-DD; after it the entry is refused until renewed or removed."
    )

    @field_validator("tier", mode="before")
    @classmethod
    def _known_tiers(cls, tier: Any) -> Any:
        allowed = "dev, staging, prod, all, or a list naming each of dev, staging, prod at most once"
        if isinstance(tier, str) and tier not in (*STACK_TIERS, ALL_TIERS):
            raise ValueError(f"expected {allowed}")
        if isinstance(tier, list) and (not tier or len(set(tier)) != len(tier) or not set(tier) <= set(STACK_TIERS)):
            raise ValueError(f"expected {allowed}")
        if not isinstance(tier, (str, list)):
            raise ValueError(f"expected {allowed}")
        return tier

    @property
    def tiers(self) -> frozenset[str]:
        if self.tier == ALL_TIERS:
            return frozenset(STACK_TIERS)
        return frozenset(self.tier if isinstance(self.tier, list) else [self.tier])

    def covers(self, stack: str) -> bool:
        return stack in self.tiers

    def address_in(self, stack: str) -> str:
        return self.resource.replace(TIER_PLACEHOLDER, stack)

    @property
    def label(self) -> str:
        tiers = ", ".join(self.tier) if isinstance(self.tier, list) else self.tier
        return f"{self.check} on {self.resource} ({tiers})"


def load_baseline(path: Path, today: datetime.date) -> list[BaselineEntry]:
    """Every entry of the file, or a `UsageError` naming each entry that cannot be honoured today."""
    if not path.is_file():
        raise UsageError(f"--baseline {path}: no such file; give the scanner baseline (default {DEFAULT_PATH})")
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"--baseline {path}: cannot read it as YAML: {error}") from None
    return parse_baseline(document, str(path), today)


def parse_baseline(document: Any, source: str, today: datetime.date) -> list[BaselineEntry]:
    indexed: list[tuple[int, BaselineEntry]] = []
    problems: list[str] = []
    for index, values in enumerate(_listed(document, source)):
        try:
            indexed.append((index, BaselineEntry.model_validate(values)))
        except ValidationError as error:
            problems.extend(f"entry {index}: {_describe(item)}" for item in error.errors(include_url=False))
    problems.extend(_expired(indexed, today))
    problems.extend(_duplicates(indexed))
    if problems:
        raise UsageError(
            f"scanner baseline {source} has {len(problems)} problem{'s' if len(problems) > 1 else ''}:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )
    return [entry for _, entry in indexed]


def _listed(document: Any, source: str) -> list[Any]:
    if document is None:
        return []
    if not isinstance(document, dict) or set(document) != {TOP_KEY}:
        raise UsageError(
            f"scanner baseline {source}: the file must be a mapping with one key, `{TOP_KEY}:`, holding a list "
            "of entries (`entries: []` when there are none)"
        )
    listed = document[TOP_KEY]
    if listed is None:
        return []
    if not isinstance(listed, list):
        raise UsageError(f"scanner baseline {source}: `{TOP_KEY}:` must be a list of entries; found {listed!r}")
    return listed


def _describe(item: ErrorDetails) -> str:
    location = ".".join(str(part) for part in item["loc"])
    fields = ", ".join(BaselineEntry.model_fields)
    if item["type"] == "extra_forbidden":
        return f"unknown key `{location}`; the keys are {fields}"
    if item["type"] == "missing":
        required = "reason: no reason, no entry" if location == "reason" else location
        return f"`{location}` is missing ({required}); the keys are {fields}"
    if item["type"] == "model_type":
        return f"an entry must be a mapping of {fields}; found {item.get('input')!r}"
    return f"`{location}` = {item.get('input')!r}: {_allowed(location, item['msg'])}"


def _allowed(key: str, message: str) -> str:
    hints = {
        "check": "a Checkov check id such as CKV_AWS_91 or CKV2_AWS_60",
        "resource": "a plan address `<type>.<name>` such as aws_lb.platform-prod-alb",
        "reason": f"a sentence of at least {MIN_REASON_LENGTH} characters saying why the finding is accepted",
        "owner": "a team or an email address",
        "expires": "a date YYYY-MM-DD",
    }
    return f"{message}; expected {hints[key]}" if key in hints else message


def _expired(indexed: list[tuple[int, BaselineEntry]], today: datetime.date) -> list[str]:
    return [
        f"entry {index}: {entry.label} expired on {entry.expires}: fix the finding, or renew the entry with a "
        "new date and a reason that still holds"
        for index, entry in indexed
        if entry.expires is not None and entry.expires < today
    ]


def _duplicates(indexed: list[tuple[int, BaselineEntry]]) -> list[str]:
    """Two entries for the same check and resource whose tiers overlap: one of them would excuse nothing."""
    problems = []
    for position, (index, entry) in enumerate(indexed):
        for earlier_index, earlier in indexed[:position]:
            if _overlap(earlier, entry):
                problems.append(
                    f"entry {index}: {entry.label} duplicates entry {earlier_index} ({earlier.label}); "
                    "keep one entry per check, resource and tier"
                )
                break
    return problems


def _overlap(one: BaselineEntry, other: BaselineEntry) -> bool:
    same_finding = (one.check, one.resource) == (other.check, other.resource)
    return same_finding and bool(one.tiers & other.tiers)
