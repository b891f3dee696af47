"""Fixtures shared by every test package."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.harness import Owl, invoke


@pytest.fixture
def owl() -> Owl:
    """``owl(*args)`` runs ``owl ARGS`` in-process through typer's CliRunner (see :func:`tests.harness.invoke`)."""
    return invoke


#: The day the built-in rules were last verified: CLI runs without --date use it, so the suite gives the same
#: numbers (and no "rules may have changed" warning) on any later day. tests/cli/test_rules_date.py checks the
#: real default.
PINNED_TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _pinned_today(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "real_today" in request.keywords:
        return
    monkeypatch.setattr("logistics.cli._common.today", lambda: PINNED_TODAY)
