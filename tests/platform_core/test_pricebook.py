"""The price book and usage file: every row sourced and fresh, and every broken copy refused by its schema."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from platform_core.cost import pricebook
from platform_core.cost.pricebook import COST_DIR, load_price_book, load_usage, stale_rows
from platform_core.cost.pricebook_schema import SERVICES
from platform_core.errors import UsageError

from .estimate_cases import BOOK

COMMITTED_BOOK = yaml.safe_load((COST_DIR / "pricebook.yaml").read_text())
COMMITTED_USAGE = yaml.safe_load((COST_DIR / "usage.yaml").read_text())


def test_price_book_rows_are_sourced_and_fresh():
    assert stale_rows(BOOK, datetime.date.today()) == []


def test_staleness_check_catches_an_old_book():
    later = datetime.date.today() + datetime.timedelta(days=BOOK.max_age_days + 1)
    assert len(stale_rows(BOOK, later)) == len(BOOK.rows()) > 40


def test_the_committed_files_pass_their_schemas():
    assert load_price_book().document == COMMITTED_BOOK
    assert load_usage() == COMMITTED_USAGE


def broken(tmp_path: Path, document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> Path:
    edited = copy.deepcopy(document)
    change(edited)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(edited))
    return path


def _set(dotted: str, value: Any) -> Callable[[dict[str, Any]], None]:
    *parents, last = dotted.split("/")

    def change(document: dict[str, Any]) -> None:
        for key in parents:
            document = document[key]
        document[last] = value

    return change


def _drop(dotted: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = dotted.split("/")

    def change(document: dict[str, Any]) -> None:
        for key in parents:
            document = document[key]
        del document[last]

    return change


def _rename(dotted: str, new: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = dotted.split("/")

    def change(document: dict[str, Any]) -> None:
        for key in parents:
            document = document[key]
        document[new] = document.pop(last)

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set("services/natGatewayHour/price", "abc"),
            "services.natGatewayHour.price is 'abc', expected a number >= 0",
        ),
        (_set("ec2Hourly/m6i.large/price", -0.096), "ec2Hourly.m6i.large.price is -0.096, expected a number >= 0"),
        (_set("rdsHourly/db.t4g.micro/multiAz", True), "rdsHourly.db.t4g.micro.multiAz is True, expected a number"),
        (_set("services/albHour/price", float("nan")), "services.albHour.price is nan, expected a number >= 0"),
        (
            _set("services/albHour/price", "0.0225"),
            "services.albHour.price is '0.0225', expected a number >= 0 (this is text to YAML: write a plain decimal",
        ),
        (
            _set("spotDiscount/high/price", 1.5),
            "spotDiscount.high.price is 1.5, expected a number >= 0 and <= 1",
        ),
        (
            _rename("services/natGatewayHour", "natGatewayHours"),
            "services.natGatewayHours is not a known key; services takes eksControlPlaneHour, natGatewayHour,",
        ),
        (_drop("services/natGatewayHour"), "services lacks the key 'natGatewayHour' (a mapping with keys price,"),
        (_drop("meta/hoursPerMonth"), "meta lacks the key 'hoursPerMonth' (a number > 0 and <= 744)"),
        (_drop("ec2Hourly/m6i.large/price"), "ec2Hourly.m6i.large lacks the key 'price'"),
        (_set("ec2Hourly/m6i.large/read", "yesterday"), "ec2Hourly.m6i.large.read is 'yesterday', expected a date"),
        (_set("ec2Hourly/m6i.large/source", "aws"), "ec2Hourly.m6i.large.source is 'aws', expected a URL"),
        (_set("ec2Hourly/M6i Large", {}), "ec2Hourly has key 'M6i Large', expected an EC2 instance type"),
        (_set("ec2Hourly", ["m6i.large"]), "ec2Hourly is ['m6i.large'], expected a mapping of an EC2 instance type"),
        (_set("meta/currency", "EUR"), "meta.currency is 'EUR', expected USD"),
        (_set("free", "aws:iam/*"), "free is 'aws:iam/*', expected a list of a resource type"),
        (_set("discounts", {}), "discounts is not a known key; the top level takes meta, sources,"),
        (
            _set("tiered/securityHubCheck/bands", [{"upTo": 0, "price": 0.001}, {"price": 0.0008}]),
            "tiered.securityHubCheck.bands[0].upTo is 0, expected a number > 0",
        ),
        (
            _set("tiered/securityHubCheck/bands", [{"upTo": 100000}]),
            "tiered.securityHubCheck.bands[0] lacks the key 'price'",
        ),
        (_drop("tiered/configRuleEvaluation/read"), "tiered.configRuleEvaluation lacks the key 'read'"),
    ],
)
def test_a_broken_price_book_is_refused_naming_file_key_and_value(tmp_path, change, message):
    path = broken(tmp_path, COMMITTED_BOOK, change)
    with pytest.raises(UsageError) as raised:
        load_price_book(path)
    assert str(raised.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop("tiers/prod/natGbPerGateway"), "tiers.prod lacks the key 'natGbPerGateway' (a number >= 0)"),
        (_set("tiers/prod/s3Gb/data", -5), "tiers.prod.s3Gb.data is -5, expected a number >= 0"),
        (_set("tiers/dev/albLcu", "abc"), "tiers.dev.albLcu is 'abc', expected a number >= 0"),
        (_set("tiers/dev/logsIngestGb", 3), "tiers.dev.logsIngestGb is 3, expected a mapping of a log group name"),
        (_set("businessHoursPerMonth", 0), "businessHoursPerMonth is 0, expected a number > 0 and <= 744"),
        (_rename("riseAlertPercent", "riseAlertPct"), "riseAlertPct is not a known key; the top level takes"),
        (_set("tiers", {}), "tiers is {}, expected a mapping of a usage profile name"),
        (_set("tiers/QA team", copy.deepcopy(COMMITTED_USAGE["tiers"]["dev"])), "tiers has key 'QA team'"),
        (
            _drop("accounts/account-prod/regions/us-east-1/securityHubChecks"),
            "accounts.account-prod.regions.us-east-1 lacks the key 'securityHubChecks' (a number >= 0)",
        ),
        (
            _set("accounts/account-nonprod/regions/useast1", {}),
            "accounts.account-nonprod.regions has key 'useast1', expected an AWS region",
        ),
        (_set("accounts/account-prod/configGlobalItems", -1), "accounts.account-prod.configGlobalItems is -1"),
    ],
)
def test_a_broken_usage_file_is_refused_naming_file_key_and_value(tmp_path, change, message):
    path = broken(tmp_path, COMMITTED_USAGE, change)
    with pytest.raises(UsageError) as raised:
        load_usage(path)
    assert str(raised.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the top level is None, expected a mapping with keys meta, sources, ec2Hourly"),
        ("- a\n- b\n", "the top level is ['a', 'b'], expected a mapping"),
    ],
)
def test_a_price_book_of_the_wrong_shape_is_refused(tmp_path, text, message):
    path = tmp_path / "book.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as raised:
        load_price_book(path)
    assert str(raised.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("meta: [\n", "cannot read {path}: while parsing"),
        ("read: 2026-13-01\n", "cannot read {path}: month must be in 1..12"),
        (None, "cannot read {path}: [Errno 2]"),
    ],
)
def test_an_unreadable_file_is_a_usage_error(tmp_path, text, message):
    path = tmp_path / "usage.yaml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(UsageError) as raised:
        load_usage(path)
    assert str(raised.value).startswith(message.format(path=path))


def test_many_problems_are_one_paragraph_naming_the_first_few(tmp_path):
    path = broken(tmp_path, COMMITTED_BOOK, lambda book: book["services"].clear())
    with pytest.raises(UsageError) as raised:
        load_price_book(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.count("lacks the key") == pricebook.MAX_PROBLEMS
    assert message.endswith(f"(and {len(SERVICES) - pricebook.MAX_PROBLEMS} more)")


def test_the_default_files_are_named_by_their_place_in_the_repository(monkeypatch, tmp_path):
    (tmp_path / "pricebook.yaml").write_text("meta: {}\n")
    monkeypatch.setattr(pricebook, "COST_DIR", tmp_path)
    with pytest.raises(UsageError, match=r"^policies/platform_core/cost/pricebook.yaml: meta lacks the key"):
        load_price_book()


def test_the_cost_command_refuses_a_broken_price_book(monkeypatch, tmp_path, capsys):
    from platformctl.cli import main

    (tmp_path / "usage.yaml").write_text((COST_DIR / "usage.yaml").read_text())
    broken_book = broken(tmp_path, COMMITTED_BOOK, _set("services/natGatewayHour/price", "abc"))
    broken_book.rename(tmp_path / "pricebook.yaml")
    monkeypatch.setattr(pricebook, "COST_DIR", tmp_path)
    assert main(["cost", "--stack", "dev", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: policies/platform_core/cost/pricebook.yaml: services.natGatewayHour.price is 'abc', "
        "expected a number >= 0"
    )
    assert "Traceback" not in err
