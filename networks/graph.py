"""Transport networks: places joined by lanes of a given mode.

A :class:`Lane` is one scheduled, directed service between two places (an
ocean FCL loop from Nansha to Los Angeles, a daily truck run, a rail service),
with its distance, transit-time distribution, frequency, capacity and
:class:`Tariff`. A :class:`TransportNetwork` holds places and lanes in a
:class:`networkx.MultiDiGraph`, so several lanes may join the same two places
(different modes, carriers or service levels).

Conventions: distances in km, times in days, weights in kg, volumes in m³,
money in the tariff's ``currency``. Tariffs here are plain freight rates;
duties, taxes and other money rules live elsewhere.
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import math
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from networks.io import StagedOutputs
from networks.places import Place, PlaceKind, UnknownPlaceError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "FrozenNetworkError",
    "Lane",
    "Mode",
    "NoPathError",
    "Tariff",
    "TransportNetwork",
]

CRS = "EPSG:4326"

LaneWeight = str | Callable[["Lane"], float]


class Mode(enum.StrEnum):
    """Transport mode of a :class:`Lane`.

    A :class:`enum.StrEnum`: members compare equal to their string values.
    """

    ROAD = "road"
    OCEAN_FCL = "ocean_fcl"
    OCEAN_LCL = "ocean_lcl"
    AIR = "air"
    RAIL = "rail"
    POSTAL = "postal"


class NoPathError(LookupError):
    """No sequence of lanes joins the two places under the given constraints."""


class FrozenNetworkError(RuntimeError):
    """A frozen :class:`TransportNetwork` was asked to change."""


def _check_non_negative(owner: str, name: str, value: float, *, allow_inf: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: {name} must be a number, got {value!r}") from None
    if math.isnan(number) or number < 0 or (math.isinf(number) and not allow_inf):
        bound = "a non-negative number" if allow_inf else "a finite non-negative number"
        raise ValueError(f"{owner}: {name} must be {bound}, got {value!r}")
    return number


@dataclass(frozen=True, slots=True)
class Tariff:
    """Freight rate of a lane: what moving a shipment over it costs.

    The cost of a shipment is the sum of the terms that apply; how they combine
    with shipment sizes is up to the costing code. All amounts are in
    ``currency``.

    Parameters
    ----------
    per_kg : float
        Per chargeable kg (see :meth:`chargeable_kg`).
    per_m3 : float
        Per m³ of volume.
    per_item : float
        Per parcel or piece.
    per_container : float
        Per container used; requires ``container_m3`` and ``container_kg``.
    per_kg_km : float
        Per chargeable kg and km of lane distance.
    container_m3 : float
        Internal volume of one container (about 33 for a 20', 67 for a 40');
        0 means the lane is not containerised.
    container_kg : float
        Maximum payload of one container.
    container_fill : float
        Fraction of ``container_m3`` usable in practice, in (0, 1]; 0.85
        allows for stowage losses of cartons.
    volumetric_kg_per_m3 : float
        Dimensional-weight factor; 0 means weight only. Air freight commonly
        uses 167 kg/m³ (a 6,000 cm³/kg divisor).
    currency : str
        ISO 4217 currency code.
    source : str
        Where the rates came from.

    Raises
    ------
    ValueError
        If an amount is negative or not finite, ``container_fill`` is outside
        (0, 1], or a per-container rate lacks container dimensions.
    """

    per_kg: float = 0.0
    per_m3: float = 0.0
    per_item: float = 0.0
    per_container: float = 0.0
    per_kg_km: float = 0.0
    container_m3: float = 0.0
    container_kg: float = 0.0
    container_fill: float = 0.85
    volumetric_kg_per_m3: float = 0.0
    currency: str = "USD"
    source: str = ""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name in ("currency", "source"):
                continue
            object.__setattr__(self, f.name, _check_non_negative("Tariff", f.name, getattr(self, f.name)))
        if not 0.0 < self.container_fill <= 1.0:
            raise ValueError(f"Tariff: container_fill must be in (0, 1], got {self.container_fill!r}")
        if self.per_container > 0 and (self.container_m3 <= 0 or self.container_kg <= 0):
            raise ValueError(
                "Tariff: per_container > 0 needs container_m3 > 0 and container_kg > 0 "
                f"(got container_m3={self.container_m3!r}, container_kg={self.container_kg!r})"
            )
        if not isinstance(self.currency, str) or not self.currency.strip():
            raise ValueError(f"Tariff: currency must be a non-empty string, got {self.currency!r}")

    def chargeable_kg(self, weight_kg: npt.ArrayLike, volume_m3: npt.ArrayLike) -> float | np.ndarray:
        """Chargeable weight: the larger of actual and volumetric weight.

        Parameters
        ----------
        weight_kg : float or array_like
            Actual gross weight in kg.
        volume_m3 : float or array_like
            Volume in m³; broadcasts against ``weight_kg``.

        Returns
        -------
        float or numpy.ndarray
            ``max(weight_kg, volume_m3 * volumetric_kg_per_m3)``, a ``float``
            for scalar input.

        Raises
        ------
        ValueError
            If a weight or volume is negative or NaN.
        """
        w = np.asarray(weight_kg, dtype=float)
        v = np.asarray(volume_m3, dtype=float)
        if np.any(~(w >= 0)) or np.any(~(v >= 0)):
            raise ValueError("weights and volumes must be non-negative numbers")
        result = np.maximum(w, v * self.volumetric_kg_per_m3)
        if result.ndim == 0:
            return float(result)
        return result


@dataclass(frozen=True, slots=True)
class Lane:
    """A directed transport service between two places.

    Parameters
    ----------
    id : str
        Unique lane id within a network.
    origin, destination : str
        Place ids of the two ends.
    mode : Mode
        Transport mode; a matching string such as ``"air"`` is accepted.
    distance_km : float
        Distance travelled, km.
    transit_mean_days, transit_std_days : float
        Mean and standard deviation of the time from departure to arrival,
        days.
    departures_per_week : float
        Service frequency; must be positive.
    capacity_kg_per_week : float
        Weekly capacity available to us; ``inf`` means unconstrained.
    tariff : Tariff
        Freight rate.
    source : str
        Where the lane data came from.

    Raises
    ------
    ValueError
        Naming the lane id and the field, if an id is empty, the ends are the
        same, a number is negative or not finite (capacity may be ``inf``),
        or ``departures_per_week`` is not positive.
    TypeError
        If ``tariff`` is not a :class:`Tariff`.
    """

    id: str
    origin: str
    destination: str
    mode: Mode
    distance_km: float
    transit_mean_days: float
    transit_std_days: float = 0.0
    departures_per_week: float = 7.0
    capacity_kg_per_week: float = math.inf
    tariff: Tariff = field(default_factory=Tariff)
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"Lane id must be a non-empty string, got {self.id!r}")
        owner = f"Lane {self.id!r}"
        for name in ("origin", "destination"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{owner}: {name} must be a non-empty place id, got {value!r}")
        if self.origin == self.destination:
            raise ValueError(f"{owner}: origin and destination are both {self.origin!r}")
        try:
            object.__setattr__(self, "mode", Mode(self.mode))
        except ValueError:
            raise ValueError(
                f"{owner}: mode {self.mode!r} is not one of {[m.value for m in Mode]}"
            ) from None
        for name in ("distance_km", "transit_mean_days", "transit_std_days", "departures_per_week"):
            object.__setattr__(self, name, _check_non_negative(owner, name, getattr(self, name)))
        if self.departures_per_week <= 0:
            raise ValueError(f"{owner}: departures_per_week must be > 0, got {self.departures_per_week!r}")
        object.__setattr__(
            self,
            "capacity_kg_per_week",
            _check_non_negative(owner, "capacity_kg_per_week", self.capacity_kg_per_week, allow_inf=True),
        )
        if not isinstance(self.tariff, Tariff):
            raise TypeError(f"{owner}: tariff must be a Tariff, got {type(self.tariff).__name__}")

    @property
    def headway_days(self) -> float:
        """Days between departures, ``7 / departures_per_week``."""
        return 7.0 / self.departures_per_week

    @property
    def wait_mean_days(self) -> float:
        """Mean wait for the next departure, days.

        Assumes cargo becomes ready at a time uniformly distributed over the
        headway H and leaves with the next departure, so the wait is
        Uniform(0, H) with mean H / 2.
        """
        return self.headway_days / 2.0

    @property
    def wait_std_days(self) -> float:
        """Standard deviation of the wait for the next departure, days.

        Under the same uniform-arrival assumption as :attr:`wait_mean_days`,
        the standard deviation of Uniform(0, H) is H / sqrt(12).
        """
        return self.headway_days / math.sqrt(12.0)


def _lane_weight(weight: LaneWeight) -> Callable[[Lane], float]:
    if callable(weight):
        return weight
    # Accept any numeric field or property of Lane (distance_km, wait_mean_days, ...).
    probe = getattr(Lane, weight, None)
    if probe is None:
        raise ValueError(f"unknown lane weight {weight!r}; give a Lane attribute name or a callable")

    def by_attribute(lane: Lane) -> float:
        return float(getattr(lane, weight))

    return by_attribute


# Flattened column layout of the lanes table; tariff fields carry a prefix.
_LANE_FIELDS = [f.name for f in dataclasses.fields(Lane) if f.name != "tariff"]
_TARIFF_FIELDS = [f.name for f in dataclasses.fields(Tariff)]
_PLACE_FIELDS = [f.name for f in dataclasses.fields(Place)]
_TEXT_FIELDS = {"id", "name", "kind", "country", "source", "origin", "destination", "mode", "currency"}


def _text(value: Any) -> str:
    # File formats may return missing text as None or NaN.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


class TransportNetwork:
    """Places and the lanes between them.

    Nodes of the underlying :class:`networkx.MultiDiGraph` are place ids with
    the :class:`Place` in attribute ``"place"``; edges are keyed by lane id
    with the :class:`Lane` in attribute ``"lane"``.

    Parameters
    ----------
    places : iterable of Place, optional
        Places to add.
    lanes : iterable of Lane, optional
        Lanes to add after the places.

    Examples
    --------
    >>> from networks import Lane, Mode, TransportNetwork, seaport
    >>> net = TransportNetwork([seaport("CNNSA"), seaport("USLAX")])
    >>> net.add_lane(Lane("fcl-1", "seaport:CNNSA", "seaport:USLAX", Mode.OCEAN_FCL, 12081, 16, 2, 2))
    >>> [lane.id for lane in net.shortest_path("seaport:CNNSA", "seaport:USLAX")]
    ['fcl-1']
    """

    __slots__ = ("_graph", "_lanes")

    def __init__(self, places: Iterable[Place] = (), lanes: Iterable[Lane] = ()) -> None:
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._lanes: dict[str, Lane] = {}
        for p in places:
            self.add_place(p)
        for lane in lanes:
            self.add_lane(lane)

    # ------------------------------------------------------------------ building

    @property
    def frozen(self) -> bool:
        """Whether :meth:`freeze` has been called."""
        return bool(nx.is_frozen(self._graph))

    def _check_mutable(self, action: str) -> None:
        if self.frozen:
            raise FrozenNetworkError(f"cannot {action}: the network is frozen")

    def add_place(self, place: Place) -> None:
        """Add a place; re-adding an identical place does nothing.

        Parameters
        ----------
        place : Place
            The place; its ``id`` becomes the node id.

        Raises
        ------
        FrozenNetworkError
            If the network is frozen.
        ValueError
            If another, different place has the same id.
        TypeError
            If ``place`` is not a :class:`Place`.
        """
        self._check_mutable(f"add place {getattr(place, 'id', place)!r}")
        if not isinstance(place, Place):
            raise TypeError(f"expected a Place, got {type(place).__name__}")
        existing = self._graph.nodes.get(place.id)
        if existing is not None:
            if existing["place"] != place:
                raise ValueError(f"a different place with id {place.id!r} is already in the network")
            return
        self._graph.add_node(place.id, place=place)

    def add_lane(self, lane: Lane) -> None:
        """Add a lane between two places already in the network.

        Parameters
        ----------
        lane : Lane
            The lane; its ``id`` becomes the edge key.

        Raises
        ------
        FrozenNetworkError
            If the network is frozen.
        ValueError
            If an end is not in the network or the lane id is taken.
        TypeError
            If ``lane`` is not a :class:`Lane`.
        """
        self._check_mutable(f"add lane {getattr(lane, 'id', lane)!r}")
        if not isinstance(lane, Lane):
            raise TypeError(f"expected a Lane, got {type(lane).__name__}")
        if lane.id in self._lanes:
            raise ValueError(f"lane id {lane.id!r} is already in the network")
        for end in (lane.origin, lane.destination):
            if end not in self._graph:
                raise ValueError(f"lane {lane.id!r}: place {end!r} is not in the network; add it first")
        self._graph.add_edge(lane.origin, lane.destination, key=lane.id, lane=lane)
        self._lanes[lane.id] = lane

    def freeze(self) -> TransportNetwork:
        """Make the network immutable and return it (the same object).

        Later calls to :meth:`add_place` or :meth:`add_lane` raise
        :class:`FrozenNetworkError`.
        """
        nx.freeze(self._graph)
        return self

    # ------------------------------------------------------------------ access

    @property
    def graph(self) -> nx.MultiDiGraph:
        """Read-only view of the underlying graph (structural changes raise)."""
        return self._graph.copy(as_view=True)

    def place(self, place_id: str) -> Place:
        """Return the place with this id, or raise :class:`UnknownPlaceError`."""
        try:
            return self._graph.nodes[place_id]["place"]
        except KeyError:
            raise UnknownPlaceError(f"place {place_id!r} is not in the network") from None

    def lane(self, lane_id: str) -> Lane:
        """Return the lane with this id, or raise :class:`KeyError`."""
        try:
            return self._lanes[lane_id]
        except KeyError:
            raise KeyError(f"lane {lane_id!r} is not in the network") from None

    @property
    def places(self) -> tuple[Place, ...]:
        """All places, in insertion order."""
        return tuple(data["place"] for _, data in self._graph.nodes(data=True))

    @property
    def lanes(self) -> tuple[Lane, ...]:
        """All lanes, in insertion order."""
        return tuple(self._lanes.values())

    def lanes_between(self, origin: str, destination: str) -> tuple[Lane, ...]:
        """Lanes from ``origin`` to ``destination`` (one direction only)."""
        self._require(origin)
        self._require(destination)
        edges = self._graph.get_edge_data(origin, destination) or {}
        return tuple(data["lane"] for data in edges.values())

    def out_lanes(self, origin: str) -> tuple[Lane, ...]:
        """Lanes leaving ``origin``."""
        self._require(origin)
        return tuple(data["lane"] for _, _, data in self._graph.out_edges(origin, data=True))

    def _require(self, place_id: str) -> None:
        if place_id not in self._graph:
            raise UnknownPlaceError(f"place {place_id!r} is not in the network")

    def __contains__(self, item: object) -> bool:
        """``id in net`` tests place ids; places and lanes can be tested too."""
        if isinstance(item, Lane):
            return self._lanes.get(item.id) == item
        if isinstance(item, Place):
            return item.id in self._graph and self._graph.nodes[item.id]["place"] == item
        return isinstance(item, str) and item in self._graph

    def __len__(self) -> int:
        """Number of places."""
        return self._graph.number_of_nodes()

    def __repr__(self) -> str:
        return f"TransportNetwork(places={len(self)}, lanes={len(self._lanes)}, frozen={self.frozen})"

    # ------------------------------------------------------------------ paths

    def _mode_view(self, modes: Collection[Mode | str] | None) -> nx.MultiDiGraph:
        if modes is None:
            return self._graph
        wanted = frozenset(Mode(m) for m in modes)
        lanes = self._lanes
        return nx.subgraph_view(self._graph, filter_edge=lambda u, v, k: lanes[k].mode in wanted)

    def _check_ends(self, source: str, target: str) -> None:
        self._require(source)
        self._require(target)
        if source == target:
            raise ValueError(f"source and target are the same place {source!r}")

    def paths(
        self,
        source: str,
        target: str,
        *,
        max_legs: int = 6,
        modes: Collection[Mode | str] | None = None,
    ) -> list[tuple[Lane, ...]]:
        """All simple paths from ``source`` to ``target`` as sequences of lanes.

        Parallel lanes between the same places yield distinct paths, so the
        count grows multiplicatively with parallel lanes; keep ``max_legs``
        small on dense networks.

        Parameters
        ----------
        source, target : str
            Place ids.
        max_legs : int, default 6
            Longest path, in lanes.
        modes : collection of Mode, optional
            If given, only lanes of these modes are used.

        Returns
        -------
        list of tuple of Lane
            Sorted by number of legs, then total mean transit days, then lane
            ids, so the order is reproducible.

        Raises
        ------
        UnknownPlaceError
            If an end is not in the network.
        ValueError
            If the ends coincide or ``max_legs`` < 1.
        NoPathError
            If no path satisfies the constraints.
        """
        self._check_ends(source, target)
        if max_legs < 1:
            raise ValueError(f"max_legs must be >= 1, got {max_legs!r}")
        graph = self._mode_view(modes)
        found = [
            tuple(self._lanes[key] for _, _, key in edge_path)
            for edge_path in nx.all_simple_edge_paths(graph, source, target, cutoff=max_legs)
        ]
        if not found:
            raise NoPathError(self._no_path_message(source, target, modes, f"within {max_legs} legs"))
        found.sort(key=lambda p: (len(p), sum(lane.transit_mean_days for lane in p), [x.id for x in p]))
        return found

    def _no_path_message(
        self, source: str, target: str, modes: Collection[Mode | str] | None, extra: str = ""
    ) -> str:
        parts = [f"no path from {source!r} to {target!r}"]
        if modes is not None:
            parts.append(f"using modes {sorted(Mode(m).value for m in modes)}")
        if extra:
            parts.append(extra)
        return " ".join(parts)

    def _collapsed(self, weight: LaneWeight, modes: Collection[Mode | str] | None) -> nx.DiGraph:
        """Simple digraph keeping, per ordered pair of places, the lightest lane."""
        weigh = _lane_weight(weight)
        simple = nx.DiGraph()
        simple.add_nodes_from(self._graph.nodes)
        for u, v, key in self._mode_view(modes).edges(keys=True):
            lane = self._lanes[key]
            w = weigh(lane)
            if not w >= 0:
                raise ValueError(f"lane {lane.id!r}: weight {w!r} is negative or NaN")
            best = simple.get_edge_data(u, v)
            # Ties go to the smaller lane id so results do not depend on insertion order.
            if best is None or (w, lane.id) < (best["w"], best["lane"].id):
                simple.add_edge(u, v, w=w, lane=lane)
        return simple

    def k_shortest_paths(
        self,
        source: str,
        target: str,
        k: int,
        weight: LaneWeight = "transit_mean_days",
        *,
        modes: Collection[Mode | str] | None = None,
    ) -> list[tuple[Lane, ...]]:
        """Up to ``k`` loop-free paths in increasing order of total weight.

        Parallel lanes are first collapsed to the lightest one per ordered
        pair of places, so two paths through the same places are never both
        returned; use :meth:`paths` to see every parallel alternative.

        Parameters
        ----------
        source, target : str
            Place ids.
        k : int
            Maximum number of paths, >= 1.
        weight : str or callable, default "transit_mean_days"
            Name of a numeric :class:`Lane` field or property (``"distance_km"``,
            ``"wait_mean_days"``, ...) or a function of a lane. Must be
            non-negative.
        modes : collection of Mode, optional
            If given, only lanes of these modes are used.

        Returns
        -------
        list of tuple of Lane

        Raises
        ------
        UnknownPlaceError, ValueError, NoPathError
            As for :meth:`paths`; ``ValueError`` also for ``k`` < 1 or a bad
            weight.
        """
        self._check_ends(source, target)
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k!r}")
        simple = self._collapsed(weight, modes)
        try:
            ranked = nx.shortest_simple_paths(simple, source, target, weight="w")
            node_paths = list(itertools.islice(ranked, k))
        except nx.NetworkXNoPath:
            raise NoPathError(self._no_path_message(source, target, modes)) from None
        return [tuple(simple.edges[u, v]["lane"] for u, v in itertools.pairwise(p)) for p in node_paths]

    def shortest_path(
        self,
        source: str,
        target: str,
        weight: LaneWeight = "transit_mean_days",
        *,
        modes: Collection[Mode | str] | None = None,
    ) -> tuple[Lane, ...]:
        """The path of least total weight, as lanes.

        Parameters and exceptions are those of :meth:`k_shortest_paths`.
        """
        return self.k_shortest_paths(source, target, 1, weight, modes=modes)[0]

    # ------------------------------------------------------------------ geodata

    def to_geodataframes(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """Places and lanes as GeoDataFrames in EPSG:4326.

        Returns
        -------
        nodes : geopandas.GeoDataFrame
            One row per place, a column per :class:`Place` field (``kind`` as
            its string value) and a Point geometry.
        lanes : geopandas.GeoDataFrame
            One row per lane, a column per :class:`Lane` field except
            ``tariff``, whose fields are flattened into ``tariff_*`` columns;
            geometry is the straight segment between the ends (not the real
            route).
        """
        import geopandas as gpd
        from shapely.geometry import LineString, Point

        node_rows = [
            {name: _plain(getattr(p, name)) for name in _PLACE_FIELDS} for p in self.places
        ]
        node_geom = [Point(p.lon, p.lat) for p in self.places]
        nodes = gpd.GeoDataFrame(node_rows, columns=_PLACE_FIELDS, geometry=node_geom, crs=CRS)

        lane_columns = _LANE_FIELDS + [f"tariff_{name}" for name in _TARIFF_FIELDS]
        lane_rows = []
        lane_geom = []
        for lane in self.lanes:
            row = {name: _plain(getattr(lane, name)) for name in _LANE_FIELDS}
            row.update({f"tariff_{name}": getattr(lane.tariff, name) for name in _TARIFF_FIELDS})
            lane_rows.append(row)
            a, b = self.place(lane.origin), self.place(lane.destination)
            lane_geom.append(LineString([(a.lon, a.lat), (b.lon, b.lat)]))
        lanes = gpd.GeoDataFrame(lane_rows, columns=lane_columns, geometry=lane_geom, crs=CRS)
        return nodes, lanes

    @classmethod
    def from_geodataframes(cls, nodes: gpd.GeoDataFrame, lanes: gpd.GeoDataFrame) -> TransportNetwork:
        """Build a network from tables shaped like :meth:`to_geodataframes` output.

        Place coordinates come from the ``lat``/``lon`` columns when present
        (they are exact), else from the Point geometry after conversion to
        EPSG:4326. Lane geometries are ignored. A missing capacity (as written
        by the file writers) means unlimited.

        Raises
        ------
        ValueError
            If a required column is missing or a row is invalid.
        """
        missing = [c for c in _PLACE_FIELDS if c not in nodes.columns and c not in ("lat", "lon")]
        if missing:
            raise ValueError(f"nodes table lacks columns {missing}")
        if "lat" in nodes.columns and "lon" in nodes.columns:
            lats, lons = nodes["lat"].to_numpy(float), nodes["lon"].to_numpy(float)
        else:
            geo = nodes.geometry if nodes.crs is None else nodes.geometry.to_crs(CRS)
            lats, lons = geo.y.to_numpy(float), geo.x.to_numpy(float)
        net = cls()
        for (_, row), lat, lon in zip(nodes.iterrows(), lats, lons, strict=True):
            net.add_place(
                Place(
                    id=_text(row["id"]),
                    name=_text(row["name"]),
                    kind=PlaceKind(_text(row["kind"])),
                    lat=float(lat),
                    lon=float(lon),
                    country=_text(row["country"]),
                    source=_text(row["source"]),
                )
            )

        missing = [c for c in _LANE_FIELDS if c not in lanes.columns]
        if missing:
            raise ValueError(f"lanes table lacks columns {missing}")
        tariff_defaults = Tariff()
        for _, row in lanes.iterrows():
            tariff_kwargs: dict[str, Any] = {}
            for name in _TARIFF_FIELDS:
                column = f"tariff_{name}"
                if column not in lanes.columns:
                    continue
                value = row[column]
                if name in _TEXT_FIELDS:
                    tariff_kwargs[name] = _text(value) or getattr(tariff_defaults, name)
                else:
                    tariff_kwargs[name] = float(value)
            capacity = row["capacity_kg_per_week"]
            net.add_lane(
                Lane(
                    id=_text(row["id"]),
                    origin=_text(row["origin"]),
                    destination=_text(row["destination"]),
                    mode=Mode(_text(row["mode"])),
                    distance_km=float(row["distance_km"]),
                    transit_mean_days=float(row["transit_mean_days"]),
                    transit_std_days=float(row["transit_std_days"]),
                    departures_per_week=float(row["departures_per_week"]),
                    capacity_kg_per_week=math.inf if _is_missing(capacity) else float(capacity),
                    tariff=Tariff(**tariff_kwargs),
                    source=_text(row["source"]),
                )
            )
        return net

    def _file_frames(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        nodes, lanes = self.to_geodataframes()
        # Not every format stores infinity (JSON has none); unlimited capacity
        # is written as a missing value, which from_geodataframes reads back as inf.
        capacity = lanes["capacity_kg_per_week"].astype(float)
        lanes["capacity_kg_per_week"] = capacity.where(np.isfinite(capacity), np.nan)
        return nodes, lanes

    def write_geopackage(
        self, path: str | os.PathLike[str], *, nodes_layer: str = "places", lanes_layer: str = "lanes"
    ) -> None:
        """Write places and lanes as two layers of one GeoPackage, atomically.

        The file is assembled next to ``path`` and renamed over it, so a reader
        never sees a half-written file; an existing file is replaced whole.
        Unlimited capacities are stored as missing values. Read it back with
        :meth:`read_geopackage`.

        Parameters
        ----------
        path : str or os.PathLike
            Target ``.gpkg`` file; missing parent directories are created.
        nodes_layer, lanes_layer : str
            Layer names for the places and the lanes.
        """
        nodes, lanes = self._file_frames()
        with StagedOutputs() as staged:
            tmp = staged.path(Path(path))
            nodes.to_file(tmp, layer=nodes_layer, driver="GPKG", engine="pyogrio")
            lanes.to_file(tmp, layer=lanes_layer, driver="GPKG", engine="pyogrio", mode="a")

    @classmethod
    def read_geopackage(
        cls, path: str | os.PathLike[str], *, nodes_layer: str = "places", lanes_layer: str = "lanes"
    ) -> TransportNetwork:
        """Read a network written by :meth:`write_geopackage`.

        Parameters
        ----------
        path : str or os.PathLike
            The ``.gpkg`` file.
        nodes_layer, lanes_layer : str
            Layer names for the places and the lanes.

        Returns
        -------
        TransportNetwork
            A new, unfrozen network.
        """
        import geopandas as gpd

        nodes = gpd.read_file(path, layer=nodes_layer, engine="pyogrio")
        lanes = gpd.read_file(path, layer=lanes_layer, engine="pyogrio")
        return cls.from_geodataframes(nodes, lanes)

    def write_geojson(self, nodes_path: str | os.PathLike[str], lanes_path: str | os.PathLike[str]) -> None:
        """Write places and lanes as two GeoJSON files, each atomically.

        Parameters
        ----------
        nodes_path, lanes_path : str or os.PathLike
            Target files; missing parent directories are created. Read them
            back with :func:`geopandas.read_file` and :meth:`from_geodataframes`.
        """
        nodes, lanes = self._file_frames()
        for frame, path in ((nodes, nodes_path), (lanes, lanes_path)):
            with StagedOutputs() as staged:
                frame.to_file(staged.path(Path(path)), driver="GeoJSON", engine="pyogrio")


def _plain(value: Any) -> Any:
    """Enum members become their string values for tabular output."""
    return value.value if isinstance(value, enum.Enum) else value


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False
