"""Routing problems built from a Scenario: domestic pickups to a Guangzhou hub, and last-mile delivery around an
overseas warehouse.

Sellers (or orders) are sampled reproducibly from the scenario's ``[routing]`` habits with
``numpy.random.default_rng(seed)``, or read from a CSV the user supplies. Road distances are great-circle distances
times the scenario's detour factor, durations follow from the speed; a user may pass their own matrices (``.npz``
with ``distance_m`` and ``duration_s``, or a CSV of metres). Units inside the problem: metres, seconds, grams and
litres; costs in 1/100,000 of the scenario currency (``scale``), so that per-km and per-hour rates are integers.
Reports give km (``distance_scale`` 1000) and hours of the day (``time_scale`` 3600).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

import networks
from logistics.errors import ScenarioError
from logistics.io import atomic_write_text
from logistics.routing.problem import RoutingProblem, VehicleType
from logistics.routing.solve import RoutingResult
from logistics.scenario import Fleet, RoutingData, Scenario, resolve_measures

__all__ = ["COST_SCALE", "lastmile_problem", "pickup_problem", "read_matrix", "write_routes_geojson"]

COST_SCALE = 100_000.0  # cost units per scenario-currency unit


def _routing(s: Scenario) -> RoutingData:
    if s.routing is None:
        raise ScenarioError(s.path, "routing", "the scenario has no [routing] section",
                            "add one (see docs/scenario.md) or use the built-in scenario")
    return s.routing


def _vehicle_types(fleet: tuple[Fleet, ...]) -> tuple[VehicleType, ...]:
    return tuple(VehicleType(
        count=f.count, capacity=(int(f.capacity_kg * 1000), int(f.capacity_m3 * 1000)),
        fixed_cost=round(f.fixed_cost * COST_SCALE),
        unit_distance_cost=round(f.cost_per_km * COST_SCALE / 1000),
        unit_duration_cost=round(f.cost_per_hour * COST_SCALE / 3600),
        shift_duration=int(f.shift_hours * 3600), name=f.id) for f in fleet)


def _matrices(lat: np.ndarray, lon: np.ndarray, detour: float, speed_kmh: float) -> tuple[np.ndarray, np.ndarray]:
    km = networks.distance_matrix_km(lat, lon) * detour
    dist = np.rint(km * 1000).astype(np.int64)
    dur = np.rint(km / speed_kmh * 3600).astype(np.int64)
    return dist, dur


def read_matrix(path: str | Path, n: int, speed_kmh: float) -> tuple[np.ndarray, np.ndarray]:
    """A user's matrices: ``.npz`` with ``distance_m`` and ``duration_s``, or a CSV of metres (durations from the
    speed). Location order: the depot first, then the clients in input order."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(str(p), "(file)", "no such file", "check the path of the matrix")
    if p.suffix == ".npz":
        with np.load(p) as z:
            if "distance_m" not in z or "duration_s" not in z:
                raise ScenarioError(str(p), "distance_m", "missing array", "save arrays distance_m and duration_s")
            dist, dur = np.asarray(z["distance_m"]), np.asarray(z["duration_s"])
    else:
        try:
            dist = np.loadtxt(p, delimiter=",", ndmin=2)
        except ValueError as exc:
            raise ScenarioError(str(p), "(values)", f"not a numeric CSV matrix ({exc})",
                                "write one row of metres per location, comma separated") from None
        dur = dist / 1000 / speed_kmh * 3600
    for name, m in (("distance_m", dist), ("duration_s", dur)):
        if m.shape != (n, n):
            raise ScenarioError(str(p), name, f"is {m.shape[0]} x {m.shape[1]} but the problem has {n} locations",
                                "give one row and column per location: the depot, then each client")
        if np.any(m < 0) or not np.all(np.isfinite(m)):
            raise ScenarioError(str(p), name, "has negative or missing values", "use finite values >= 0")
    return np.rint(dist).astype(np.int64), np.rint(dur).astype(np.int64)


def _read_points(path: Path) -> list[dict[str, float | str]]:
    if not path.is_file():
        raise ScenarioError(str(path), "(file)", "no such file", "check the path")
    need = ("id", "lat", "lon", "kg", "m3", "open_hour", "close_hour")
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            raise ScenarioError(str(path), f"column {missing[0]}", "missing",
                                "the CSV needs the columns " + ",".join(need))
        for i, row in enumerate(reader, start=2):
            rec: dict[str, float | str] = {"id": row["id"]}
            for c in need[1:]:
                try:
                    rec[c] = float(row[c])
                except ValueError:
                    raise ScenarioError(str(path), f"line {i}.{c}", f"{row[c]!r} is not a number",
                                        "write a plain number") from None
            if rec["kg"] < 0 or rec["m3"] < 0:  # type: ignore[operator]
                raise ScenarioError(str(path), f"line {i}.kg", "negative amount", "use amounts >= 0")
            if rec["close_hour"] < rec["open_hour"]:  # type: ignore[operator]
                raise ScenarioError(str(path), f"line {i}.close_hour", "closes before it opens",
                                    "make close_hour >= open_hour")
            rows.append(rec)
    if not rows:
        raise ScenarioError(str(path), "(rows)", "no rows", "add at least one row")
    return rows


def _problem(name: str, depot: tuple[float, float], pts: list[dict[str, float | str]], day: tuple[float, float],
             service_minutes: float, pickups: bool, fleet: tuple[Fleet, ...], detour: float, speed: float,
             matrix: str | Path | None) -> RoutingProblem:
    lat = np.array([depot[0], *[float(p["lat"]) for p in pts]])
    lon = np.array([depot[1], *[float(p["lon"]) for p in pts]])
    n = len(lat)
    dist, dur = (read_matrix(matrix, n, speed) if matrix is not None else _matrices(lat, lon, detour, speed))
    amounts = np.array([[round(float(p["kg"]) * 1000), round(float(p["m3"]) * 1000)] for p in pts],
                       dtype=np.int64)
    zeros = np.zeros_like(amounts)
    early = np.array([day[0], *[float(p["open_hour"]) for p in pts]]) * 3600
    late = np.array([day[1], *[float(p["close_hour"]) for p in pts]]) * 3600
    service = np.array([0.0, *[service_minutes * 60] * len(pts)])
    return RoutingProblem(
        name=name, coords=np.column_stack([lon, lat]), n_depots=1,
        delivery=zeros if pickups else amounts, pickup=amounts if pickups else zeros,
        service=np.rint(service).astype(np.int64), tw_early=np.rint(early).astype(np.int64),
        tw_late=np.rint(late).astype(np.int64), required=np.ones(len(pts), dtype=bool),
        prize=np.zeros(len(pts), dtype=np.int64), vehicle_types=_vehicle_types(fleet), distance=dist,
        duration=dur, scale=COST_SCALE, client_names=tuple(str(p["id"]) for p in pts), distance_scale=1000.0,
        time_scale=3600.0,
    )


def pickup_problem(s: Scenario, *, hub: str | None = None, clusters: list[str] | None = None,
                   sellers_csv: str | Path | None = None, matrix: str | Path | None = None,
                   seed: int = 0) -> RoutingProblem:
    """Tomorrow's pickups from the sellers of ``clusters`` (default: all) to ``hub`` (a gateway id; default the
    mail exchange or the first gateway), with pickup windows, on the scenario's pickup fleet."""
    s = resolve_measures(s)  # the world without the measures switched off
    r = _routing(s)
    spec = r.pickup
    gateways = {g.id: g for g in s.gateways}
    if hub is None:
        hub = next((g.id for g in s.gateways if g.kind == "mail_exchange"), s.gateways[0].id)
    if hub not in gateways:
        raise ScenarioError(s.path, "--hub", f"unknown gateway {hub!r}", f"use one of {', '.join(gateways)}")
    g = gateways[hub]
    if sellers_csv is not None:
        pts = _read_points(Path(sellers_csv))
    else:
        origins = {o.id: o for o in s.origins}
        chosen = clusters or list(origins)
        for c in chosen:
            if c not in origins:
                raise ScenarioError(s.path, "--cluster", f"unknown seller cluster {c!r}",
                                    f"use one of {', '.join(origins)}")
        pts = []
        sigma2 = math.log(1 + spec.kg_cv**2)
        order = list(origins)
        for c in chosen:
            o = origins[c]
            # One stream per cluster (keyed by its place in the scenario): a cluster's sellers are the same
            # whichever other clusters are asked for, so a plan can drop a cluster without reshuffling the rest.
            rng = np.random.default_rng([seed, order.index(c)])
            dy = rng.normal(0, spec.spread_km, spec.sellers_per_cluster) / 111.2
            dx = rng.normal(0, spec.spread_km, spec.sellers_per_cluster) / (111.2 * math.cos(math.radians(o.lat)))
            kg = rng.lognormal(math.log(spec.kg_mean) - sigma2 / 2, math.sqrt(sigma2), spec.sellers_per_cluster)
            start = rng.uniform(spec.window_open_hour, spec.window_close_hour - spec.window_hours,
                                spec.sellers_per_cluster)
            for i in range(spec.sellers_per_cluster):
                pts.append({"id": f"{c}-{i + 1:03d}", "lat": o.lat + dy[i], "lon": o.lon + dx[i],
                            "kg": round(float(kg[i]), 1), "m3": round(float(kg[i]) / spec.density_kg_per_m3, 3),
                            "open_hour": float(start[i]), "close_hour": float(start[i] + spec.window_hours)})
    return _problem(f"pickups-{hub}", (g.lat, g.lon), pts, (spec.day_start_hour, spec.day_end_hour),
                    spec.service_minutes, True, spec.fleet, r.detour_factor, spec.speed_kmh, matrix)


def lastmile_problem(s: Scenario, *, warehouse: str | None = None, orders_csv: str | Path | None = None,
                     matrix: str | Path | None = None, seed: int = 0) -> RoutingProblem:
    """One day's local deliveries around an overseas ``warehouse`` (default: the first candidate), sampled from the
    demand of the markets it serves (``local_share`` of their daily orders, at most ``max_orders``)."""
    s = resolve_measures(s)  # the world without the measures switched off
    r = _routing(s)
    spec = r.lastmile
    whs = {w.id: w for w in s.warehouses}
    if not whs:
        raise ScenarioError(s.path, "warehouses", "no overseas warehouse", "add [[warehouses]] entries")
    warehouse = warehouse or next(iter(whs))
    if warehouse not in whs:
        raise ScenarioError(s.path, "--warehouse", f"unknown warehouse {warehouse!r}", f"use one of {', '.join(whs)}")
    w = whs[warehouse]
    if orders_csv is not None:
        pts = _read_points(Path(orders_csv))
    else:
        rng = np.random.default_rng(seed)
        prods = {p.id: p for p in s.products}
        orders_per_day = {pid: 0.0 for pid in prods}
        for m in s.markets:
            if m.id in w.serves:
                for pid, units in m.demand_per_year.items():
                    orders_per_day[pid] += units / 365 / prods[pid].units_per_order
        total = sum(orders_per_day.values())
        n = int(min(spec.max_orders, round(total * spec.local_share)))
        if n < 1:
            raise ScenarioError(s.path, "routing.lastmile.local_share", f"no local orders around {warehouse}",
                                "raise local_share, or give the markets it serves some demand")
        ids = list(orders_per_day)
        share = np.array([orders_per_day[p] for p in ids]) / total
        kind = rng.choice(len(ids), size=n, p=share)
        radius = spec.radius_km * np.sqrt(rng.random(n))
        angle = rng.uniform(0, 2 * math.pi, n)
        start = rng.uniform(spec.day_start_hour + 1, spec.day_end_hour - spec.window_hours, n)
        pts = []
        for i in range(n):
            p = prods[ids[kind[i]]]
            lat = w.lat + radius[i] * math.sin(angle[i]) / 111.2
            lon = w.lon + radius[i] * math.cos(angle[i]) / (111.2 * math.cos(math.radians(w.lat)))
            pts.append({"id": f"order-{i + 1:04d}", "lat": lat, "lon": lon,
                        "kg": round(p.unit_weight_kg * p.units_per_order, 3),
                        "m3": round(p.unit_volume_m3 * p.units_per_order, 5), "open_hour": float(start[i]),
                        "close_hour": float(start[i] + spec.window_hours)})
    return _problem(f"lastmile-{warehouse}", (w.lat, w.lon), pts, (spec.day_start_hour, spec.day_end_hour),
                    spec.service_minutes, False, spec.fleet, r.detour_factor, spec.speed_kmh, matrix)


def write_routes_geojson(result: RoutingResult, path: str | Path) -> Path:
    """Routes as GeoJSON (EPSG:4326): a LineString per route and a Point per stop with arrival and load."""
    p = result.problem
    feats = []
    for k, (route, arr, loads) in enumerate(zip(result.routes, result.check.arrivals, result.check.loads,
                                                strict=True), start=1):
        vt = p.vehicle_types[route.vehicle_type]
        locs = [vt.start_depot, *[c + p.n_depots for c in route.clients], vt.end_depot]
        feats.append({"type": "Feature", "geometry": {"type": "LineString",
                                                      "coordinates": [p.coords[i].tolist() for i in locs]},
                      "properties": {"route": k, "vehicle_type": vt.name or str(route.vehicle_type),
                                     "stops": len(route.clients)}})
        for c, t, ld in zip(route.clients, arr, loads, strict=True):
            feats.append({"type": "Feature", "geometry": {"type": "Point",
                                                          "coordinates": p.coords[c + p.n_depots].tolist()},
                          "properties": {"route": k, "client": p.client_name(c),
                                         "arrival": f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}",
                                         "load_kg": ld[0] / 1000, "load_m3": ld[1] / 1000 if len(ld) > 1 else None}})
    doc = {"type": "FeatureCollection", "features": feats}
    return atomic_write_text(path, json.dumps(doc) + "\n")
