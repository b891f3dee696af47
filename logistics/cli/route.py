"""``owl route``: solve vehicle routing instances (VRPLIB CVRP, Solomon VRPTW) with PyVRP or OR-Tools."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from logistics.cli._common import (
    JsonOpt,
    QuietOpt,
    ScenarioOpt,
    SeedOpt,
    TimeLimitOpt,
    check_time_limit,
    err,
    guard,
    out,
    print_json,
    scenario_from,
)
from logistics.routing import (
    RoutingProblem,
    RoutingResult,
    lastmile_problem,
    pickup_problem,
    read_instance,
    solve,
    write_routes_geojson,
    write_vrplib_solution,
)
from logistics.scenario import Scenario

__all__ = ["app"]

app = typer.Typer(help="Vehicle routing: solve instance files with PyVRP or OR-Tools.", no_args_is_help=True)


class Backend(StrEnum):
    auto = "auto"
    pyvrp = "pyvrp"
    ortools = "ortools"


GeoJson = Annotated[Path | None, typer.Option("--geojson", help="Write the routes as GeoJSON.", dir_okay=False)]
Matrix = Annotated[Path | None, typer.Option("--matrix", help="Your own matrices: .npz (distance_m, duration_s) or "
                                             "a CSV of metres; the depot first.", dir_okay=False)]


def _solve_with_progress(problem: RoutingProblem, time_limit: float, seed: int, backend: str,
                         quiet: bool) -> RoutingResult:
    """Solve with a progress bar on stderr: time used and the best cost so far."""
    with Progress(TextColumn(f"solving {problem.name} ({problem.n_clients} clients)"), BarColumn(),
                  TimeElapsedColumn(), TextColumn("{task.fields[best]}"), console=err, disable=quiet,
                  transient=True) as bar:
        task = bar.add_task("solve", total=time_limit, best="searching")
        t0 = time.perf_counter()
        done = threading.Event()

        def tick() -> None:  # the bar moves with the clock, not only when the best cost improves
            while not done.wait(0.2):
                bar.update(task, completed=min(time.perf_counter() - t0, time_limit))

        def progress(_t: float, cost: float) -> None:
            if cost < float("inf"):
                bar.update(task, best=f"best {cost:,.2f}")

        ticker = threading.Thread(target=tick, daemon=True)
        if not quiet:
            ticker.start()
        try:
            result = solve(problem, time_limit=time_limit, seed=seed, backend=backend,
                           progress=None if quiet else progress)
        finally:
            done.set()
    if not quiet and result.trace:
        err.print(f"best cost {result.cost:,.2f} after {result.trace[-1][0]:.1f} s ({result.backend})",
                  highlight=False)
    return result


def _verdict(result: RoutingResult) -> str:
    if result.feasible:
        return "feasible"
    if result.infeasible_clients:
        named = ", ".join(f"{c} ({why})" for c, why in result.infeasible_clients[:5])
        more = len(result.infeasible_clients) - 5
        return f"INFEASIBLE, clients at fault: {named}" + (f" and {more} more" if more > 0 else "")
    return "INFEASIBLE: " + "; ".join(result.check.violations[:3])


def _print_domain(result: RoutingResult, currency: str, as_json: bool, geojson: Path | None) -> None:
    p = result.problem
    if geojson is not None:
        write_routes_geojson(result, geojson)
    if as_json:
        print_json(result.to_json())
        return
    t = Table(title=f"owl route - {p.name}: {p.n_clients} stops, {result.backend}, {result.runtime_s:.1f} s",
              title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for col in ("route", "vehicle", "stops", "kg", "m3", "km", "hours on stops", "first stop", "last stop"):
        t.add_column(col, justify="right")
    for k, (r, arr) in enumerate(zip(result.routes, result.check.arrivals, strict=True), start=1):
        vt = p.vehicle_types[r.vehicle_type]
        amounts = (p.pickup if p.pickup.any() else p.delivery)[list(r.clients)].sum(axis=0)
        locs = [vt.start_depot, *[c + p.n_depots for c in r.clients], vt.end_depot]
        km = sum(int(p.distance[a, b]) for a, b in itertools.pairwise(locs)) / 1000
        hhmm = [f"{int(x // 3600):02d}:{int(x % 3600 // 60):02d}" for x in (arr[0], arr[-1])]
        t.add_row(str(k), vt.name, str(len(r.clients)), f"{amounts[0] / 1000:,.0f}", f"{amounts[1] / 1000:,.1f}",
                  f"{km:,.1f}", f"{(arr[-1] - arr[0]) / 3600:.1f}", *hhmm)
    out.print(t)
    cost = f"cost {result.cost:,.2f} {currency} a day" if result.feasible else "no feasible solution"
    out.print(f"{cost} ({_verdict(result)}); {len(result.routes)} vehicles, "
              f"{result.check.distance / 1000:,.1f} km", highlight=False)


def _run_domain(scenario: Path | None, build: Callable[[Scenario], RoutingProblem], time_limit: float, seed: int,
                backend: Backend, geojson: Path | None, as_json: bool, quiet: bool) -> None:
    """Build a routing problem from the scenario, solve it with progress, print or write it; exit 1 if
    infeasible."""
    with guard():
        check_time_limit(time_limit)
        s = scenario_from(scenario)
        result = _solve_with_progress(build(s), time_limit, seed, backend.value, quiet or as_json)
        _print_domain(result, s.finance.currency, as_json, geojson)
        if not result.feasible:
            raise typer.Exit(1)


@app.command("pickups")
def pickups_cmd(
    scenario: ScenarioOpt = None,
    hub: Annotated[str | None, typer.Option("--hub", help="Gateway id the trucks bring the goods to.")] = None,
    cluster: Annotated[list[str] | None, typer.Option("--cluster", help="Seller cluster (repeatable).")] = None,
    sellers: Annotated[Path | None, typer.Option("--sellers", help="CSV id,lat,lon,kg,m3,open_hour,close_hour.",
                                                 dir_okay=False)] = None,
    matrix: Matrix = None, time_limit: TimeLimitOpt = 10.0, seed: SeedOpt = 0,
    backend: Annotated[Backend, typer.Option("--backend", help="Solver backend.")] = Backend.auto,
    geojson: GeoJson = None, as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Tomorrow's pickup routes from the sellers of the Guangzhou clusters to a consolidation hub."""
    _run_domain(scenario, lambda s: pickup_problem(s, hub=hub, clusters=cluster, sellers_csv=sellers,
                                                   matrix=matrix, seed=seed),
                time_limit, seed, backend, geojson, as_json, quiet)


@app.command("lastmile")
def lastmile_cmd(
    scenario: ScenarioOpt = None,
    warehouse: Annotated[str | None, typer.Option("--warehouse", help="Overseas warehouse id.")] = None,
    orders: Annotated[Path | None, typer.Option("--orders", help="CSV id,lat,lon,kg,m3,open_hour,close_hour.",
                                                dir_okay=False)] = None,
    matrix: Matrix = None, time_limit: TimeLimitOpt = 10.0, seed: SeedOpt = 0,
    backend: Annotated[Backend, typer.Option("--backend", help="Solver backend.")] = Backend.auto,
    geojson: GeoJson = None, as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """One day's last-mile delivery routes around an overseas warehouse."""
    _run_domain(scenario, lambda s: lastmile_problem(s, warehouse=warehouse, orders_csv=orders, matrix=matrix,
                                                     seed=seed),
                time_limit, seed, backend, geojson, as_json, quiet)


@app.command("solve")
def solve_cmd(
    file: Annotated[Path, typer.Argument(help="A VRPLIB .vrp (CVRP) or Solomon .txt (VRPTW) file.", dir_okay=False)],
    time_limit: TimeLimitOpt = 10.0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed (PyVRP).")] = 0,
    backend: Annotated[Backend, typer.Option("--backend", help="Solver backend.")] = Backend.auto,
    sol: Annotated[Path | None, typer.Option("--sol", help="Write the routes as a VRPLIB .sol file.",
                                             dir_okay=False)] = None,
    as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Solve FILE within --time-limit seconds; cost in the instance's units (VRPLIB: rounded distances)."""
    with guard():
        check_time_limit(time_limit)
        problem = read_instance(file)
        result = _solve_with_progress(problem, time_limit, seed, backend.value, quiet or as_json)
        if sol is not None and result.feasible:
            write_vrplib_solution(sol, [[problem.client_name(c) for c in r.clients] for r in result.routes],
                                  result.cost)
        if as_json:
            print_json(result.to_json())
        else:
            t = Table(title=f"owl route solve - {problem.name}, {problem.n_clients} clients, {result.backend}, "
                      f"{result.runtime_s:.1f} s", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
            for col in ("route", "vehicle type", "clients", "load", "stops"):
                t.add_column(col, justify="left" if col == "stops" else "right")
            for k, (r, ld) in enumerate(zip(result.routes, result.check.loads, strict=True), start=1):
                load = problem.delivery[list(r.clients)].sum(axis=0).tolist() if r.clients else []
                t.add_row(str(k), str(r.vehicle_type), str(len(r.clients)), str(load),
                          " ".join(problem.client_name(c) for c in r.clients))
                del ld
            if result.routes:
                out.print(t)
            cost = f"cost {result.cost:g}" if result.feasible else "no feasible solution"
            out.print(f"{cost} ({_verdict(result)}), {len(result.routes)} routes", highlight=False)
        if not result.feasible:
            raise typer.Exit(1)
