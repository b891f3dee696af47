"""logistics.report.layers: the plan's map layers, their GeoJSON text, the GeoPackage round trip and the errors
read_layers reports for files owl did not write."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import LineString, Point

from logistics.errors import ScenarioError
from logistics.report.layers import (
    PlanLayers,
    geojson_text,
    plan_layers,
    read_layers,
    write_geojson,
    write_geopackage,
)
from logistics.routing import Route, RoutingProblem, RoutingResult, VehicleType, check_solution
from logistics.scenario import Scenario, builtin

FLOW_COLUMNS = ["option", "product", "market", "channel", "mode", "warehouse", "share", "units_per_year", "geometry"]
ROUTE_COLUMNS = ["job", "route", "vehicle", "stops", "km", "first_arrival_h", "last_arrival_h", "geometry"]
STAMP = "2026-07-01T00:00:00.000Z"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return builtin()


@pytest.fixture(scope="module")
def layers(scenario: Scenario) -> PlanLayers:
    return plan_layers(scenario)


def _gc_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine with the mean Earth radius networks uses (6371.0088 km)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# -- plan_layers without a design ---------------------------------------------------------------------------------


def test_sites_are_every_place_of_the_scenario_with_its_role(layers: PlanLayers) -> None:
    """The built-in scenario has 5 seller clusters, 9 Guangzhou-side gateways (CAN GZMX NSA HPU GZRT NSBZ YTN
    SZX HKG), 24 entry points, 11 warehouse candidates and 11 markets: 60 sites."""
    sites = layers.sites
    assert len(sites) == 60
    assert sites["role"].value_counts().to_dict() == {"entry": 24, "gateway": 9, "warehouse": 11, "market": 11,
                                                      "origin": 5}
    assert sites["id"].is_unique
    assert str(sites.crs) == "EPSG:4326"
    # Without a design nothing is decided: every site counts as open and carries no load.
    assert sites["open"].all()
    assert (sites["load"] == 0.0).all()
    row = sites.set_index("id").loc["GZMX"]
    assert (row["role"], row["kind"], row["lon"], row["lat"]) == ("gateway", "mail_exchange", 113.28, 23.20)
    assert row["geometry"].equals(Point(113.28, 23.20))  # x = lon, y = lat
    assert sites.set_index("id").loc["WH-LA", "kind"] == "warehouse"  # warehouses have no kind: the role


def test_lanes_are_the_scenario_lanes_plus_the_generated_road_legs(scenario: Scenario, layers: PlanLayers) -> None:
    """173 lanes: 5 clusters x 9 gateways = 45 road legs to the gateways, 1 bonded zone x 4 parcel gateways
    (CAN, GZMX, SZX, HKG) = 4, the 57 line-haul lanes of the file, 24 entry -> warehouse legs and 15
    warehouse -> market legs (supplied_from and serves of the 11 warehouses), and 28 entry -> market legs
    (US 4 entries x 2 markets + GB 2 + DE 3 + PL 3 + JP 2 + MY 2 + AE 2 + AU 2 + CA 2 + SA 2)."""
    lanes = layers.lanes.set_index("id")
    assert len(scenario.lanes) == 57
    assert len(lanes) == 45 + 4 + 57 + 24 + 15 + 28 == 173
    assert (lanes["units_per_year"] == 0.0).all()  # no design, no flow
    post = lanes.loc["post-us-west"]
    assert (post["origin"], post["destination"], post["mode"], post["transit_days"]) == ("GZMX", "us-west",
                                                                                          "postal", 12.0)
    # distance_km is 0 in the file, so the great circle GZMX (23.20 N 113.28 E) - Los Angeles (34.05 N 118.24 W).
    assert post["distance_km"] == pytest.approx(_gc_km(113.28, 23.20, -118.24, 34.05), rel=1e-9)
    assert post["geometry"].equals(LineString([(113.28, 23.20), (-118.24, 34.05)]))
    # A generated road leg: great circle times the CN detour 1.3, at 300 km a day.
    road = lanes.loc["road:panyu>CAN"]
    km = _gc_km(113.38, 22.94, 113.2989, 23.3925) * 1.3
    assert (road["mode"], road["distance_km"], road["transit_days"]) == ("road", pytest.approx(km),
                                                                          pytest.approx(km / 300))


def test_flows_and_routes_are_empty_with_their_columns(layers: PlanLayers) -> None:
    assert len(layers.flows) == 0
    assert list(layers.flows.columns) == FLOW_COLUMNS
    assert len(layers.routes) == 0
    assert list(layers.routes.columns) == ROUTE_COLUMNS
    for gdf in (layers.flows, layers.routes):
        assert str(gdf.crs) == "EPSG:4326"
    assert [name for name, _ in layers.items()] == ["sites", "lanes", "flows", "routes"]


def _hand_routing() -> RoutingResult:
    """Depot (113.0, 23.0); client 0 one hour out with 10 min service, client 1 half an hour after it, client 2
    two hours out. Routes [0, 1] and [2]."""
    d = np.array([[0, 3600, 5400, 7200], [3600, 0, 1800, 9000], [5400, 1800, 0, 9000], [7200, 9000, 9000, 0]],
                 dtype=np.int64)
    p = RoutingProblem(
        name="hand", coords=np.array([[113.0, 23.0], [113.1, 23.0], [113.1, 23.1], [112.9, 23.0]]), n_depots=1,
        delivery=np.ones((3, 1), dtype=np.int64), pickup=np.zeros((3, 1), dtype=np.int64),
        service=np.array([0, 600, 0, 0], dtype=np.int64), tw_early=np.zeros(4, dtype=np.int64),
        tw_late=np.full(4, 86400, dtype=np.int64), required=np.ones(3, dtype=bool),
        prize=np.zeros(3, dtype=np.int64), vehicle_types=(VehicleType(count=2, capacity=(5,), name="van"),),
        distance=d, duration=d, client_names=("a", "b", "c"),
    )
    routes = (Route(0, (0, 1)), Route(0, (2,)))
    check = check_solution(p, list(routes))
    assert check.feasible, check.violations
    return RoutingResult(p, routes, check, "hand", 0.0, 0, ())


def test_routes_layer_from_a_routing_result(scenario: Scenario) -> None:
    """Route 1 arrives at client 0 at 3600 s = 1.0 h and at client 1 at 3600 + 600 (service) + 1800 = 6000 s
    = 1.667 h; route 2 arrives at client 2 at 7200 s = 2.0 h. Each line runs depot -> clients -> depot. Its km is
    the matrix's distance along it in the instance's unit (1 here): 3600 + 1800 + 5400 and 7200 + 7200."""
    routes = plan_layers(scenario, routing=[("job A", _hand_routing())]).routes
    assert list(routes.columns) == ROUTE_COLUMNS
    assert routes.drop(columns="geometry").to_dict(orient="records") == [
        {"job": "job A", "route": 1, "vehicle": "van", "stops": 2, "km": 10800.0, "first_arrival_h": 1.0,
         "last_arrival_h": 1.667},
        {"job": "job A", "route": 2, "vehicle": "van", "stops": 1, "km": 14400.0, "first_arrival_h": 2.0,
         "last_arrival_h": 2.0},
    ]
    assert routes.geometry.iloc[0].equals(LineString([(113.0, 23.0), (113.1, 23.0), (113.1, 23.1), (113.0, 23.0)]))
    assert routes.geometry.iloc[1].equals(LineString([(113.0, 23.0), (112.9, 23.0), (113.0, 23.0)]))


# -- GeoJSON --------------------------------------------------------------------------------------------------------


def test_geojson_text_round_trips_through_geopandas(layers: PlanLayers) -> None:
    text = geojson_text(layers.sites)
    assert text.endswith("}\n")
    assert not text.endswith("\n\n")
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 60
    assert all("id" not in f for f in doc["features"])  # drop_id: no pandas index as feature id
    back = gpd.read_file(io.BytesIO(text.encode("utf-8")))
    assert back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(layers.sites["id"])
    assert list(back["role"]) == list(layers.sites["role"])
    assert back["open"].dtype == bool
    assert back["open"].all()
    assert np.allclose(back["lon"], layers.sites["lon"])
    assert all(a.equals(b) for a, b in zip(back.geometry, layers.sites.geometry, strict=True))


def test_geojson_text_of_an_empty_layer_and_write_geojson(layers: PlanLayers, tmp_path: Path) -> None:
    assert geojson_text(layers.flows) == '{"type": "FeatureCollection", "features": []}\n'
    out = write_geojson(layers.lanes, tmp_path / "lanes.geojson")
    assert out == tmp_path / "lanes.geojson"
    assert out.read_text(encoding="utf-8") == geojson_text(layers.lanes)
    assert len(gpd.read_file(out)) == 173


# -- GeoPackage round trip ------------------------------------------------------------------------------------------


def test_write_geopackage_then_read_layers(layers: PlanLayers, tmp_path: Path) -> None:
    path = write_geopackage(layers, tmp_path / "plan.gpkg", last_change=STAMP)
    assert path == tmp_path / "plan.gpkg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg"]  # the temporary name is gone
    # Empty layers are left out of the file.
    assert [str(row[0]) for row in pyogrio.list_layers(path)] == ["sites", "lanes"]
    back = read_layers(path)
    for name in ("sites", "lanes"):
        want, got = getattr(layers, name), getattr(back, name)
        assert got.crs.to_epsg() == 4326
        assert list(got.columns) == list(want.columns)
        assert got.drop(columns="geometry").to_dict(orient="records") == \
            want.drop(columns="geometry").to_dict(orient="records")
        assert all(a.equals(b) for a, b in zip(got.geometry, want.geometry, strict=True))
    # Missing layers come back empty with the columns the maps read.
    assert len(back.flows) == 0
    assert {"product", "market", "channel", "mode", "share", "units_per_year"} <= set(back.flows.columns)
    assert len(back.routes) == 0
    assert {"job", "route", "stops"} <= set(back.routes.columns)


def test_a_fixed_last_change_gives_byte_identical_files(layers: PlanLayers, tmp_path: Path) -> None:
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    a = write_geopackage(layers, tmp_path / "a.gpkg", last_change=STAMP)
    b = write_geopackage(layers, tmp_path / "b.gpkg", last_change=STAMP)
    assert a.read_bytes() == b.read_bytes()
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") == before  # the GDAL option is restored


def test_a_failed_geopackage_write_keeps_the_previous_file(layers: PlanLayers, tmp_path: Path) -> None:
    """GDAL has no field type for complex numbers: the routes layer (written last, after sites and lanes went
    into the temporary file) fails, and plan.gpkg stays the previous file with no temporary left."""
    path = write_geopackage(layers, tmp_path / "plan.gpkg", last_change=STAMP)
    before = path.read_bytes()
    bad_routes = gpd.GeoDataFrame({"job": ["x"], "route": [1], "stops": [1], "z": np.array([1 + 2j])},
                                  geometry=[Point(0, 0)], crs="EPSG:4326")
    bad = PlanLayers(layers.sites, layers.lanes, layers.flows, bad_routes)
    with pytest.raises(NotImplementedError, match="complex"):
        write_geopackage(bad, path, last_change=STAMP)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg"]


def test_read_layers_reprojects_to_wgs84(layers: PlanLayers, tmp_path: Path) -> None:
    path = tmp_path / "mercator.gpkg"
    pyogrio.write_dataframe(layers.sites.to_crs("EPSG:3857"), path, layer="sites", driver="GPKG")
    back = read_layers(path)
    assert back.sites.crs.to_epsg() == 4326
    pt = back.sites.set_index("id").loc["panyu", "geometry"]
    assert (pt.x, pt.y) == (pytest.approx(113.38, abs=1e-9), pytest.approx(22.94, abs=1e-9))
    assert len(back.lanes) == 0  # a file with only sites is enough


# -- read_layers errors ---------------------------------------------------------------------------------------------


def _error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        read_layers(path)
    assert info.value.file == str(path)
    assert "owl plan" in info.value.fix
    return info.value


def test_read_layers_rejects_a_file_that_is_not_a_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    path.write_text("this is not a GeoPackage\n", encoding="utf-8")
    e = _error(path)
    assert e.field == "(file)"
    assert "not a readable GeoPackage" in e.problem


def test_read_layers_rejects_a_missing_file(tmp_path: Path) -> None:
    assert _error(tmp_path / "nowhere.gpkg").field == "(file)"


def test_read_layers_needs_a_sites_layer(layers: PlanLayers, tmp_path: Path) -> None:
    path = tmp_path / "lanes-only.gpkg"
    pyogrio.write_dataframe(layers.lanes, path, layer="lanes", driver="GPKG")
    e = _error(path)
    assert e.field == "sites"
    assert "no 'sites' layer" in e.problem


@pytest.mark.parametrize(("layer", "column"), [("sites", "role"), ("sites", "open"), ("lanes", "units_per_year")])
def test_read_layers_names_the_layer_and_the_missing_column(layers: PlanLayers, tmp_path: Path, layer: str,
                                                            column: str) -> None:
    path = tmp_path / "plan.gpkg"
    for name in ("sites", "lanes"):
        gdf = getattr(layers, name)
        pyogrio.write_dataframe(gdf.drop(columns=column) if name == layer else gdf, path, layer=name, driver="GPKG")
    e = _error(path)
    assert e.field == f"{layer}.{column}"
    assert e.problem == f"layer {layer!r} has no column {column!r}"


def test_read_layers_checks_the_columns_of_an_optional_layer_when_present(layers: PlanLayers,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "plan.gpkg"
    pyogrio.write_dataframe(layers.sites, path, layer="sites", driver="GPKG")
    routes = gpd.GeoDataFrame({"job": ["x"], "route": [1]}, geometry=[LineString([(0, 0), (1, 1)])],
                              crs="EPSG:4326")  # no "stops"
    pyogrio.write_dataframe(routes, path, layer="routes", driver="GPKG")
    assert _error(path).field == "routes.stops"
