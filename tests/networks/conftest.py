"""Shared fixtures for the ``networks`` tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from networks import clear_sea_cache

__all__: list[str] = []


@pytest.fixture(autouse=True)
def sea_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the sea-distance disk cache at a fresh directory for every test.

    Keeps the developer's real ``~/.cache/owl`` untouched and makes each test
    start from empty caches.
    """
    cache_dir = tmp_path / "owl-cache"
    monkeypatch.setenv("OWL_CACHE_DIR", str(cache_dir))
    clear_sea_cache()
    yield cache_dir
    clear_sea_cache()
