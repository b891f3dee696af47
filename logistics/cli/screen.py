"""``owl screen``: measure 8 - where air security screening happens, with how many lanes and staff."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from logistics.cli._common import (
    GapOpt,
    JsonOpt,
    QuietOpt,
    ScenarioOpt,
    ScreeningSolver,
    ScreeningSolverOpt,
    TimeLimitOpt,
    check_time_limit,
    err,
    fail,
    guard,
    out,
    print_json,
    scenario_from,
)
from logistics.screening import (
    ScreeningPlan,
    ScreeningProblem,
    compare,
    optimize,
    placement,
    problem_from,
    scale_volumes,
    simulate,
)

__all__ = ["app"]

app = typer.Typer(help="Measure 8: placement, lanes and staff of air security screening; simulation.",
                  no_args_is_help=True)


class Config(StrEnum):
    before = "before"
    measure8 = "measure8"
    optimized = "optimized"


Scale = Annotated[float, typer.Option("--volume-scale", help="Multiply every flow's parcels per day (growth).")]


def _problem(scenario: Path | None, scale: float) -> ScreeningProblem:
    if scale <= 0:
        raise fail(f"--volume-scale: {scale:g} must be > 0. Fix: pass a positive factor such as 1.2")
    s = scenario_from(scenario)
    if s.screening is not None and scale != 1.0:
        s = dataclasses.replace(s, screening=scale_volumes(s.screening, scale))
    return problem_from(s)


def _check_limits(time_limit: float, gap: float) -> None:
    check_time_limit(time_limit)
    if not 0 <= gap < 1:
        raise fail(f"--gap: {gap:g} must be in [0, 1). Fix: pass for example --gap 0.001")


def _summary_table(title: str, plans: dict[str, ScreeningPlan], currency: str) -> Table:
    t = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    for col in ("configuration", f"cost/day {currency}", "lanes", "waiting", "missed", "lane-h", "max staff",
                "dwell mean h", "dwell p95 h", "intended flight", "upstream parcels", "status"):
        t.add_column(col, justify="left" if col in ("configuration", "status") else "right")
    for name, plan in plans.items():
        r = plan.report
        t.add_row(name, f"{r.total_cost:,.0f}", f"{r.cost['lanes']:,.0f}", f"{r.cost['waiting']:,.0f}",
                  f"{r.cost['missed_flights']:,.0f}", f"{int(r.lanes.sum()):,}", f"{int(r.staff_by_hour.max()):,}",
                  f"{r.dwell_mean_hours:.2f}", f"{r.dwell_p95_hours:.2f}", f"{r.share_intended_flight:.4%}",
                  f"{r.screened_upstream:,.0f}", f"{plan.status} ({plan.gap:.2%})")
    return t


@app.command("compare")
def compare_cmd(
    scenario: ScenarioOpt = None, time_limit: TimeLimitOpt = 10.0, gap: GapOpt = 0.001, volume_scale: Scale = 1.0,
    solver: ScreeningSolverOpt = ScreeningSolver.highs, as_json: JsonOpt = False,
) -> None:
    """Before (terminal) / measure 8 (mail exchange) / optimized placement, side by side, lanes optimized."""
    with guard():
        _check_limits(time_limit, gap)
        problem = _problem(scenario, volume_scale)
        result = compare(problem, time_limit=time_limit, gap=gap, solver=solver.value)
        if as_json:
            print_json(result.to_json(problem))
            return
        out.print(_summary_table("owl screen compare - a typical day", result.plans,
                                 scenario_from(scenario).finance.currency))
        base = result.plans["before"].report
        for name, plan in result.plans.items():
            if name == "before":
                continue
            r = plan.report
            out.print(f"{name}: {r.screened_upstream:,.0f} parcels/day screened before the terminal, "
                      f"{base.terminal_lane_hours - r.terminal_lane_hours} terminal lane-hours and "
                      f"{base.dwell_mean_hours - r.dwell_mean_hours:.2f} h of mean dwell saved against 'before'.",
                      highlight=False)


@app.command("optimize")
def optimize_cmd(
    scenario: ScenarioOpt = None,
    config: Annotated[Config, typer.Option("--config", help="Placement: optimized, or a fixed one.")] = (
        Config.optimized),
    time_limit: TimeLimitOpt = 10.0, gap: GapOpt = 0.001, volume_scale: Scale = 1.0,
    solver: ScreeningSolverOpt = ScreeningSolver.highs, as_json: JsonOpt = False,
) -> None:
    """Lanes per site and hour (and the placement) that minimize lane, staff, waiting and missed-flight cost."""
    with guard():
        _check_limits(time_limit, gap)
        problem = _problem(scenario, volume_scale)
        plan = optimize(problem, fixed=placement(problem, config.value), time_limit=time_limit, gap=gap,
                        solver=solver.value)
        ids = [s.id for s in problem.data.sites]
        doc = {"configuration": config.value, "status": plan.status, "mip_objective": round(plan.objective, 2),
               "bound": round(plan.bound, 2), "gap": round(plan.gap, 6), "runtime_s": round(plan.runtime_s, 3),
               **plan.report.to_json(ids)}
        if as_json:
            print_json(doc)
            return
        out.print(_summary_table(f"owl screen optimize - {config.value}", {config.value: plan},
                                 scenario_from(scenario).finance.currency))
        t = Table(title="lanes open by site and hour", title_justify="left", box=box.SIMPLE_HEAD)
        t.add_column("site")
        for h in range(24):
            t.add_column(f"{h:02d}", justify="right")
        for i, sid in enumerate(ids):
            if plan.lanes[i].any():
                t.add_row(sid, *[str(x) if x else "." for x in plan.lanes[i]])
        t.add_row("staff", *[str(x) for x in plan.report.staff_by_hour], style="dim")
        out.print(t)
        out.print("placement: " + ", ".join(f"{f}->{s}" for f, s in plan.report.assignment.items()),
                  highlight=False)


@app.command("simulate")
def simulate_cmd(
    scenario: ScenarioOpt = None,
    config: Annotated[Config, typer.Option("--config", help="Which plan to simulate.")] = Config.measure8,
    replications: Annotated[int, typer.Option("--replications", "-n", help="Independent simulated days.")] = 10,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the replications' random streams.")] = 0,
    workers: Annotated[int | None, typer.Option("--workers", help="Worker processes (default: CPUs).")] = None,
    time_limit: TimeLimitOpt = 10.0, gap: GapOpt = 0.001, volume_scale: Scale = 1.0, as_json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Simulate days of a plan (SimPy): dwell, share of parcels on their intended flight, waits, with 95% CIs."""
    with guard():
        _check_limits(time_limit, gap)
        if replications < 1:
            raise fail(f"--replications: {replications} must be >= 1. Fix: pass for example -n 10")
        problem = _problem(scenario, volume_scale)
        plan = optimize(problem, fixed=placement(problem, config.value), time_limit=time_limit, gap=gap)
        with Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, disable=quiet or as_json, transient=True) as bar:
            task = bar.add_task("days", total=replications)
            sim = simulate(problem, plan.assignment, plan.lanes, replications=replications, seed=seed,
                           workers=workers, progress=lambda k: bar.update(task, completed=k))
        summary = sim.summary()
        analytic = {"share_intended_flight": round(plan.report.share_intended_flight, 6),
                    "dwell_mean_hours": round(plan.report.dwell_mean_hours, 3),
                    "dwell_p95_hours": round(plan.report.dwell_p95_hours, 3)}
        doc = {"configuration": config.value, "simulation": summary, "analytic": analytic}
        if as_json:
            print_json(doc)
            return
        t = Table(title=f"owl screen simulate - {config.value}, {replications} days, seed {seed}",
                  title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
        for col in ("statistic", "simulated mean", "95% CI +-", "analytic"):
            t.add_column(col, justify="left" if col == "statistic" else "right")
        for key in ("share_intended_flight", "dwell_mean_hours", "dwell_p95_hours", "wait_mean_hours", "parcels"):
            st = summary[key]
            assert isinstance(st, dict)
            ci = "-" if st["ci95"] is None else f"{st['ci95']:.4g}"
            t.add_row(key, f"{st['mean']:.4f}", ci, str(analytic.get(key, "")))
        out.print(t)
