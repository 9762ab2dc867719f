"""The price book: every row sourced and fresh, and the freshness check itself."""

from __future__ import annotations

import datetime

from platform_core.cost.pricebook import stale_rows

from .estimate_cases import BOOK


def test_price_book_rows_are_sourced_and_fresh():
    assert stale_rows(BOOK, datetime.date.today()) == []


def test_staleness_check_catches_an_old_book():
    later = datetime.date.today() + datetime.timedelta(days=BOOK.max_age_days + 1)
    assert len(stale_rows(BOOK, later)) == len(BOOK.rows()) > 40
