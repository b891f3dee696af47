"""Run a sweep: every variant of a spec, in batches, on any :class:`concurrent.futures.Executor`.

By default the batches go to local processes, one per core, each running one variant at a time; a
``dask.distributed`` client's executor (``client.get_executor()``) runs them on a cluster instead. A variant is a
pure function of its task and the rows are put back in the spec's order, so they are the same wherever they run,
as long as each solve ends on its gap: a design or screening solve stopped by its time limit returns the best plan
it found by then, which depends on the machine's speed.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from logistics.errors import ScenarioError
from logistics.scenario import apply_path as apply
from logistics.scenario import dump_scenario, parse_scenario
from logistics.sweep.run import Task, base_key, run_batch, variant_key
from logistics.sweep.sample import variants
from logistics.sweep.spec import SweepSpec
from logistics.sweep.store import ResultStore

__all__ = ["SweepResult", "check_values", "sweep"]


@dataclass(frozen=True, slots=True)
class SweepResult:
    """The rows of a sweep in the spec's variant order, and how many ran now and were found done."""

    spec: SweepSpec
    frame: pd.DataFrame
    ran: int
    skipped: int
    seconds: float


def sweep(spec: SweepSpec, out: str | Path | None = None, *, executor: Executor | None = None,
          workers: int | None = None, batch: int | None = None,
          progress: Callable[[int, int], None] | None = None,
          inputs: list[dict[str, Any]] | None = None) -> SweepResult:
    """Run every variant of ``spec`` not yet in ``out`` and return all of them.

    Parameters
    ----------
    spec
        The parsed spec (:func:`~logistics.sweep.spec.load_spec`).
    out
        Results folder (Parquet parts; resumable). Without it nothing is written and nothing is skipped.
    executor
        Where the batches run; default a process pool of ``workers`` processes (default: the CPUs). A Dask
        ``Client.get_executor()`` runs them on its cluster.
    batch
        Variants per task (default: a size that gives each worker about eight tasks, at most 50).
    progress
        Called with (variants finished, variants in all) as batches finish.
    inputs
        The variants' inputs, one value per parameter of ``spec`` each, in place of the spec's own sampling: for
        designs the sampling cannot express, such as common random draws under several policies
        (:func:`~logistics.sweep.measures.measure_worth`).
    """
    t0 = time.perf_counter()
    if inputs is None:
        inputs = variants(spec)
    else:
        names = [p.name for p in spec.parameters]
        for i, v in enumerate(inputs):
            if sorted(v) != sorted(names):
                raise ValueError(f"inputs[{i}] has the parameters {sorted(v)}, not those of the spec {sorted(names)}")
    check_values(spec, inputs)
    paths = tuple((p.name, p.path, p.mode) for p in spec.parameters)
    base = base_key(spec.scenario)
    limits = (spec.design_time_limit, spec.screening_time_limit)
    keys = [variant_key(base, v, paths, spec.run, limits) for v in inputs]
    store = ResultStore(out) if out is not None else None
    copies = Counter(keys)  # a sweep of lists can draw one combination twice: it runs once
    with store if store is not None else contextlib.nullcontext():
        done = store.done() if store is not None else set()
        todo = []
        for i, (k, v) in enumerate(zip(keys, inputs, strict=True)):
            if k not in done:
                todo.append((k, i, v))
                done.add(k)
        ran = {k for k, _, _ in todo}
        skipped = len(keys) - sum(copies[k] for k in ran)
        n_workers = workers or os.cpu_count() or 1
        size = batch or max(1, min(50, math.ceil(len(todo) / (8 * n_workers)))) if todo else 1
        tasks = [Task(spec.scenario, base, tuple(todo[i:i + size]), paths, spec.run, *limits)
                 for i in range(0, len(todo), size)]
        rows: list[dict[str, Any]] = []
        finished = skipped
        if progress:
            progress(finished, len(keys))
        own = executor is None and len(tasks) > 0
        pool: Executor | None = executor
        if own:
            pool = ProcessPoolExecutor(max_workers=min(n_workers, len(tasks)))
        try:
            if tasks:
                assert pool is not None
                futures: list[Future[list[dict[str, Any]]]] = [pool.submit(run_batch, t) for t in tasks]
                for fut in as_completed(futures):
                    got = fut.result()
                    if store is not None:
                        store.write(got)
                    else:
                        rows += got
                    finished += sum(copies[r["key"]] for r in got)
                    if progress:
                        progress(finished, len(keys))
        except BaseException:
            if own and pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        if own and pool is not None:
            pool.shutdown()
        # With a folder, every row (earlier runs' and this one's) is in its parts.
        frame = store.read() if store is not None else pd.DataFrame(rows)
    if not frame.empty:
        frame = frame.drop_duplicates("key", keep="last").set_index("key").reindex(keys).reset_index()
        frame["variant"] = range(len(keys))
        # The inputs as drawn (a part on disk may hold a mixed column as text).
        for p in spec.parameters:
            frame[f"in:{p.name}"] = [v[p.name] for v in inputs]
        units = [c for c in frame.columns if "_units_" in c]
        ok = frame["status"] == "ok"
        frame.loc[ok, units] = frame.loc[ok, units].fillna(0.0)  # a channel a variant does not use carries 0
    return SweepResult(spec, frame, len(todo), skipped, time.perf_counter() - t0)


def check_values(spec: SweepSpec, inputs: list[dict[str, Any]]) -> None:
    """Refuse, before anything runs, a parameter whose values the scenario's own checks reject (a negative rate, a
    share above 1): each parameter's distinct values, or its lowest and highest, are set on the base scenario,
    which is written out and read back with every check the loader makes.

    Raises
    ------
    ScenarioError
        Naming the spec, the parameter, the value and the scenario field that refused it.
    """
    for p in spec.parameters:
        drawn = list(dict.fromkeys(v[p.name] for v in inputs))
        if len(drawn) > 12 and all(isinstance(x, int | float) and not isinstance(x, bool) for x in drawn):
            drawn = [min(drawn), max(drawn)]
        for value in drawn:
            try:
                parse_scenario(dump_scenario(apply(spec.scenario, p.path, value, p.mode)), spec.scenario_ref)
            except ScenarioError as exc:
                raise ScenarioError(spec.file, f"parameter[{p.name}]", f"at {value!r} the scenario refuses "
                                    f"{exc.field}: {exc.problem}", "keep the parameter within what the field "
                                    "allows (docs/scenario.md)") from None
