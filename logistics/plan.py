"""One plan from end to end (``owl plan``): chain, network design, routing of a sample day, screening, outputs.

Steps, each timed:

1. **chain** — evaluate every flow alternative; the cheapest channel meeting the promise per product-market;
2. **design** — the network-design MIP (warehouses, hubs, channel and lane of every flow), with runner-ups;
3. **pickups** — a day's pickups from the seller clusters to each of the (at most two) Guangzhou gateways that
   carry the most weight in the design, for the clusters that ship through them;
4. **last mile** — a day's deliveries around each open overseas warehouse;
5. **screening** — measure 8: before / measure 8 / optimized screening placement (when the scenario has it);
6. **outputs** — into one folder: ``report.html`` (one self-contained page), ``map.png``, ``map.html`` (folium),
   ``plan.gpkg`` (layers sites, lanes, flows, routes), one GeoJSON per layer and ``summary.json`` (with the step
   timings). Every file is first written to a hidden temporary name; only when all are written are they renamed
   into place, ``summary.json`` last. A run that fails or is interrupted before then leaves the previous outputs
   untouched (and its temporary files are removed, or cleared by the next run).

Same scenario and seed give the same sampled day, design and files, except where a solver stops on its wall-clock
time limit before finishing (routing always; the design only when it hits its limit), whose result depends on the
machine's speed and load.

This module sits above the solver packages (it calls chain, design, routing, screening and report) and below the
CLI; see docs/architecture.md.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio.errors

from logistics import __version__
from logistics.chain import evaluate
from logistics.design import DesignResult, scenario_design, solve_design
from logistics.errors import OutputError
from logistics.io import StagedOutputs, remove_stale_temps
from logistics.report import (
    bar_chart_png,
    folium_map,
    geojson_text,
    plan_layers,
    png_map,
    render_report,
    svg_map,
    write_geopackage_to,
)
from logistics.routing import RoutingResult, lastmile_problem, pickup_problem, solve, unreachable_clients
from logistics.scenario import Scenario, resolve_measures
from logistics.screening import compare, from_design, problem_from

__all__ = ["OUTPUTS", "PlanRun", "run_plan"]

OUTPUTS = ("report.html", "map.png", "map.html", "plan.gpkg", "sites.geojson", "lanes.geojson", "flows.geojson",
           "routes.geojson", "summary.json")

Step = Callable[[str], None]


@dataclass(frozen=True)
class PlanRun:
    """What ``run_plan`` produced: the JSON summary and the solver results behind it."""

    summary: dict[str, Any]
    design: DesignResult
    routing: tuple[tuple[str, RoutingResult], ...]


def _pickup_jobs(s: Scenario, design: DesignResult) -> list[tuple[str, list[str]]]:
    """The (at most two) gateways carrying the most kg in the design, each with the clusters shipping through it."""
    kg: dict[str, float] = {}
    clusters: dict[str, set[str]] = {}
    weight = {p.id: p.unit_weight_kg for p in s.products}
    for fl in design.chosen_flows():
        o = fl.option
        gate = o.bonded or o.gateway
        kg[gate] = kg.get(gate, 0.0) + fl.units_per_year * weight[o.product]
        clusters.setdefault(gate, set()).add(o.origin)
    top = sorted(kg, key=lambda g: -kg[g])[:2]
    return [(g, sorted(clusters[g])) for g in top]


def run_plan(s: Scenario, out: str | Path, *, time_limit: float = 10.0, design_time_limit: float = 60.0,
             seed: int = 0, step: Step | None = None) -> PlanRun:
    """Run every step on ``s`` and write the outputs into ``out`` (created if missing).

    Parameters
    ----------
    s
        The scenario.
    out
        Output folder; files already there with the same names are replaced atomically.
    time_limit
        Seconds per routing solve.
    design_time_limit
        Seconds for the design MIP.
    seed
        Seed of the sampled sellers and orders and of the routing search.
    step
        Called with the name of each step as it starts (progress display).

    Raises
    ------
    DesignInfeasibleError
        When the scenario's design has no feasible plan (no file is written then).
    OutputError
        When ``out`` cannot be created or written (checked before any solving, and again while writing).

    Notes
    -----
    A routing day that comes back infeasible is not an exception: the outputs are written, and
    ``summary["routing_infeasible"]`` names the jobs (``owl plan`` then exits 1).
    """
    s = resolve_measures(s)  # the world without the measures switched off
    say = step or (lambda _name: None)
    out = Path(out)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(out, OUTPUTS)
        # Fail now, not after minutes of solving, when the folder cannot take a file.
        fd, probe = tempfile.mkstemp(prefix=".owl-plan.", suffix=".tmp", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError.from_os(out, "--out", exc) from None
    try:
        return _run(s, out, time_limit, design_time_limit, seed, say)
    except BaseException:
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # a failed first run leaves no empty folder behind
        raise


def _run(s: Scenario, out: Path, time_limit: float, design_time_limit: float, seed: int, say: Step) -> PlanRun:
    t_all = time.perf_counter()
    steps: dict[str, float] = {}

    say("chain: evaluating every channel route")
    t0 = time.perf_counter()
    report = evaluate(s)
    winners = report.winners()
    steps["chain"] = time.perf_counter() - t0
    chain = {"alternatives": len(report.to_frame()),
             "winners": [{"product": r["product"], "market": r["market"], "channel": r["channel"],
                          "route": r["route"], "landed cost": float(r["landed_cost"]),
                          "p95 days": float(r["customer_days_p95"]), "meets promise": bool(r["meets_promise"])}
                         for r in winners.to_dict(orient="records")]}

    say("design: solving the network-design MIP")
    t0 = time.perf_counter()
    design = solve_design(scenario_design(s), time_limit=design_time_limit, gap=1e-3, n_best=2)
    steps["design"] = time.perf_counter() - t0

    routing: list[tuple[str, RoutingResult]] = []
    skipped: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    if s.routing is not None:
        for hub, clusters in _pickup_jobs(s, design):
            problem = pickup_problem(s, hub=hub, clusters=clusters, seed=seed)
            # A cluster with a seller no truck from this hub can reach within the pickup window would make the
            # whole day infeasible; it is left out of this hub's routes and reported in the summary.
            far = sorted({problem.client_name(c).rsplit("-", 1)[0] for c, _ in unreachable_clients(problem)})
            near = [c for c in clusters if c not in far]
            if far:
                skipped[hub] = far
            if not near:
                continue
            if far:
                # Sampling is per cluster, so the clusters kept have exactly the sellers checked above.
                problem = pickup_problem(s, hub=hub, clusters=near, seed=seed)
            say(f"pickups: sellers of {', '.join(near)} to {hub}")
            routing.append((f"pickups to {hub}", solve(problem, time_limit=time_limit, seed=seed)))
        steps["pickups"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for w in design.open_sites:
            if w in {x.id for x in s.warehouses}:
                say(f"last mile: a day's deliveries around {w}")
                routing.append((f"last mile {w}", solve(lastmile_problem(s, warehouse=w, seed=seed),
                                                        time_limit=time_limit, seed=seed)))
        steps["last_mile"] = time.perf_counter() - t0

    screening = None
    if s.screening is not None:
        say("screening: before, measure 8 and optimized placements")
        t0 = time.perf_counter()
        volumes = None
        if s.screening.design_share is not None:
            # The design's 9610 and 1210 air and postal parcels, by gateway, replace the scenario's volumes.
            volumes = from_design(s, design.chosen_flows())
            screening_problem = problem_from(volumes.data)
        else:
            screening_problem = problem_from(s)
        comp = compare(screening_problem, time_limit=min(30.0, design_time_limit))
        screening = {
            "volumes": volumes.to_json() if volumes is not None else
            "the scenario's [screening] flows ([screening] design_share is not set, so they are not tied to the "
            "design)",
            "configurations": [
                {"configuration": name, "cost per day": p.report.total_cost, "mip objective": p.objective,
                 "status": p.status, "equipment": p.report.equipment,
                 "terminal lane-hours": p.report.terminal_lane_hours, "mean dwell h": p.report.dwell_mean_hours,
                 "parcels": p.report.parcels, "screened upstream": p.report.screened_upstream}
                for name, p in comp.plans.items()]}
        steps["screening"] = time.perf_counter() - t0

    say("outputs: maps, report, GeoPackage, GeoJSON, summary")
    t0 = time.perf_counter()
    layers = plan_layers(s, design, routing)
    units: dict[str, float] = {}
    for _, row in layers.flows.iterrows():
        units[str(row["channel"])] = units.get(str(row["channel"]), 0.0) + float(row["units_per_year"])
    djson: dict[str, Any] = design.to_json()
    djson.pop("flows")
    warehouse_ids = {w.id for w in s.warehouses}
    gateway_ids = {g.id for g in s.gateways}
    summary: dict[str, Any] = {
        "scenario": s.name, "description": s.description, "date": s.date.isoformat(), "seed": seed,
        "currency": s.finance.currency, "owl_version": __version__, "time_limit_s": time_limit,
        "design_time_limit_s": design_time_limit, "chain": chain, "design": djson,
        "open_warehouses": [w for w in design.open_sites if w in warehouse_ids],
        "open_hubs": [h for h in design.open_sites if h in gateway_ids], "units_by_channel": units,
        "routing": [{"job": job, "clients": r.problem.n_clients, "vehicles": len(r.routes),
                     "cost": round(r.cost, 2) if r.feasible else None,
                     "km": round(r.check.distance / r.problem.distance_unit, 1), "feasible": r.feasible,
                     "backend": r.backend, "runtime_s": round(r.runtime_s, 2)} for job, r in routing],
        "routing_infeasible": [job for job, r in routing if not r.feasible],
        "pickup_clusters_out_of_reach": skipped, "screening": screening, "outputs": list(OUTPUTS),
    }
    png = png_map(layers, title=f"owl plan - {s.name}")
    by_stage: dict[str, float] = djson["cost_by_stage"]
    charts = {"cost_by_stage": bar_chart_png({k: v for k, v in by_stage.items() if k != "goods"},
                                             title="annual cost by stage (goods excluded)",
                                             xlabel=s.finance.currency)}
    try:
        with StagedOutputs() as staged:
            staged.write_bytes(out / "map.png", png)
            staged.write_text(out / "map.html", folium_map(layers))
            write_geopackage_to(layers, staged.path(out / "plan.gpkg"),
                                last_change=f"{s.date.isoformat()}T00:00:00.000Z")
            for name, gdf in layers.items():
                staged.write_text(out / f"{name}.geojson", geojson_text(gdf))
            steps["outputs"] = time.perf_counter() - t0
            summary["steps"] = {k: round(v, 2) for k, v in steps.items()}
            summary["runtime_s"] = round(time.perf_counter() - t_all, 2)
            charts["steps"] = bar_chart_png(summary["steps"], title="seconds per step", xlabel="s")
            staged.write_text(out / "report.html", render_report(summary, map_svg=svg_map(layers), map_png=png,
                                                                 charts=charts))
            staged.write_json(out / "summary.json", summary)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise OutputError.from_os(out, "--out", exc) from None
    return PlanRun(summary, design, tuple(routing))
