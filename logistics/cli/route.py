"""``owl route``: solve vehicle routing instances (VRPLIB CVRP, Solomon VRPTW) with PyVRP or OR-Tools."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from logistics.cli._common import fail, guard, out, print_json
from logistics.routing import read_instance, solve, write_vrplib_solution

__all__ = ["app"]

app = typer.Typer(help="Vehicle routing: solve instance files with PyVRP or OR-Tools.", no_args_is_help=True)


class Backend(StrEnum):
    auto = "auto"
    pyvrp = "pyvrp"
    ortools = "ortools"


@app.command("solve")
def solve_cmd(
    file: Annotated[Path, typer.Argument(help="A VRPLIB .vrp (CVRP) or Solomon .txt (VRPTW) file.", dir_okay=False)],
    time_limit: Annotated[float, typer.Option("--time-limit", help="Search time, seconds.")] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (PyVRP).")] = 0,
    backend: Annotated[Backend, typer.Option("--backend", help="Solver backend.")] = Backend.auto,
    sol: Annotated[Path | None, typer.Option("--sol", help="Write the routes as a VRPLIB .sol file.",
                                             dir_okay=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")] = False,
) -> None:
    """Solve FILE within --time-limit seconds; cost in the instance's units (VRPLIB: rounded distances)."""
    with guard():
        if not time_limit > 0:
            raise fail(f"--time-limit: {time_limit:g} must be > 0 seconds. Fix: pass for example --time-limit 10")
        problem = read_instance(file)
        result = solve(problem, time_limit=time_limit, seed=seed, backend=backend.value)
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
            out.print(t)
            verdict = "feasible" if result.feasible else "INFEASIBLE: " + "; ".join(result.check.violations[:3])
            out.print(f"cost {result.cost:g} ({verdict}), {len(result.routes)} routes", highlight=False)
        if not result.feasible:
            raise typer.Exit(1)
