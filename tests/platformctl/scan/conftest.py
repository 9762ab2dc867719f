"""Checkov from .venv-scan, as `make scan` runs it: without it these tests fail (they never skip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_core.errors import UsageError
from platformctl.scan.checkov import checkov_binary

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def checkov() -> Path:
    try:
        return checkov_binary(REPO)
    except UsageError as error:  # a missing scanner is a broken checkout, not a reason to test less
        pytest.fail(str(error))
