"""Map layers of a plan as GeoDataFrames (EPSG:4326): sites, lanes with their flow, design flows, vehicle routes.

The same tables feed the GeoPackage and GeoJSON exports, the static PNG map, the folium map and the report's
own SVG map, so every picture shows the same numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from logistics.design import DesignResult
from logistics.errors import ScenarioError
from logistics.io import StagedOutputs, atomic_write_text
from logistics.routing import RoutingResult
from logistics.scenario import Scenario, build_network, resolve_measures

__all__ = ["PlanLayers", "geojson_text", "plan_layers", "read_layers", "write_geojson", "write_geopackage",
           "write_geopackage_to"]

CRS = "EPSG:4326"
LAYERS = ("sites", "lanes", "flows", "routes")


@dataclass(frozen=True)
class PlanLayers:
    """The four layers of a plan; ``flows`` and ``routes`` are empty when there is no design or routing."""

    sites: gpd.GeoDataFrame
    lanes: gpd.GeoDataFrame
    flows: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame

    def items(self) -> list[tuple[str, gpd.GeoDataFrame]]:
        return [(name, getattr(self, name)) for name in LAYERS]


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame({c: pd.Series(dtype=object) for c in columns}), geometry=[], crs=CRS)


def plan_layers(s: Scenario, design: DesignResult | None = None,
                routing: Sequence[tuple[str, RoutingResult]] = ()) -> PlanLayers:
    """Layers of the scenario's network, with the design's flows and the routes when given."""
    s = resolve_measures(s)  # the world without the measures switched off
    net = build_network(s).network
    where = {p.id: (p.lon, p.lat) for p in net.places}
    for m in s.markets:
        where.setdefault(m.id, (m.lon, m.lat))
    open_sites = set(design.plan.open_sites) if design is not None else set()
    load = dict(design.evaluation.site_load) if design is not None else {}
    rows = []
    kinds: list[tuple[str, Sequence[Any]]] = [("origin", s.origins), ("gateway", s.gateways),
                                              ("entry", s.entries), ("warehouse", s.warehouses),
                                              ("market", s.markets)]
    for role, items in kinds:
        for it in items:
            decided = role == "warehouse" or (design is not None and it.id in design.instance.site_ids)
            rows.append({"id": it.id, "name": getattr(it, "name", it.id), "role": role,
                         "kind": getattr(it, "kind", role),
                         "open": (it.id in open_sites) if decided and design is not None else True,
                         "load": float(load.get(it.id, 0.0)), "lon": float(it.lon), "lat": float(it.lat)})
    sites = gpd.GeoDataFrame(rows, geometry=[Point(r["lon"], r["lat"]) for r in rows], crs=CRS)

    lane_units: dict[str, float] = {}
    flow_rows, flow_geom = [], []
    if design is not None:
        for fl in design.chosen_flows():
            o = fl.option
            for leg in o.route.legs:
                lane_units[leg.id] = lane_units.get(leg.id, 0.0) + fl.units_per_year
            flow_rows.append({"option": o.label, "product": o.product, "market": o.market,
                              "channel": o.channel.value, "mode": o.mode.value, "warehouse": o.warehouse or "",
                              "share": fl.share, "units_per_year": fl.units_per_year})
            flow_geom.append(LineString([where[x] for x in o.stops]))
    flows_gdf = (gpd.GeoDataFrame(flow_rows, geometry=flow_geom, crs=CRS) if flow_rows else
                 _empty(["option", "product", "market", "channel", "mode", "warehouse", "share", "units_per_year"]))

    lane_rows, lane_geom = [], []
    for lane in net.lanes:
        lane_rows.append({"id": lane.id, "origin": lane.origin, "destination": lane.destination,
                          "mode": lane.mode.value, "distance_km": float(lane.distance_km),
                          "transit_days": float(lane.transit_mean_days),
                          "units_per_year": float(lane_units.get(lane.id, 0.0))})
        lane_geom.append(LineString([where[lane.origin], where[lane.destination]]))
    lanes = gpd.GeoDataFrame(lane_rows, geometry=lane_geom, crs=CRS)

    route_rows, route_geom = [], []
    for job, result in routing:
        p = result.problem
        for k, (route, arr) in enumerate(zip(result.routes, result.check.arrivals, strict=True), start=1):
            vt = p.vehicle_types[route.vehicle_type]
            locs = [vt.start_depot, *[c + p.n_depots for c in route.clients], vt.end_depot]
            km = float(sum(p.distance[a, b] for a, b in itertools.pairwise(locs))) / p.distance_unit
            route_rows.append({"job": job, "route": k, "vehicle": vt.name or str(route.vehicle_type),
                               "stops": len(route.clients), "km": round(km, 3),
                               "first_arrival_h": round(arr[0] / 3600, 3) if arr else None,
                               "last_arrival_h": round(arr[-1] / 3600, 3) if arr else None})
            route_geom.append(LineString([tuple(p.coords[i]) for i in locs]))
    routes_gdf = (gpd.GeoDataFrame(route_rows, geometry=route_geom, crs=CRS) if route_rows else
                  _empty(["job", "route", "vehicle", "stops", "km", "first_arrival_h", "last_arrival_h"]))
    return PlanLayers(sites, lanes, flows_gdf, routes_gdf)


def write_geopackage(layers: PlanLayers, path: str | Path, *, last_change: str | None = None) -> Path:
    """All layers in one GeoPackage (pyogrio), written to a temporary file first and then renamed into place.

    Parameters
    ----------
    layers
        The plan's layers; empty ones are left out.
    path
        The ``.gpkg`` file to write.
    last_change
        The timestamp GeoPackage stores for each layer (ISO 8601, e.g. ``2026-07-01T00:00:00Z``); by default the
        time of writing. Pass a fixed one for byte-identical files from identical inputs.
    """
    path = Path(path)
    with StagedOutputs() as staged:
        write_geopackage_to(layers, staged.path(path), last_change=last_change)
    return path


def write_geopackage_to(layers: PlanLayers, path: Path, *, last_change: str | None = None) -> None:
    """Write the layers to a new GeoPackage at ``path`` directly (the caller makes it atomic)."""
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    if last_change is not None:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": last_change})
    try:
        for name, gdf in layers.items():
            if len(gdf):
                pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG")
    finally:
        if last_change is not None:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def geojson_text(gdf: gpd.GeoDataFrame) -> str:
    """One layer as the text of a GeoJSON FeatureCollection (no feature ids, a final newline)."""
    return gdf.to_json(drop_id=True) + "\n"


def write_geojson(gdf: gpd.GeoDataFrame, path: str | Path) -> Path:
    """One layer as GeoJSON, atomically."""
    return atomic_write_text(path, geojson_text(gdf))


# The columns owl's maps read from each layer (png_map, folium_map).
_REQUIRED = {"sites": ("id", "role", "lat", "lon", "open"), "lanes": ("id", "mode", "units_per_year"),
             "flows": ("product", "market", "channel", "mode", "share", "units_per_year"),
             "routes": ("job", "route", "stops")}


def read_layers(path: str | Path) -> PlanLayers:
    """The layers of a plan's GeoPackage (missing layers other than ``sites`` come back empty).

    Raises
    ------
    ScenarioError
        When the file is not a GeoPackage, has no ``sites`` layer, or a layer lacks a column owl's maps need
        (the message names the file, the layer and the column).
    """
    import pyogrio

    path = Path(path)
    fix = "pass the plan.gpkg written by 'owl plan', or run 'owl plan --out DIR' again"
    try:
        names = {row[0] for row in pyogrio.list_layers(path)}
        got = {n: (gpd.read_file(path, layer=n) if n in names else _empty(list(_REQUIRED[n]))) for n in LAYERS}
    except Exception as exc:  # pyogrio raises its own error types for unreadable or foreign files
        raise ScenarioError(str(path), "(file)", f"not a readable GeoPackage ({exc.__class__.__name__})",
                            fix) from None
    if "sites" not in names:
        raise ScenarioError(str(path), "sites", "no 'sites' layer", fix)
    for n, cols in _REQUIRED.items():
        if n not in names:
            continue
        missing = [c for c in cols if c not in got[n].columns]
        if missing:
            raise ScenarioError(str(path), f"{n}.{missing[0]}", f"layer {n!r} has no column {missing[0]!r}", fix)
        if got[n].crs is not None and got[n].crs.to_epsg() != 4326:
            got[n] = got[n].to_crs(CRS)
    return PlanLayers(**got)
