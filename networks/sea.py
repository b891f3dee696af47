"""Sea distances and routes over the ``searoute`` maritime network.

``searoute`` finds the shortest path over a global graph of shipping lanes
(Eurostat's MARNET). The answers only depend on the two coordinates, the
passages to avoid and the ``searoute`` version, so they are cached twice:

* in process, by :func:`functools.lru_cache`, keyed on coordinates rounded to
  4 decimals (about 11 m);
* on disk, optionally, in a JSON file ``sea_km.json`` under ``$OWL_CACHE_DIR``
  (default ``~/.cache/owl``). The file is rewritten atomically, and a file
  that is unreadable, corrupt or written by another ``searoute`` version is
  ignored and replaced: the cache can never make a call fail.

Coordinates are ``(lat, lon)`` tuples in degrees, as everywhere in
``networks``; ``searoute`` itself wants ``[lon, lat]``, and the conversion
happens only here. The origin and destination are joined to the nearest node
of the maritime graph by straight segments, so pass port coordinates (on the
water), not inland ones.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import logging
import math
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shapely.geometry import LineString

from networks.io import atomic_write_text

__all__ = [
    "DEFAULT_AVOID",
    "NoSeaRouteError",
    "cache_path",
    "clear_sea_cache",
    "sea_distance_km",
    "sea_passages",
    "sea_route",
]

_log = logging.getLogger(__name__)

DEFAULT_AVOID: tuple[str, ...] = ("northwest",)
"""Passages avoided by default: the Northwest Passage is not a commercial route."""

_CACHE_FILE = "sea_km.json"
_CACHE_FORMAT = 1
_DECIMALS = 4

LatLon = tuple[float, float]


class NoSeaRouteError(LookupError):
    """``searoute`` found no path, usually because the avoided passages cut it off."""


def _searoute_version() -> str:
    try:
        return importlib.metadata.version("searoute")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def sea_passages() -> frozenset[str]:
    """Return the passage names that ``searoute`` understands (``suez``, ``panama``, ...)."""
    from searoute.classes.passages import Passage

    return frozenset(
        value for name, value in vars(Passage).items() if not name.startswith("_") and isinstance(value, str)
    )


def cache_path() -> Path:
    """Return the disk cache file: ``$OWL_CACHE_DIR/sea_km.json`` or ``~/.cache/owl/sea_km.json``."""
    root = os.environ.get("OWL_CACHE_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "owl"
    return base / _CACHE_FILE


def _normalise(point: LatLon, label: str) -> LatLon:
    try:
        lat, lon = (float(v) for v in point)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a (lat, lon) pair of numbers, got {point!r}") from None
    if not -90.0 <= lat <= 90.0 or not -180.0 <= lon <= 180.0:
        raise ValueError(
            f"{label} {point!r} is not a valid (lat, lon) in degrees; note the order is (lat, lon), "
            "not (lon, lat)"
        )
    # Adding 0.0 turns -0.0 into 0.0 so both round to the same cache key.
    return (round(lat, _DECIMALS) + 0.0, round(lon, _DECIMALS) + 0.0)


def _normalise_avoid(avoid: Iterable[str]) -> tuple[str, ...]:
    names = tuple(sorted({str(a).strip().lower() for a in avoid}))
    unknown = set(names) - sea_passages()
    if unknown:
        raise ValueError(f"unknown sea passage(s) {sorted(unknown)}; known: {sorted(sea_passages())}")
    return names


def _key(origin: LatLon, destination: LatLon, avoid: tuple[str, ...]) -> str:
    return (
        f"{origin[0]:.{_DECIMALS}f},{origin[1]:.{_DECIMALS}f};"
        f"{destination[0]:.{_DECIMALS}f},{destination[1]:.{_DECIMALS}f};{'+'.join(avoid)}"
    )


def _route_feature(origin: LatLon, destination: LatLon, avoid: tuple[str, ...]) -> Any:
    import searoute

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        feature = searoute.searoute(
            [origin[1], origin[0]],
            [destination[1], destination[0]],
            units="km",
            restrictions=list(avoid),
            append_orig_dest=True,
        )
    length = float(feature.properties["length"])
    coords = feature.geometry["coordinates"]
    if not math.isfinite(length) or len(coords) < 2:
        detail = "; ".join(str(w.message) for w in caught)
        raise NoSeaRouteError(
            f"no sea route from {origin} to {destination} avoiding {list(avoid)}"
            + (f" (searoute: {detail})" if detail else "")
        )
    return feature


# --------------------------------------------------------------------------- disk cache


def _read_disk_cache(path: Path) -> dict[str, float]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        _log.warning("ignoring unreadable sea-distance cache %s: %s", path, exc)
        return {}
    try:
        data = json.loads(raw)
        if data.get("format") != _CACHE_FORMAT or data.get("searoute") != _searoute_version():
            # Another searoute version may have a different maritime graph.
            return {}
        entries = data["km"]
        return {
            str(k): float(v)
            for k, v in entries.items()
            if isinstance(v, int | float) and math.isfinite(v) and v >= 0
        }
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        _log.warning("ignoring corrupt sea-distance cache %s (%s); it will be rewritten", path, exc)
        return {}


def _write_disk_cache(path: Path, entries: dict[str, float]) -> None:
    payload = {"format": _CACHE_FORMAT, "searoute": _searoute_version(), "km": entries}
    try:
        # Atomic, so readers see the old file or the new one, never half of one.
        atomic_write_text(path, json.dumps(payload, sort_keys=True, indent=0))
    except OSError as exc:
        _log.warning("could not write sea-distance cache %s: %s", path, exc)


@functools.lru_cache(maxsize=65536)
def _sea_km(origin: LatLon, destination: LatLon, avoid: tuple[str, ...], disk_cache: bool) -> float:
    if origin == destination:
        return 0.0
    key = _key(origin, destination, avoid)
    path = cache_path() if disk_cache else None
    if path is not None:
        hit = _read_disk_cache(path).get(key)
        if hit is not None:
            return hit
    km = float(_route_feature(origin, destination, avoid).properties["length"])
    if path is not None:
        # Re-read just before writing so entries added meanwhile by another
        # process are kept; a simultaneous writer can still win the race, which
        # only costs a recomputation later.
        entries = _read_disk_cache(path)
        entries[key] = km
        _write_disk_cache(path, entries)
    return km


def sea_distance_km(
    origin: LatLon,
    destination: LatLon,
    *,
    avoid: Iterable[str] = DEFAULT_AVOID,
    disk_cache: bool = True,
) -> float:
    """Shortest sea distance between two points, in km.

    Parameters
    ----------
    origin, destination : tuple of float
        ``(lat, lon)`` in degrees, ideally port coordinates. They are rounded
        to 4 decimals (about 11 m) before routing and caching.
    avoid : iterable of str, default ``("northwest",)``
        Passages the route may not use, from :func:`sea_passages`, e.g.
        ``("northwest", "suez", "babalmandab")`` for a Red Sea diversion
        around the Cape of Good Hope.
    disk_cache : bool, default True
        Also read and write the JSON cache at :func:`cache_path`.

    Returns
    -------
    float
        Length of the route in km, including the straight joins from the two
        points to the maritime graph. 0.0 when the points coincide.

    Raises
    ------
    ValueError
        If a point is not a valid ``(lat, lon)`` or a passage is unknown.
    NoSeaRouteError
        If no route exists under the restrictions.
    """
    return _sea_km(
        _normalise(origin, "origin"),
        _normalise(destination, "destination"),
        _normalise_avoid(avoid),
        disk_cache,
    )


def sea_route(origin: LatLon, destination: LatLon, *, avoid: Iterable[str] = DEFAULT_AVOID) -> LineString:
    """Shortest sea route between two points as a line, for maps.

    Parameters
    ----------
    origin, destination : tuple of float
        ``(lat, lon)`` in degrees.
    avoid : iterable of str, default ``("northwest",)``
        Passages to avoid, as in :func:`sea_distance_km`.

    Returns
    -------
    shapely.geometry.LineString
        Vertices in GIS order, ``(lon, lat)``, in degrees on WGS84. As
        ``searoute`` gives it, the line is continuous: a route crossing the
        antimeridian carries on past ±180 (Nansha to Los Angeles ends at
        longitude 241.72 rather than -118.28), so it draws without a jump
        across the map. Apply ``((lon + 180) % 360) - 180`` to vertices if
        strict EPSG:4326 ranges are needed. Not cached.

    Raises
    ------
    ValueError
        If a point is invalid, the points coincide, or a passage is unknown.
    NoSeaRouteError
        If no route exists under the restrictions.
    """
    o = _normalise(origin, "origin")
    d = _normalise(destination, "destination")
    if o == d:
        raise ValueError(f"origin and destination coincide at {o}; a route needs two distinct points")
    feature = _route_feature(o, d, _normalise_avoid(avoid))
    return LineString([(float(x), float(y)) for x, y in feature.geometry["coordinates"]])


def clear_sea_cache() -> None:
    """Forget the in-process cache (the disk cache file is left alone)."""
    _sea_km.cache_clear()
