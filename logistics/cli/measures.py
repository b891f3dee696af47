"""``owl measures``: what each of the scenario's policy measures is worth, alone and all together."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from logistics.cli._common import (
    JsonOpt,
    QuietOpt,
    ScenarioOpt,
    SeedOpt,
    check_time_limit,
    err,
    fail,
    guard,
    out,
    print_json,
    scenario_from,
)
from logistics.cli.sweep import DaskOpt, SchedulerOpt, WorkersOpt, _executor
from logistics.io import atomic_write_json
from logistics.sweep import UNCERTAINTY, load_spec, measure_worth

__all__ = ["measures_cmd"]

DrawsOpt = Annotated[int, typer.Option("--draws", "-n", min=1, max=10_000,
                                       help="Monte Carlo draws of the uncertain inputs, shared by every "
                                            "configuration.")]
UncertaintyOpt = Annotated[Path | None, typer.Option(
    "--uncertainty", help="A sweep spec (docs/sweeps.md) whose parameters are the uncertain inputs, in place of "
    "the defaults (freight rates, demand, cost of capital); its scenario is used unless --scenario is given.",
    dir_okay=False, show_default=False)]
RunOpt = Annotated[str, typer.Option("--run", help="What each variant runs: chain, design and/or screening, "
                                     "comma-separated.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the variants' rows (Parquet, "
                                             "resumable) and measures.json.", file_okay=False,
                                             show_default=False)]


def _pm(v: list[Any] | None, scale: float = 1.0, digits: int = 0) -> str:
    if v is None or v[0] is None:
        return "-"
    mean = v[0] * scale
    if v[1] is None:
        return f"{mean:+,.{digits}f}"
    return f"{mean:+,.{digits}f} ± {v[1] * scale:,.{digits}f}"


def measures_cmd(
    scenario: ScenarioOpt = None, draws: DrawsOpt = 8, seed: SeedOpt = 0, uncertainty: UncertaintyOpt = None,
    run: RunOpt = "chain,design,screening", design_time_limit: Annotated[float, typer.Option(
        "--design-time-limit", help="Seconds per design solve.")] = 10.0,
    screening_time_limit: Annotated[float, typer.Option("--screening-time-limit", help="Seconds per screening "
                                                        "solve (one per distinct screening setting and worker).")]
    = 60.0,
    out_dir: OutOpt = None, workers: WorkersOpt = None, scheduler: SchedulerOpt = None, dask: DaskOpt = None,
    as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """What each of the scenario's [[measures]] is worth: the change in annual cost, delivery time, working
    capital and the decision against no measure, for each measure alone and for all together, with 95%
    intervals over common Monte Carlo draws of freight rates, demand and the cost of capital."""
    runs = tuple(x.strip() for x in run.split(",") if x.strip())
    bad = [x for x in runs if x not in ("chain", "design", "screening")]
    if bad or not runs:
        raise fail(f"--run: {run!r} is not a list of chain, design, screening. Fix: e.g. --run chain,design")
    check_time_limit(design_time_limit, "--design-time-limit")
    check_time_limit(screening_time_limit, "--screening-time-limit")
    with guard():
        params = UNCERTAINTY
        if uncertainty is not None:
            spec = load_spec(uncertainty)
            params = spec.parameters
            s = scenario_from(scenario) if scenario is not None else spec.scenario
        else:
            s = scenario_from(scenario)
        with (Progress(TextColumn("variants"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=err, disable=quiet or as_json, transient=True) as bar,
              _executor(scheduler, dask, workers) as executor):
            task = bar.add_task("variants", total=None)
            worth = measure_worth(s, uncertainty=params, draws=draws, seed=seed, run=runs,
                                  design_time_limit=design_time_limit, screening_time_limit=screening_time_limit,
                                  out=out_dir, executor=executor, workers=workers,
                                  progress=lambda k, n: bar.update(task, completed=k, total=n),
                                  file=str(uncertainty or "<measures>"))
        doc = {"run": list(runs), "seed": seed, **worth.to_json(),
               "notes": {m.id: m.note for m in s.measures if m.note}}
        if out_dir is not None:
            atomic_write_json(out_dir / "measures.json", doc)
    if as_json:
        print_json(doc)
        return
    cur = s.finance.currency
    out.print(f"owl measures - {escape(s.name)}: no measure, each alone and all, on {worth.draws} common draws "
              f"(seed {seed}) in {worth.seconds:.1f} s; differences against no measure, mean ± 95% interval",
              highlight=False, soft_wrap=True)
    t = Table(box=box.SIMPLE_HEAD)
    t.add_column("measure", no_wrap=True)
    t.add_column("what", overflow="fold", max_width=28)
    t.add_column(f"annual cost\n{cur}/year", justify="right")
    t.add_column("delivery\ndays", justify="right")
    t.add_column(f"working\ncapital {cur}", justify="right")
    if "screening" in runs:
        t.add_column("screening\ndwell h", justify="right")
    t.add_column("decision", overflow="fold", max_width=30)
    for r in worth.rows:
        if r["config"] == "none":
            cells = [f"{r['annual_cost']:,.0f}" if r["annual_cost"] is not None else "-",
                     f"{r['days_mean']:.2f}" if r["days_mean"] is not None else "-",
                     f"{r['working_capital']:,.0f}" if r["working_capital"] is not None else "-"]
            if "screening" in runs:
                cells.append(f"{r['screening_dwell_hours']:.2f}" if r["screening_dwell_hours"] is not None else "-")
            decision = "opens " + (", ".join(r["open"]) or "nothing")
        else:
            cells = [_pm(r["delta_annual_cost"]), _pm(r["delta_days_mean"], digits=3),
                     _pm(r["delta_working_capital"])]
            if "screening" in runs:
                cells.append(_pm(r["delta_screening_dwell_hours"], digits=2))
            parts = [f"opens {', '.join(r['opens'])}" if r["opens"] else "",
                     f"closes {', '.join(r['closes'])}" if r["closes"] else "",
                     f"{len(r['channel_changes'])} channel changes" if r["channel_changes"] else ""]
            decision = "; ".join(p for p in parts if p) or "same"
        t.add_row(escape(r["config"]), escape(r["title"]), *cells, escape(decision))
    out.print(t)
    out.print(escape("Negative differences: the measure lowers the cost or the time. Magnitudes marked assumption: "
                     "in the scenario's [[measures]] are not from sources (docs/measures.md)."), highlight=False,
              soft_wrap=True)
    for mid, note in doc["notes"].items():
        out.print(f"{escape(mid)}: {escape(note)}", highlight=False, soft_wrap=True)
    if worth.failed:
        out.print(f"{worth.failed} variants did not solve; their reasons are in the rows (--out).", highlight=False)
