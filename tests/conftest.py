"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest

from tests.harness import Owl, invoke


@pytest.fixture
def owl() -> Owl:
    """``owl(*args)`` runs ``owl ARGS`` in-process through typer's CliRunner (see :func:`tests.harness.invoke`)."""
    return invoke
