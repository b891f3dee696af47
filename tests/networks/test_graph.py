"""Tests for :mod:`networks.graph`."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from networks import (
    FrozenNetworkError,
    Lane,
    Mode,
    NoPathError,
    Place,
    PlaceKind,
    Tariff,
    TransportNetwork,
    UnknownPlaceError,
    airport,
    seaport,
)

__all__: list[str] = []


def _place(pid: str, lat: float, lon: float, kind: PlaceKind = PlaceKind.WAREHOUSE) -> Place:
    return Place(pid, f"Place {pid}", kind, lat, lon, "CN", "test fixture")


@pytest.fixture
def tiny() -> TransportNetwork:
    """A -> B by road and (parallel) by rail, B -> C by ocean, A -> C by air, C -> D by road."""
    net = TransportNetwork([_place("A", 23.0, 113.0), _place("B", 22.7, 113.6), _place("C", 33.7, -118.3)])
    net.add_place(_place("D", 34.0, -118.0))
    net.add_lane(Lane("ab-road", "A", "B", Mode.ROAD, 80, 0.5, 0.1, 14))
    net.add_lane(Lane("ab-rail", "A", "B", Mode.RAIL, 75, 1.0, 0.2, 2))
    net.add_lane(
        Lane(
            "bc-fcl", "B", "C", Mode.OCEAN_FCL, 12081, 16, 2, 2,
            tariff=Tariff(per_container=2500, container_m3=67.7, container_kg=26_500, source="quote"),
            source="test",
        )
    )
    net.add_lane(
        Lane(
            "ac-air", "A", "C", Mode.AIR, 11700, 2, 0.5, 14, capacity_kg_per_week=5000,
            tariff=Tariff(per_kg=4.5, volumetric_kg_per_m3=167, currency="CNY"),
        )
    )
    net.add_lane(Lane("cd-road", "C", "D", "road", 40, 0.2))  # type: ignore[arg-type]
    return net


def _ids(path: tuple[Lane, ...]) -> list[str]:
    return [lane.id for lane in path]


def test_accessors(tiny: TransportNetwork) -> None:
    assert len(tiny) == 4
    assert "A" in tiny
    assert "Z" not in tiny
    assert tiny.place("A") in tiny
    assert tiny.lane("bc-fcl") in tiny
    assert [p.id for p in tiny.places] == ["A", "B", "C", "D"]
    assert [lane.id for lane in tiny.lanes] == ["ab-road", "ab-rail", "bc-fcl", "ac-air", "cd-road"]
    assert {lane.id for lane in tiny.lanes_between("A", "B")} == {"ab-road", "ab-rail"}
    assert tiny.lanes_between("B", "A") == ()
    assert {lane.id for lane in tiny.out_lanes("A")} == {"ab-road", "ab-rail", "ac-air"}
    with pytest.raises(UnknownPlaceError):
        tiny.place("Z")
    with pytest.raises(KeyError):
        tiny.lane("nope")
    assert tiny.graph.number_of_edges() == 5
    assert tiny.graph["A"]["B"]["ab-rail"]["lane"].mode is Mode.RAIL
    assert tiny.graph.nodes["A"]["place"] == tiny.place("A")


def test_paths_with_parallel_lanes_and_modes(tiny: TransportNetwork) -> None:
    paths = tiny.paths("A", "C")
    assert [_ids(p) for p in paths] == [["ac-air"], ["ab-road", "bc-fcl"], ["ab-rail", "bc-fcl"]]
    assert [_ids(p) for p in tiny.paths("A", "D")] == [
        ["ac-air", "cd-road"],
        ["ab-road", "bc-fcl", "cd-road"],
        ["ab-rail", "bc-fcl", "cd-road"],
    ]
    by_sea = tiny.paths("A", "C", modes={Mode.ROAD, Mode.OCEAN_FCL})
    assert [_ids(p) for p in by_sea] == [["ab-road", "bc-fcl"]]
    assert [_ids(p) for p in tiny.paths("A", "C", modes=["rail", "ocean_fcl"])] == [["ab-rail", "bc-fcl"]]
    assert [_ids(p) for p in tiny.paths("A", "C", max_legs=1)] == [["ac-air"]]


def test_no_path(tiny: TransportNetwork) -> None:
    with pytest.raises(NoPathError, match=r"'D'.*'A'"):
        tiny.paths("D", "A")
    with pytest.raises(NoPathError, match=r"'A'.*'D'.*postal"):
        tiny.paths("A", "D", modes={Mode.POSTAL})
    with pytest.raises(NoPathError, match=r"'A'.*'C'"):
        tiny.shortest_path("A", "C", modes={Mode.RAIL})
    with pytest.raises(UnknownPlaceError):
        tiny.paths("A", "Z")
    with pytest.raises(ValueError, match="same place"):
        tiny.paths("A", "A")
    with pytest.raises(ValueError, match="max_legs"):
        tiny.paths("A", "C", max_legs=0)
    assert issubclass(NoPathError, LookupError)


def test_shortest_and_k_shortest(tiny: TransportNetwork) -> None:
    assert _ids(tiny.shortest_path("A", "C")) == ["ac-air"]
    # By distance, the sea route via B (75 + 12081) is longer than air (11700).
    assert _ids(tiny.shortest_path("A", "C", "distance_km")) == ["ac-air"]
    # Parallel lanes collapse to the lightest one: rail is shorter, road faster.
    assert _ids(tiny.shortest_path("A", "B", "distance_km")) == ["ab-rail"]
    assert _ids(tiny.shortest_path("A", "B")) == ["ab-road"]
    k = tiny.k_shortest_paths("A", "D", 5)
    assert [_ids(p) for p in k] == [["ac-air", "cd-road"], ["ab-road", "bc-fcl", "cd-road"]]
    door = tiny.shortest_path("A", "C", lambda lane: lane.transit_mean_days + lane.wait_mean_days)
    assert _ids(door) == ["ac-air"]
    assert _ids(tiny.shortest_path("A", "C", modes={"road", "rail", "ocean_fcl"})) == ["ab-road", "bc-fcl"]
    with pytest.raises(ValueError, match="k must be"):
        tiny.k_shortest_paths("A", "C", 0)
    with pytest.raises(ValueError, match="unknown lane weight"):
        tiny.shortest_path("A", "C", "speed")


def test_building_errors(tiny: TransportNetwork) -> None:
    with pytest.raises(ValueError, match="already"):
        tiny.add_lane(Lane("ab-road", "A", "C", Mode.ROAD, 1, 1))
    with pytest.raises(ValueError, match="'Z' is not in the network"):
        tiny.add_lane(Lane("az", "A", "Z", Mode.ROAD, 1, 1))
    with pytest.raises(ValueError, match="different place"):
        tiny.add_place(_place("A", 0.0, 0.0))
    tiny.add_place(_place("A", 23.0, 113.0))  # identical: no-op
    assert len(tiny) == 4


def test_frozen_network(tiny: TransportNetwork) -> None:
    assert tiny.freeze() is tiny
    assert tiny.frozen
    with pytest.raises(FrozenNetworkError, match="frozen"):
        tiny.add_lane(Lane("new", "A", "D", Mode.ROAD, 1, 1))
    with pytest.raises(FrozenNetworkError):
        tiny.add_place(_place("E", 0.0, 0.0))
    with pytest.raises(nx.NetworkXError):
        tiny.graph.add_edge("A", "D")
    # Queries still work.
    assert _ids(tiny.shortest_path("A", "D")) == ["ac-air", "cd-road"]


def test_graph_property_is_read_only_before_freezing(tiny: TransportNetwork) -> None:
    with pytest.raises(nx.NetworkXError):
        tiny.graph.add_node("X")
    assert "X" not in tiny


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distance_km": -1}, "distance_km"),
        ({"transit_mean_days": math.nan}, "transit_mean_days"),
        ({"transit_std_days": -0.1}, "transit_std_days"),
        ({"departures_per_week": 0}, "departures_per_week"),
        ({"capacity_kg_per_week": -5}, "capacity_kg_per_week"),
        ({"distance_km": math.inf}, "distance_km"),
        ({"mode": "teleport"}, "mode"),
        ({"destination": "A"}, "origin and destination"),
    ],
)
def test_lane_validation(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "id": "L1", "origin": "A", "destination": "B", "mode": Mode.ROAD,
        "distance_km": 10.0, "transit_mean_days": 1.0,
    }
    base.update(kwargs)
    with pytest.raises(ValueError, match=rf"'L1'.*{message}"):
        Lane(**base)  # type: ignore[arg-type]


def test_lane_tariff_must_be_a_tariff() -> None:
    with pytest.raises(TypeError, match=r"'L1'.*Tariff"):
        Lane("L1", "A", "B", Mode.ROAD, 1, 1, tariff={"per_kg": 1})  # type: ignore[arg-type]


def test_lane_waiting_time() -> None:
    lane = Lane("L", "A", "B", Mode.OCEAN_FCL, 100, 10, departures_per_week=2)
    assert lane.headway_days == pytest.approx(3.5)
    assert lane.wait_mean_days == pytest.approx(1.75)
    assert lane.wait_std_days == pytest.approx(3.5 / math.sqrt(12))
    assert lane.capacity_kg_per_week == math.inf
    assert lane.tariff == Tariff()
    assert Lane("M", "A", "B", "air", 1, 1).mode is Mode.AIR  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"per_kg": -1}, "per_kg"),
        ({"per_m3": math.nan}, "per_m3"),
        ({"container_fill": 0.0}, "container_fill"),
        ({"container_fill": 1.2}, "container_fill"),
        ({"per_container": 100}, "container_m3"),
        ({"per_container": 100, "container_m3": 67}, "container_kg"),
        ({"currency": ""}, "currency"),
    ],
)
def test_tariff_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Tariff(**kwargs)  # type: ignore[arg-type]


def test_chargeable_kg() -> None:
    air = Tariff(per_kg=4.0, volumetric_kg_per_m3=167)
    assert air.chargeable_kg(10.0, 0.1) == pytest.approx(16.7)
    assert air.chargeable_kg(20.0, 0.1) == pytest.approx(20.0)
    assert isinstance(air.chargeable_kg(1, 0), float)
    np.testing.assert_allclose(air.chargeable_kg(np.array([10.0, 20.0]), 0.1), [16.7, 20.0])
    assert Tariff().chargeable_kg(5.0, 100.0) == 5.0
    with pytest.raises(ValueError, match="non-negative"):
        air.chargeable_kg(-1.0, 0.0)


@given(
    st.floats(min_value=0, max_value=1e6),
    st.floats(min_value=0, max_value=1e3),
    st.floats(min_value=0, max_value=1e3),
)
def test_chargeable_kg_properties(weight: float, volume: float, factor: float) -> None:
    charged = Tariff(volumetric_kg_per_m3=factor).chargeable_kg(weight, volume)
    assert charged >= weight
    assert charged >= volume * factor
    assert charged in (weight, volume * factor)


def _assert_same(a: TransportNetwork, b: TransportNetwork) -> None:
    assert a.places == b.places
    assert a.lanes == b.lanes


def test_geodataframe_round_trip(tiny: TransportNetwork) -> None:
    nodes, lanes = tiny.to_geodataframes()
    assert nodes.crs.to_epsg() == 4326
    assert lanes.crs.to_epsg() == 4326
    assert list(nodes.columns) == ["id", "name", "kind", "lat", "lon", "country", "source", "geometry"]
    assert {"tariff_per_container", "tariff_currency", "tariff_volumetric_kg_per_m3"} <= set(lanes.columns)
    assert "tariff" not in lanes.columns
    assert nodes.geometry.iloc[0].x == 113.0
    assert nodes.geometry.iloc[0].y == 23.0
    air = lanes.set_index("id").loc["ac-air"]
    assert air["mode"] == "air"
    assert air["tariff_currency"] == "CNY"
    assert list(air.geometry.coords) == [(113.0, 23.0), (-118.3, 33.7)]
    _assert_same(TransportNetwork.from_geodataframes(nodes, lanes), tiny)


def test_from_geodataframes_uses_geometry_without_lat_lon(tiny: TransportNetwork) -> None:
    nodes, lanes = tiny.to_geodataframes()
    projected = nodes.drop(columns=["lat", "lon"]).to_crs("EPSG:3857")
    rebuilt = TransportNetwork.from_geodataframes(projected, lanes)
    for a, b in zip(rebuilt.places, tiny.places, strict=True):
        assert a.lat == pytest.approx(b.lat, abs=1e-9)
        assert a.lon == pytest.approx(b.lon, abs=1e-9)


def test_geopackage_write_and_read_back(tiny: TransportNetwork, tmp_path: Path) -> None:
    path = tmp_path / "out" / "net.gpkg"
    tiny.write_geopackage(path)
    tiny.write_geopackage(path)  # overwriting an existing file works
    assert sorted(p.name for p in path.parent.iterdir()) == ["net.gpkg"]
    nodes = gpd.read_file(path, layer="places")
    lanes = gpd.read_file(path, layer="lanes")
    assert len(nodes) == 4
    assert len(lanes) == 5
    assert nodes.crs.to_epsg() == 4326
    _assert_same(TransportNetwork.from_geodataframes(nodes, lanes), tiny)
    _assert_same(TransportNetwork.read_geopackage(path), tiny)


def test_geojson_write_and_read_back(tiny: TransportNetwork, tmp_path: Path) -> None:
    nodes_path, lanes_path = tmp_path / "places.geojson", tmp_path / "lanes.geojson"
    tiny.write_geojson(nodes_path, lanes_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["lanes.geojson", "places.geojson"]
    rebuilt = TransportNetwork.from_geodataframes(gpd.read_file(nodes_path), gpd.read_file(lanes_path))
    _assert_same(rebuilt, tiny)


def test_real_places_network() -> None:
    net = TransportNetwork([seaport("CNNSA"), seaport("USLAX"), airport("CAN"), airport("LAX")])
    net.add_lane(Lane("air", "airport:CAN", "airport:LAX", Mode.AIR, 11_700, 2))
    assert [p.kind for p in net.places] == [PlaceKind.SEAPORT] * 2 + [PlaceKind.AIRPORT] * 2
    assert repr(net) == "TransportNetwork(places=4, lanes=1, frozen=False)"
