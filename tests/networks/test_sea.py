"""Tests for :mod:`networks.sea` (real ``searoute`` calls, no mocks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import LineString

from networks import (
    NoSeaRouteError,
    cache_path,
    clear_sea_cache,
    sea_distance_km,
    sea_passages,
    sea_route,
    seaport,
)

__all__: list[str] = []

NANSHA = seaport("CNNSA").latlon
LOS_ANGELES = seaport("USLAX").latlon
HAMBURG = seaport("DEHAM").latlon


def test_nansha_los_angeles_transpacific() -> None:
    km = sea_distance_km(NANSHA, LOS_ANGELES)
    assert 11_000 < km < 13_500


def test_nansha_hamburg_via_suez_and_around_the_cape() -> None:
    via_suez = sea_distance_km(NANSHA, HAMBURG)
    assert 18_000 < via_suez < 21_500
    # Closing Suez sends the route around the Cape of Good Hope: several
    # thousand km longer.
    around_cape = sea_distance_km(NANSHA, HAMBURG, avoid=("northwest", "suez"))
    assert around_cape > via_suez + 4_000


def test_lat_lon_order_and_validation() -> None:
    # Swapping to (lon, lat) gives latitude 113.58, which must be rejected.
    with pytest.raises(ValueError, match=r"\(lat, lon\)"):
        sea_distance_km((NANSHA[1], NANSHA[0]), LOS_ANGELES)
    with pytest.raises(ValueError, match="passage"):
        sea_distance_km(NANSHA, LOS_ANGELES, avoid=("atlantis",))
    assert {"suez", "panama", "northwest"} <= sea_passages()
    assert sea_distance_km(NANSHA, NANSHA) == 0.0


def test_sea_route_geometry() -> None:
    line = sea_route(NANSHA, LOS_ANGELES)
    assert isinstance(line, LineString)
    # Vertices are (lon, lat); the route starts and ends at the given points.
    assert line.coords[0] == pytest.approx((NANSHA[1], NANSHA[0]))
    # Eastbound over the Pacific the line stays continuous past 180° E, so the
    # end longitude is Los Angeles' plus 360.
    assert line.coords[-1] == pytest.approx((LOS_ANGELES[1] + 360.0, LOS_ANGELES[0]))
    assert max(x for x, _ in line.coords) > 180.0
    with pytest.raises(ValueError, match="coincide"):
        sea_route(NANSHA, NANSHA)


def test_disk_cache_round_trip(sea_cache_dir: Path) -> None:
    path = cache_path()
    assert path == sea_cache_dir / "sea_km.json"
    assert not path.exists()
    km = sea_distance_km(NANSHA, LOS_ANGELES)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == 1
    assert list(data["km"].values()) == [pytest.approx(km)]
    # No temporary files are left behind by the atomic write.
    assert [p.name for p in path.parent.iterdir()] == ["sea_km.json"]

    # A fresh process (simulated by clearing the in-memory cache) reads the
    # file; planting a sentinel value proves the answer came from disk.
    (key,) = data["km"]
    data["km"][key] = 12_345.0
    path.write_text(json.dumps(data), encoding="utf-8")
    clear_sea_cache()
    assert sea_distance_km(NANSHA, LOS_ANGELES) == 12_345.0
    # Rounding to 4 decimals makes nearby inputs share the entry.
    clear_sea_cache()
    assert sea_distance_km((NANSHA[0] + 1e-6, NANSHA[1]), LOS_ANGELES) == 12_345.0

    # disk_cache=False bypasses the file entirely.
    assert sea_distance_km(NANSHA, LOS_ANGELES, disk_cache=False) == pytest.approx(km)


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2, 3]", '{"format": 1, "searoute": "0.0.1", "km": {"a": 1.0}}', "", '{"km": 5}'],
)
def test_corrupt_cache_is_ignored_and_rewritten(content: str) -> None:
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    km = sea_distance_km(NANSHA, LOS_ANGELES)
    assert 11_000 < km < 13_500
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data["km"].values()) == [pytest.approx(km)]


def test_unwritable_cache_dir_does_not_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    # A cache "directory" below a regular file can never be created.
    monkeypatch.setenv("OWL_CACHE_DIR", str(blocker / "cache"))
    assert 11_000 < sea_distance_km(NANSHA, LOS_ANGELES) < 13_500


def test_no_sea_route_error_is_lookup_error() -> None:
    assert issubclass(NoSeaRouteError, LookupError)
