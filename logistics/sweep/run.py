"""One variant of a sweep, run from start to end in whatever process gets it: a pure function of its task.

A :class:`Task` carries the base scenario, the variant's inputs and the settings; :func:`run_batch` applies the
inputs by path, runs the chain, the design and/or the screening model, and returns one flat row per variant: its
key, its inputs and its outputs. A variant whose inputs make the scenario unsolvable (infeasible, or rejected by the
scenario's checks) gets its status and the reason instead of outputs; the sweep goes on.
"""

from __future__ import annotations

import hashlib
import json
import math
import pickle
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from logistics import __version__
from logistics.errors import OwlError
from logistics.scenario import PathError, Scenario, resolve_measures
from logistics.scenario import apply_path as apply

if TYPE_CHECKING:  # the chain is imported where a variant runs, not when a sweep is planned
    from logistics.chain import ChainReport

__all__ = ["OUTPUTS", "Task", "base_key", "run_batch", "variant_key"]

#: Every output column with its unit. ``units_<channel>`` columns are added for the channels that occur.
OUTPUTS = {
    "variant": "index in the spec's order", "status": "text (ok, infeasible, invalid, error)", "reason": "text",
    "runtime_s": "s",
    "chain_annual_cost": "currency/year", "chain_cost_per_unit": "currency/unit",
    "chain_working_capital": "currency", "chain_late_share": "share", "chain_days_mean": "days (order to delivery)",
    "chain_channels": "text (product/market:channel;...)",
    "design_annual_cost": "currency/year", "design_cost_per_unit": "currency/unit", "design_status": "text",
    "design_gap": "share",
    "design_open": "text (site ids, ;-separated)", "design_service_min": "share",
    "design_on_time_share": "share of units", "design_days_mean": "days (order to delivery, units-weighted)",
    "design_working_capital": "currency",
    "screening_cost_per_day": "currency/day", "screening_misses_per_day": "parcels/day",
    "screening_dwell_hours": "h (mean, parcel at the exchange to departure)",
    "screening_placement": "text (site ids, ;-separated)",
}


@dataclass(frozen=True, slots=True)
class Task:
    """A batch of variants of one base scenario with the settings they run with."""

    scenario: Scenario
    base: str  # base_key of the scenario
    variants: tuple[tuple[str, int, dict[str, Any]], ...]  # (key, place in the spec's order, inputs by name)
    paths: tuple[tuple[str, str, str], ...]  # (name, path, mode) of each parameter
    run: tuple[str, ...]
    design_time_limit: float
    screening_time_limit: float


def base_key(s: Scenario) -> str:
    """A content hash of the base scenario."""
    return hashlib.sha256(pickle.dumps(s, protocol=5)).hexdigest()[:16]


def variant_key(base: str, inputs: dict[str, Any], paths: Sequence[tuple[str, str, str]], run: Sequence[str],
                limits: tuple[float, float]) -> str:
    """A content hash of a variant: the base scenario, its inputs by path, what it runs with which limits, and the
    outputs this owl computes."""
    # The outputs and owl's version are in the key: rows that an older owl computed, without a column added since,
    # are not taken for finished.
    doc = {"base": base, "inputs": [[path, mode, inputs[name]] for name, path, mode in paths],
           "run": list(run), "limits": list(limits), "outputs": sorted(OUTPUTS), "owl": __version__}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _chain(r: ChainReport) -> dict[str, Any]:
    w = r.winner_index()
    units = r.units_per_year[w]
    late = ~np.asarray(r["meets_promise"], dtype=bool)[w]
    out: dict[str, Any] = {
        "chain_annual_cost": float((r["landed_cost"][w] * units).sum()),
        "chain_cost_per_unit": float((r["landed_cost"][w] * units).sum() / units.sum()) if units.sum() > 0 else None,
        "chain_working_capital": float(r["working_capital"][w].sum()),
        "chain_late_share": float((units * late).sum() / units.sum()) if units.sum() > 0 else 0.0,
        "chain_days_mean": float((r["customer_days_mean"][w] * units).sum() / units.sum()) if units.sum() > 0
        else None,
        "chain_channels": ";".join(f"{p}/{m}:{c}" for p, m, c in zip(r.product[w], r.market[w], r.channel[w],
                                                                     strict=True)),
    }
    by: defaultdict[str, float] = defaultdict(float)
    for c, u in zip(r.channel[w], units, strict=True):
        by[str(c)] += float(u)
    out.update({f"chain_units_{c}": v for c, v in sorted(by.items())})
    return out


def _design(s: Scenario, chain: ChainReport, time_limit: float) -> dict[str, Any]:
    """The design's outputs; its flows' delivery days and working capital are the chain's rows of their routes."""
    from logistics.design import scenario_design, solve_design

    res = solve_design(scenario_design(s), time_limit=time_limit, gap=1e-3)
    rows = {k: i for i, k in enumerate(zip(map(str, chain.product), map(str, chain.origin), map(str, chain.market),
                                           map(str, chain.route), strict=True))}
    days = np.asarray(chain["customer_days_mean"], dtype=float)
    capital = np.asarray(chain["working_capital"], dtype=float)  # of the row's whole demand
    chosen = res.chosen_flows()
    at = [rows[(f.product, f.option.origin, f.option.market, f.option.route.label)] for f in chosen]
    moved = sum(f.units_per_year for f in chosen)
    lead = sum(f.units_per_year * days[i] for f, i in zip(chosen, at, strict=True))
    tied = sum(f.share * capital[i] for f, i in zip(chosen, at, strict=True))
    by: defaultdict[str, float] = defaultdict(float)
    for f in chosen:
        by[str(f.channel)] += f.units_per_year
    service = res.evaluation.service
    inst = res.instance
    demand = float(inst.demand_qty.sum())
    carried = res.plan.shares * inst.demand_qty[inst.opt_demand]
    out: dict[str, Any] = {
        "design_annual_cost": float(res.objective),
        "design_cost_per_unit": float(res.objective / demand) if demand > 0 else None,
        "design_status": str(res.status),
        "design_gap": float(res.gap) if math.isfinite(res.gap) else None,
        "design_open": ";".join(sorted(res.open_sites)),
        "design_service_min": float(min(service.values())) if service else None,
        "design_on_time_share": float(carried[inst.opt_meets].sum() / carried.sum()) if carried.sum() > 0 else None,
        "design_days_mean": float(lead / moved) if moved > 0 else None,
        "design_working_capital": float(tied),
    }
    out.update({f"design_units_{c}": v for c, v in sorted(by.items())})
    return out


# Screening results by a hash of the resolved screening data and the limit: most sweeps (and every measures run)
# vary inputs the screening does not read, and its solve is the slowest by far. One process's variants share it.
_SCREENING_SEEN: dict[str, dict[str, Any]] = {}


def _screening(s: Scenario, time_limit: float) -> dict[str, Any]:
    """The screening plan's outputs for ``s`` (resolved), shared by the variants with the same screening data."""
    from logistics.screening import optimize, problem_from

    key = hashlib.sha256(pickle.dumps((s.screening, time_limit), protocol=5)).hexdigest()
    if key not in _SCREENING_SEEN:
        r = optimize(problem_from(s), time_limit=time_limit).report
        if len(_SCREENING_SEEN) >= 64:
            _SCREENING_SEEN.clear()
        _SCREENING_SEEN[key] = {
            "screening_cost_per_day": float(r.total_cost), "screening_misses_per_day": float(r.expected_misses),
            "screening_dwell_hours": float(r.dwell_mean_hours),
            "screening_placement": ";".join(sorted(set(r.assignment.values())))}
    return dict(_SCREENING_SEEN[key])


def run_batch(task: Task) -> list[dict[str, Any]]:
    """Run every variant of the task; one row each (key, variant, inputs, outputs, status, runtime).

    A variant that its solvers find infeasible gets ``status = "infeasible"``, one whose values the scenario
    refuses ``invalid``, and one that fails in any other way ``error``, each with the reason: one bad variant
    never stops the sweep.
    """
    rows = []
    for key, index, inputs in task.variants:
        t0 = time.perf_counter()
        row: dict[str, Any] = {"key": key, "variant": index, "base": task.base,
                               **{f"in:{k}": v for k, v in inputs.items()}}
        try:
            s = task.scenario
            for name, path, mode in task.paths:
                s = apply(s, path, inputs[name], mode)
            s = resolve_measures(s)  # after the inputs: a sweep may switch measures on and off
            if "chain" in task.run or "design" in task.run:
                from logistics.chain import evaluate

                chain = evaluate(s)  # one evaluation serves the chain's outputs and the design's flows
                if "chain" in task.run:
                    row.update(_chain(chain))
                if "design" in task.run:
                    row.update(_design(s, chain, task.design_time_limit))
            if "screening" in task.run:
                row.update(_screening(s, task.screening_time_limit))
            row["status"] = "ok"
            row["reason"] = ""
        except (OwlError, PathError) as exc:
            # An input that makes the scenario infeasible or invalid is a finding, not a failure of the sweep.
            row["status"] = "infeasible" if getattr(exc, "exit_code", 2) == 1 else "invalid"
            row["reason"] = str(exc).splitlines()[0][:500]
        except Exception as exc:
            row["status"] = "error"
            row["reason"] = f"{type(exc).__name__}: {exc}"[:500]
        row["runtime_s"] = time.perf_counter() - t0
        rows.append(row)
    return rows
