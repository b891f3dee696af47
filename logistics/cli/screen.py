"""``owl screen``: measure 8 - where air security screening happens, with how many lanes and staff."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
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
    WideOpt,
    check_time_limit,
    err,
    fail,
    fit_columns,
    guard,
    out,
    print_json,
    print_table,
    scenario_from,
)
from logistics.screening import (
    DAYS,
    PARAMETERS,
    STATISTICS,
    ScreeningPlan,
    ScreeningProblem,
    breakeven,
    check,
    compare,
    current_value,
    optimize,
    placement,
    problem_from,
    replicate,
    scale_volumes,
    simulate,
    sweep,
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


def _summary_table(title: str, plans: dict[str, ScreeningPlan], currency: str, width: int | None = None,
                   wide: bool = False) -> Table:
    """The plans side by side; in ``width`` characters, configuration, cost a day, dwell and misses first and the
    cost parts as they fit (every column with ``wide``)."""
    cols = [("configuration", 0), (f"cost/day {currency}", 0), (f"staff+capital {currency}", 2),
            (f"floor+trucks {currency}", 3), (f"dwell value {currency}", 3), (f"missed {currency}", 1),
            ("lane-h", 3), ("dwell mean h", 1), ("dwell p95 h", 2), ("intended flight", 1), ("status", 2)]
    rows = []
    for name, plan in plans.items():
        r = plan.report
        c = r.cost
        rows.append([name, f"{r.total_cost:,.0f}", f"{c['lanes'] + c['capital'] + c['setup']:,.0f}",
                     f"{c['rehandling'] + c['transport']:,.0f}", f"{c['dwell']:,.0f}", f"{c['missed_flights']:,.0f}",
                     f"{int(r.lanes.sum()):,}", f"{r.dwell_mean_hours:.2f}", f"{r.dwell_p95_hours:.2f}",
                     f"{r.share_intended_flight:.4%}", f"{plan.status} ({plan.gap:.2%})"])
    shown = fit_columns(cols, rows, width or 10_000, wide)
    t = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    for i in shown:
        t.add_column(cols[i][0], justify="left" if i in (0, 10) else "right", no_wrap=True)
    for row in rows:
        t.add_row(*(escape(row[i]) for i in shown))
    return t


def _equipment_line(name: str, plan: ScreeningPlan) -> str:
    r = plan.report
    used = ", ".join(f"{site} {kind}" for site, kind in r.equipment.items())
    return (f"{name}: equipment {used}; {r.parcels:,.0f} parcels/day, {r.screened_upstream:,.0f} screened before "
            f"the terminal; {int(r.crews_by_hour.sum())} re-handling crew-hours, {r.truck_trips['regular']} regular "
            f"and {r.truck_trips['sealed']} sealed truck trips; {r.expected_misses:,.1f} parcels/day expected off "
            f"their intended flight ({r.expected_late:,.1f} late for their promise)")


Replications = Annotated[int, typer.Option(
    "--replications", "-n", min=0, help="Simulated days per configuration for 95% intervals (0: analytic only).")]
Seed = Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed of the simulated days' streams.")]
Workers = Annotated[int | None, typer.Option("--workers", min=1, help="Worker processes (default: CPUs).")]


def _bar(quiet: bool, label: str, total: int) -> tuple[Progress, Callable[[int], None]]:
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                   disable=quiet, transient=True)
    task = bar.add_task(label, total=total)
    return bar, lambda k: bar.update(task, completed=k)


@app.command("compare")
def compare_cmd(
    scenario: ScenarioOpt = None, time_limit: TimeLimitOpt = 10.0, gap: GapOpt = 0.001, volume_scale: Scale = 1.0,
    solver: ScreeningSolverOpt = ScreeningSolver.highs, replications: Replications = 0, seed: Seed = 0,
    workers: Workers = None, wide: WideOpt = False, as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """Before (terminal) / measure 8 (mail exchange) / optimized placement, side by side, lanes optimized; with
    -n, every plan simulated on the same days for 95% intervals of cost and of the saving against 'before'. A
    narrow terminal shows the configuration, cost, dwell and misses first; --wide shows every column."""
    with guard():
        _check_limits(time_limit, gap)
        problem = _problem(scenario, volume_scale)
        result = compare(problem, time_limit=time_limit, gap=gap, solver=solver.value)
        rep = None
        if replications:
            bar, tick = _bar(quiet or as_json, "simulating", replications * len(result.plans))
            with bar:
                rep = replicate(problem, result, replications=replications, seed=seed, workers=workers,
                                progress=tick)
        if as_json:
            doc = result.to_json(problem)
            if rep is not None:
                doc["simulated"] = rep.to_json()
            print_json(doc)
            return
        currency = scenario_from(scenario).finance.currency
        print_table(_summary_table("owl screen compare - a typical day (analytic)", result.plans, currency,
                                   out.width, wide), wide)
        for name, plan in result.plans.items():
            out.print(_equipment_line(name, plan), highlight=False, markup=False)
        if rep is not None:
            t = Table(title=f"simulated: {replications} days (common random numbers), seed {seed}",
                      title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
            for col in ("configuration", f"cost/day {currency}", "95% CI +-", f"saving vs before {currency}",
                        "paired 95% CI +-", "dwell mean h", "missed parcels/day"):
                t.add_column(col, justify="left" if col == "configuration" else "right")
            for name in result.plans:
                m, h = rep.cost[name]
                sv = rep.saving.get(name)
                t.add_row(name, f"{m:,.0f}", f"{h:,.0f}", f"{sv[0]:,.0f}" if sv else "-",
                          f"{sv[1]:,.0f}" if sv else "-", f"{rep.dwell[name][0]:.3f} +- {rep.dwell[name][1]:.3f}",
                          f"{rep.missed[name][0]:,.1f} +- {rep.missed[name][1]:,.1f}")
            out.print(t)


@app.command("check")
def check_cmd(
    scenario: ScenarioOpt = None,
    days: Annotated[list[str] | None, typer.Option("--day", help=f"Day to check (repeatable): {', '.join(DAYS)}.")
                    ] = None,
    config: Annotated[Config, typer.Option("--config", help="The plan checked.")] = Config.optimized,
    replications: Annotated[int, typer.Option("--replications", "-n", min=2, help="Simulated days per check.")] = 10,
    seed: Seed = 0, workers: Workers = None, time_limit: TimeLimitOpt = 60.0, as_json: JsonOpt = False,
) -> None:
    """The optimizer's analytic model against the simulation: expected missed flights, mean and p95 dwell on the
    base day, a x1.5 peak, a cancelled flight bank and a terminal lane down for 4 h. Exit 1 if any disagree."""
    with guard():
        check_time_limit(time_limit)
        chosen = tuple(days or DAYS)
        for day in chosen:
            if day not in DAYS:
                raise fail(f"--day: unknown day {day!r}. Fix: use one of {', '.join(DAYS)}")
        s = scenario_from(scenario)
        if s.screening is None:
            raise fail("the scenario has no [screening] section. Fix: use a scenario with one (the built-in has)")
        res = check(s.screening, days=chosen, replications=replications, seed=seed, workers=workers,
                    time_limit=time_limit, config=config.value)
        if as_json:
            print_json({"configuration": config.value, "replications": replications, "seed": seed,
                        "days": [r.to_json() for r in res], "agree": all(r.all_agree for r in res)})
        else:
            t = Table(title=f"owl screen check - analytic model against {replications} simulated days, "
                            f"{config.value} plan", title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
            for col in ("day", "statistic", "analytic", "simulated", "95% CI +-", "agree"):
                t.add_column(col, justify="left" if col in ("day", "statistic", "agree") else "right")
            for r in res:
                for k in STATISTICS:
                    m, h = r.simulated[k]
                    verdict = "yes" if r.agrees(k) else "NO"
                    t.add_row(r.day, k, f"{r.analytic[k]:.3f}", f"{m:.3f}", f"{h:.3f}", verdict)
            out.print(t)
        if not all(r.all_agree for r in res):
            raise typer.Exit(1)


@app.command("breakeven")
def breakeven_cmd(
    scenario: ScenarioOpt = None,
    parameter: Annotated[list[str] | None, typer.Option(
        "--parameter", help=f"Input to move (repeatable): {', '.join(PARAMETERS)}.")] = None,
    points: Annotated[int, typer.Option("--points", min=2, max=50, help="Scan points per range.")] = 5,
    time_limit: TimeLimitOpt = 10.0, as_json: JsonOpt = False,
) -> None:
    """Where measure 8 stops paying: the re-handling crew cost, the volume, the value of time and the sealed-truck
    price at which 'before' and 'measure 8' cost the same (both re-optimized at every value)."""
    with guard():
        check_time_limit(time_limit)
        s = scenario_from(scenario)
        if s.screening is None:
            raise fail("the scenario has no [screening] section. Fix: use a scenario with one (the built-in has)")
        chosen = tuple(parameter or PARAMETERS)
        for p in chosen:
            if p not in PARAMETERS:
                raise fail(f"--parameter: unknown {p!r}. Fix: use one of {', '.join(PARAMETERS)}")
        results = []
        for p in chosen:
            now = current_value(s.screening, p)
            if not math.isfinite(now):
                raise fail(f"--parameter {p}: the scenario has no {PARAMETERS[p].split(' of ')[-1]}")
            lo, hi = (0.25, 2.0) if p == "volume" else (0.0, 3.0 * now if now > 0 else 1.0)
            results.append(breakeven(s.screening, p, lo, hi, points=points, time_limit=time_limit))
        if as_json:
            print_json({"break_even": [r.to_json() for r in results]})
            return
        t = Table(title="owl screen breakeven - measure 8 against before (both re-optimized)", title_justify="left",
                  header_style="bold", box=box.SIMPLE_HEAD)
        for col in ("parameter", "now", "break-even", "verdict", f"saving/day {s.finance.currency} over the scan"):
            t.add_column(col, justify="left" if col in ("parameter", "verdict") else "right")
        for r in results:
            t.add_row(r.parameter, f"{r.current:g}", "-" if r.value is None else f"{r.value:.4g}", r.verdict,
                      "  ".join(f"{v:g}: {sv:,.0f}" if math.isfinite(sv) else
                                f"{v:g}: only {'measure8' if sv > 0 else 'before'} feasible" for v, sv in r.scan))
        out.print(t)


@app.command("sweep")
def sweep_cmd(
    scenario: ScenarioOpt = None,
    factors: Annotated[str, typer.Option("--factors", help="Volume factors, comma-separated.")] = (
        "0.5,0.75,1,1.25,1.5,1.75,2"),
    time_limit: TimeLimitOpt = 10.0, as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """Before / measure 8 / optimized over volume factors (default x0.5 to x2), each re-optimized."""
    with guard():
        check_time_limit(time_limit)
        try:
            fs = tuple(float(x) for x in factors.split(",") if x.strip())
        except ValueError:
            raise fail(f"--factors: {factors!r} is not a comma-separated list of numbers. Fix: e.g. 0.5,1,2"
                       ) from None
        if not fs or not all(math.isfinite(f) and 0 < f <= 100 for f in fs):
            raise fail(f"--factors: {factors!r}: every factor must be in (0, 100]. Fix: e.g. 0.5,1,2")
        s = scenario_from(scenario)
        if s.screening is None:
            raise fail("the scenario has no [screening] section. Fix: use a scenario with one (the built-in has)")
        bar, tick = _bar(quiet or as_json, "volume factors", len(fs))
        with bar:
            rows = sweep(s.screening, fs, time_limit=time_limit, progress=tick)
        if as_json:
            print_json({"sweep": [r.to_json() for r in rows]})
            return
        cur = s.finance.currency
        t = Table(title="owl screen sweep - cost per day by volume", title_justify="left", header_style="bold",
                  box=box.SIMPLE_HEAD)
        for col in ("volume x", "parcels/day", f"before {cur}", f"measure8 {cur}", f"optimized {cur}",
                    f"measure 8 saves {cur}", "optimized equipment"):
            t.add_column(col, justify="left" if col == "optimized equipment" else "right")
        def money(v: float) -> str:
            return f"{v:,.0f}" if math.isfinite(v) else "infeasible"

        for r in rows:
            t.add_row(f"{r.factor:g}", f"{r.parcels:,.0f}", *(money(r.cost[k]) for k in
                                                              ("before", "measure8", "optimized")),
                      money(r.saving) if math.isfinite(r.saving) else "-",
                      ", ".join(f"{a} {b}" for a, b in r.equipment.get("optimized", {}).items()))
        out.print(t)
        for r in rows:
            for k, st in r.status.items():
                if st.startswith("infeasible"):
                    out.print(f"x{r.factor:g} {k}: {st}", highlight=False, markup=False)


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
                           workers=workers, progress=lambda k: bar.update(task, completed=k),
                           equipment=plan.equipment)
        summary = sim.summary()
        analytic = {"missed": round(plan.report.expected_misses, 3),
                    "late": round(plan.report.expected_late, 3),
                    "share_intended_flight": round(plan.report.share_intended_flight, 6),
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
        for key in ("missed", "late", "share_intended_flight", "dwell_mean_hours", "dwell_p95_hours",
                    "wait_mean_hours", "parcels"):
            st = summary[key]
            assert isinstance(st, dict)
            ci = "-" if st["ci95"] is None else f"{st['ci95']:.4g}"
            t.add_row(key, f"{st['mean']:.4f}", ci, str(analytic.get(key, "")))
        out.print(t)
