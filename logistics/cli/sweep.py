"""``owl sweep``: run every variant of a sweep spec, locally or on a Dask cluster, into a resumable folder."""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from logistics.cli._common import JsonOpt, QuietOpt, err, fail, guard, out, print_json
from logistics.io import atomic_write_json
from logistics.sweep import EXAMPLE, OUTPUTS, load_spec, summarize, sweep

__all__ = ["sweep_cmd"]

SpecArg = Annotated[Path | None, typer.Argument(help="Sweep spec TOML (docs/sweeps.md); see --example.",
                                                dir_okay=False, show_default=False)]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Results folder: Parquet parts, summary.json. "
                                             "A rerun into it skips the variants already there.",
                                             file_okay=False, show_default=False)]
WorkersOpt = Annotated[int | None, typer.Option("--workers", "-w", min=1, max=512,
                                                help="Worker processes (default: the CPUs; with --dask local, "
                                                     "the cluster's workers).")]
SchedulerOpt = Annotated[str | None, typer.Option("--scheduler", help="Address of a running dask.distributed "
                                                  "scheduler, e.g. tcp://10.0.0.5:8786.")]
DaskOpt = Annotated[str | None, typer.Option("--dask", help="'local': start a dask LocalCluster of --workers "
                                             "single-threaded worker processes.")]
ExampleOpt = Annotated[bool, typer.Option("--example", help="Print a documented spec for the built-in scenario "
                                          "and exit.")]
TargetOpt = Annotated[str | None, typer.Option("--target", help="The output the tornado ranks by, e.g. "
                                               "design_cost_per_unit (default: design_annual_cost when the design "
                                               "runs, else chain_annual_cost, else screening_cost_per_day).")]
BatchOpt = Annotated[int | None, typer.Option("--batch", min=1, max=10_000, help="Variants per task (default: "
                                              "about eight tasks per worker, at most 50).")]


@contextlib.contextmanager
def _executor(scheduler: str | None, dask: str | None, workers: int | None) -> Iterator[Executor | None]:
    if scheduler and dask:
        raise fail("--scheduler and --dask: give one of them. Fix: --scheduler tcp://HOST:PORT for a running "
                   "cluster, or --dask local")
    if dask is not None and dask != "local":
        raise fail(f"--dask: {dask!r} is not 'local'. Fix: pass --dask local, or --scheduler ADDRESS")
    if not scheduler and not dask:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency of owl
        raise fail("dask.distributed is not installed. Fix: pip install -e .") from None
    if dask:
        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise fail(f"--scheduler: cannot reach {scheduler}: {exc}. Fix: start it with `dask scheduler` "
                       "and give its tcp:// address") from None
        cluster = None
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _targets(run: tuple[str, ...]) -> list[str]:
    return [k for k, unit in OUTPUTS.items() if k.split("_")[0] in run and unit.startswith(("currency", "share",
                                                                                            "parcels"))]


def _known_target(name: str, run: tuple[str, ...]) -> bool:
    return name in _targets(run) or any(name.startswith(f"{r}_units_") for r in run)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "-" if not math.isfinite(v) else f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return escape(str(v))


def sweep_cmd(
    spec: SpecArg = None, out_dir: OutOpt = None, workers: WorkersOpt = None, scheduler: SchedulerOpt = None,
    dask: DaskOpt = None, batch: BatchOpt = None, target: TargetOpt = None, example: ExampleOpt = False,
    as_json: JsonOpt = False, quiet: QuietOpt = False,
) -> None:
    """Run every variant of a sweep spec (chain, design and/or screening) and summarize: each output's
    distribution, the inputs that move it most (tornado; Sobol indices when sampled by Sobol) and the inputs that
    change the decision. Rows go to Parquet in OUT/parts, the summary to OUT/summary.json."""
    if example:
        sys.stdout.write(EXAMPLE)
        return
    if spec is None:
        raise fail("give a sweep spec, or --example to print one. Fix: owl sweep --example > sweep.toml")
    if out_dir is None:
        raise fail("--out: missing. Fix: pass --out FOLDER for the results (a rerun into it resumes)")
    with guard():
        s = load_spec(spec)
        if target is not None and not _known_target(target, s.run):
            raise fail(f"--target: {target!r} is not a numeric output of run = {list(s.run)}. Fix: use one of "
                       + ", ".join(_targets(s.run)))
        with (Progress(TextColumn("variants"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       TimeRemainingColumn(), console=err, disable=quiet or as_json, transient=True) as bar,
              _executor(scheduler, dask, workers) as executor):
            task = bar.add_task("variants", total=None)
            result = sweep(s, out_dir, executor=executor, workers=workers, batch=batch,
                           progress=lambda k, n: bar.update(task, completed=k, total=n))
        summary = summarize(s, result.frame, target)
        doc = {"spec": str(spec), "scenario": s.scenario_ref, "sampling": s.sampling, "seed": s.seed,
               "run": list(s.run), "ran": result.ran, "skipped": result.skipped,
               "seconds": round(result.seconds, 3), "out": str(out_dir), **summary}
        atomic_write_json(out_dir / "summary.json", doc)
    if as_json:
        print_json(doc)
        return
    out.print(f"owl sweep - {len(result.frame)} variants of {escape(s.scenario_ref)} ({s.sampling}, seed {s.seed}); "
              f"{result.ran} run now, {result.skipped} found done, in {result.seconds:.1f} s", highlight=False)
    t = Table(box=box.SIMPLE_HEAD, title="outputs over the variants that ran", title_justify="left")
    for col in ("output", "mean", "std", "p5", "p50", "p95"):
        t.add_column(col, justify="left" if col == "output" else "right")
    for name, d in summary["distribution"].items():
        t.add_row(escape(name), *(_fmt(d[k]) for k in ("mean", "std", "p5", "p50", "p95")))
    out.print(t)
    if summary["tornado"]:
        t = Table(box=box.SIMPLE_HEAD, title=f"what moves {summary['target']} (top quarter less bottom quarter)",
                  title_justify="left")
        for col in ("input", "swing", "Spearman", "Sobol S1", "Sobol ST"):
            t.add_column(col, justify="left" if col == "input" else "right")
        sob = summary["sobol"] or {}
        for r in summary["tornado"]:
            si = sob.get(r["input"], {})
            t.add_row(escape(r["input"]), _fmt(r["swing"]), "-" if r["spearman"] is None else f"{r['spearman']:.2f}",
                      f"{si['S1']:.2f}" if si else "-", f"{si['ST']:.2f}" if si else "-")
        out.print(t)
    for d, v in summary["decisions"].items():
        changed = ", ".join(v["changed_by"]) or "none"
        out.print(f"{d}: {v['distinct']} distinct decisions; the most common in {v['most_common_share']:.0%} of "
                  f"variants; changed by: {escape(changed)}", highlight=False, soft_wrap=True)
    bad = {k: v for k, v in summary["status"].items() if k != "ok"}
    if bad:
        out.print(f"not solved: {bad} (their reasons are in the Parquet rows' reason column)", highlight=False)
    out.print(f"rows: {escape(str(out_dir / 'parts'))}/*.parquet; summary: {escape(str(out_dir / 'summary.json'))}",
              highlight=False)
