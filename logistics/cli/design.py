"""``owl design``: which overseas warehouses and hubs to open and which channel and lane each flow takes."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.table import Table

from logistics.cli._common import (
    DateOpt,
    GapOpt,
    JsonOpt,
    MipSolver,
    MipSolverOpt,
    QuietOpt,
    ScenarioOpt,
    TimeLimitOpt,
    check_time_limit,
    err,
    fail,
    guard,
    out,
    parse_date,
    print_json,
    rules_warnings,
)
from logistics.design import DesignInfeasibleError, DesignResult, read_orlib_cflp, scenario_design, solve_design
from logistics.errors import InfeasibleError
from logistics.io import atomic_write_json
from logistics.scenario import DesignData, Scenario, load_scenario
from logistics.solving import stamped

__all__ = ["app"]

app = typer.Typer(help="Network design: open warehouses and hubs, route every product-market flow (MathOpt MIP).")




def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    return None if quiet else (lambda line: err.print(line, highlight=False, soft_wrap=True, markup=False))


def _settings(s: Scenario, max_wh: int | None, min_wh: int | None, budget: float | None, target: float | None,
              penalty: float | None, single: bool | None, pooling: bool | None) -> DesignData:
    cfg = s.design or DesignData()
    changes: dict[str, object] = {}
    for name, value in (("max_warehouses", max_wh), ("min_warehouses", min_wh), ("budget", budget),
                        ("service_target", target), ("service_penalty", penalty), ("single_sourcing", single),
                        ("pooling", pooling)):
        if value is not None:
            changes[name] = value
    if target is not None and not 0 <= target <= 1:
        raise fail(f"--service-target: {target:g} must be a share between 0 and 1. Fix: pass e.g. 0.8")
    return dataclasses.replace(cfg, **changes)  # type: ignore[arg-type]


def _solve_scenario(s: Scenario, cfg: DesignData, force_open: list[str] | None, force_closed: list[str] | None,
                    time_limit: float, gap: float, solver: str, n_best: int, quiet: bool,
                    date: str | None = None, started: float | None = None) -> DesignResult:
    """Build and solve the design of ``s``; ``time_limit`` counts from ``started`` (now by default), so the
    caller's loading time is inside it."""
    started = time.perf_counter() if started is None else started
    progress = _progress(quiet)
    design = scenario_design(s, date=parse_date(date), settings=cfg, forced_open=frozenset(force_open or ()),
                           forced_closed=frozenset(force_closed or ()))
    if progress is not None:
        inst = design.instance
        progress(stamped(started, f"build: {len(inst.demand_ids):,} demand rows, {inst.n_options:,} options, "
                                  f"{inst.n_sites:,} sites"))
    return solve_design(design, time_limit=time_limit, gap=gap, solver=solver, n_best=n_best, progress=progress,
                        started=started)


def _geojson(s: Scenario, result: DesignResult) -> dict[str, object]:
    """Sites as points (open or not, load) and every used option as a line origin > gateway > warehouse > market."""
    inst = result.instance
    feats: list[dict[str, object]] = []
    for i, sid in enumerate(inst.site_ids):
        if inst.site_kind[i] == "origin" or not np.isfinite(inst.site_lat[i]):
            continue
        point = [float(inst.site_lon[i]), float(inst.site_lat[i])]
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": point},
                      "properties": {"id": sid, "kind": inst.site_kind[i], "open": sid in result.plan.open_sites,
                                     "fixed_cost": float(inst.site_fixed[i]),
                                     "load": result.evaluation.site_load.get(sid, 0.0)}})
    where = {o.id: (o.lon, o.lat) for o in s.origins} | {g.id: (g.lon, g.lat) for g in s.gateways} \
        | {w.id: (w.lon, w.lat) for w in s.warehouses} | {m.id: (m.lon, m.lat) for m in s.markets}
    for fl in result.chosen_flows(min_share=1e-6):
        o = fl.option
        feats.append({"type": "Feature",
                      "geometry": {"type": "LineString", "coordinates": [list(where[x]) for x in o.stops]},
                      "properties": {"option": o.label, "channel": o.channel.value, "share": fl.share,
                                     "units_per_year": fl.units_per_year}})
    return {"type": "FeatureCollection", "features": feats}


def _print(result: DesignResult, currency: str) -> None:
    ev = result.evaluation
    out.print(f"owl design - {result.instance.name}: {result.status}, cost {result.objective:,.0f} {currency} a year, "
              f"bound {result.bound:,.0f}, gap {result.gap:.4%}, {result.runtime_s:.1f} s ({result.solver})",
              highlight=False)
    out.print("open: " + (", ".join(result.open_sites) or "none"), highlight=False)
    t = Table(title="cost by stage", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    t.add_column("stage")
    t.add_column(f"{currency} a year", justify="right")
    for k, v in ev.by_stage.items():
        t.add_row(k, f"{v:,.0f}")
    out.print(t)
    if ev.service:
        t = Table(title="share of demand within the promise", title_justify="left", box=box.SIMPLE_HEAD,
                  header_style="bold")
        t.add_column("market")
        t.add_column("share", justify="right")
        for m, v in ev.service.items():
            t.add_row(m, f"{v:.1%}")
        out.print(t)
    if result.binding:
        out.print("binding: " + "; ".join(result.binding), highlight=False)
    for rank, r in enumerate(result.runner_ups, start=2):
        out.print(f"plan #{rank}: {r.objective:,.0f} (+{r.objective - result.objective:,.0f}), open "
                  + ", ".join(r.open_sites), highlight=False)


@app.callback(invoke_without_command=True)
def design_cmd(
    ctx: typer.Context,
    scenario: ScenarioOpt = None,
    time_limit: TimeLimitOpt = 60.0, gap: GapOpt = 1e-3, solver: MipSolverOpt = MipSolver.highs,
    force_open: Annotated[list[str] | None, typer.Option("--force-open", help="Site id to keep open (repeat).")] = None,
    force_closed: Annotated[list[str] | None, typer.Option("--force-closed", help="Site id to keep closed.")] = None,
    max_warehouses: Annotated[int | None, typer.Option("--max-warehouses", min=0, help="At most this many.")] = None,
    min_warehouses: Annotated[int | None, typer.Option("--min-warehouses", min=0, help="At least this many.")] = None,
    budget: Annotated[float | None, typer.Option("--budget", min=0, help="Cap on fixed costs a year.")] = None,
    service_target: Annotated[float | None, typer.Option("--service-target",
                                                         help="Share of each market within its promise.")] = None,
    service_penalty: Annotated[float | None, typer.Option("--service-penalty", min=0,
                                                          help="Make the target soft: cost per unit short.")] = None,
    single_sourcing: Annotated[bool | None, typer.Option("--single-sourcing/--split",
                                                         help="One option per product-market.")] = None,
    pooling: Annotated[bool | None, typer.Option("--pooling/--no-pooling", help="Risk pooling of safety stock.")]
    = None,
    n_best: Annotated[int, typer.Option("--n-best", min=0, help="Runner-up plans with other warehouses.")] = 2,
    price_promise: Annotated[bool, typer.Option(
        "--price-promise", help="Also solve without the service target and report what the target costs.")] = False,
    date: DateOpt = None,
    geojson: Annotated[Path | None, typer.Option("--geojson", help="Write sites and flows as GeoJSON.",
                                                 dir_okay=False)] = None,
    as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """Design the network of the scenario (the built-in Guangzhou one by default); exit 1 if no plan is feasible."""
    if ctx.invoked_subcommand is not None:
        return
    started = time.perf_counter()
    with guard():
        check_time_limit(time_limit)
        if gap < 0:
            raise fail(f"--gap: {gap:g} must be >= 0. Fix: pass e.g. --gap 0.001")
        s = load_scenario(scenario)
        progress = _progress(quiet or as_json)
        if progress is not None:
            progress(stamped(started, f"load: {s.name}, {len(s.markets):,} markets, {len(s.products):,} products, "
                                      f"{len(s.warehouses):,} warehouse candidates"))
        cfg = _settings(s, max_warehouses, min_warehouses, budget, service_target, service_penalty, single_sourcing,
                        pooling)
        when = parse_date(date)
        warnings = rules_warnings(s, when)
        # With --price-promise the second design gets the last third of the limit.
        first = time_limit * (2 / 3 if price_promise else 1.0)
        try:
            result = _solve_scenario(s, cfg, force_open, force_closed, first, gap, solver.value, n_best,
                                     quiet or as_json, when.isoformat(), started)
        except DesignInfeasibleError as exc:
            if as_json:
                print_json({"instance": s.name, "status": "infeasible", "diagnosis": list(exc.diagnosis)})
            raise
        promise: dict[str, Any] | None = None
        other: DesignResult | None = None
        if price_promise:
            # The same design without a service target: the difference is what the promise costs a year.
            free = dataclasses.replace(cfg, service_target=0.0, service_penalty=None)
            left = started + time_limit - time.perf_counter()
            try:
                if left < 0.5:
                    raise InfeasibleError("no time left")
                other = _solve_scenario(s, free, force_open, force_closed, left, gap, solver.value, 0, True,
                                        when.isoformat())
            except InfeasibleError:
                warnings = [*warnings, "--price-promise: no plan without the target in the time left; raise "
                            "--time-limit to price the promise"]
            if other is not None:
                promise = {"service_target": cfg.service_target, "objective_without_target": other.objective,
                           "cost_per_year": result.objective - other.objective,
                           "open_without_target": list(other.open_sites)}
        if geojson is not None:
            atomic_write_json(geojson, _geojson(s, result))
        if as_json:
            print_json({**result.to_json(), "rules_date": when.isoformat(),
                        "rules_verified": str(s.rules_verified or ""), "warnings": warnings,
                        **({"promise": promise} if promise else {})})
        else:
            out.print(f"rules of {when}", highlight=False)
            _print(result, s.finance.currency)
            for w in warnings if price_promise and promise is None else ():
                err.print(f"warning: {w}", highlight=False)
            if promise and other is not None:
                out.print(f"promise: the service target {cfg.service_target:g} costs "
                          f"{promise['cost_per_year']:,.0f} {s.finance.currency} a year over the best plan without "
                          f"it (open then: {', '.join(other.open_sites) or 'none'})", highlight=False)


@app.command("orlib")
def orlib_cmd(
    file: Annotated[Path, typer.Argument(help="An OR-Library cap*.txt file.", dir_okay=False)],
    capacity: Annotated[float | None, typer.Option("--capacity", help="Capacity for capa/capb/capc files.")] = None,
    time_limit: TimeLimitOpt = 600.0, gap: GapOpt = 1e-9, solver: MipSolverOpt = MipSolver.highs,
    as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """Solve an OR-Library capacitated facility location instance (splittable demand) to proven optimality."""
    with guard():
        check_time_limit(time_limit)
        inst = read_orlib_cflp(file, capacity=capacity)
        result = solve_design(inst, time_limit=time_limit, gap=gap, solver=solver.value,
                              progress=_progress(quiet or as_json))
        if as_json:
            doc = result.to_json()
            doc.pop("flows")
            doc["assignment"] = result.flows()
            print_json(doc)
        else:
            out.print(f"{inst.name}: {result.status}, objective {result.objective:.3f}, bound {result.bound:.3f}, "
                      f"gap {result.gap:.2e}, {result.runtime_s:.2f} s; open {', '.join(result.open_sites)}",
                      highlight=False)


@app.command("compare")
def compare_cmd(
    a: Annotated[Path, typer.Argument(help="Scenario A (TOML).", dir_okay=False)],
    b: Annotated[Path, typer.Argument(help="Scenario B (TOML).", dir_okay=False)],
    time_limit: TimeLimitOpt = 60.0, gap: GapOpt = 1e-3, solver: MipSolverOpt = MipSolver.highs,
    as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """Design both scenarios and print the differences in open sites, flows (by channel) and cost."""
    with guard():
        check_time_limit(time_limit)
        results = []
        for path in (a, b):
            s = load_scenario(path)
            results.append((s, _solve_scenario(s, s.design or DesignData(), None, None, time_limit, gap,
                                               solver.value, 0, quiet or as_json)))
        doc = compare_results(results[0][1], results[1][1])
        if as_json:
            print_json(doc)
            return
        cur = results[0][0].finance.currency
        out.print(f"cost A {doc['cost_a']:,.0f}, B {doc['cost_b']:,.0f}, B - A {doc['cost_b'] - doc['cost_a']:+,.0f} "
                  f"{cur} a year", highlight=False)
        out.print(f"opened in B only: {', '.join(doc['open_only_b']) or 'none'}; "
                  f"open in A only: {', '.join(doc['open_only_a']) or 'none'}", highlight=False)
        t = Table(title="by stage and channel", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
        for col in ("item", "A", "B", "B - A"):
            t.add_column(col, justify="left" if col == "item" else "right")
        for key, (va, vb) in {**doc["stages"], **doc["channels"]}.items():
            if abs(vb - va) > 0.5:
                t.add_row(key, f"{va:,.0f}", f"{vb:,.0f}", f"{vb - va:+,.0f}")
        out.print(t)


def compare_results(ra: DesignResult, rb: DesignResult) -> dict[str, Any]:
    """Differences between two design results: open sites, cost by stage, units by channel."""

    def channels(r: DesignResult) -> dict[str, float]:
        units: dict[str, float] = {}
        for fl in r.chosen_flows(min_share=1e-6):
            key = f"units by {fl.option.channel.value}"
            units[key] = units.get(key, 0.0) + fl.units_per_year
        return units

    sa, sb = set(ra.open_sites), set(rb.open_sites)
    ca, cb = channels(ra), channels(rb)
    stages = {k: (ra.evaluation.by_stage.get(k, 0.0), rb.evaluation.by_stage.get(k, 0.0))
              for k in dict.fromkeys([*ra.evaluation.by_stage, *rb.evaluation.by_stage])}
    return {"cost_a": ra.objective, "cost_b": rb.objective, "open_a": sorted(sa), "open_b": sorted(sb),
            "open_only_a": sorted(sa - sb), "open_only_b": sorted(sb - sa),
            "stages": stages, "channels": {k: (ca.get(k, 0.0), cb.get(k, 0.0)) for k in sorted({*ca, *cb})}}
